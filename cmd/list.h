/* `isorun list` output, separate from the command so tests can check the layout. */
#ifndef ISORUN_CMD_LIST_H
#define ISORUN_CMD_LIST_H

#include <stddef.h>

#include "runtime/container.h"

/* runc's table: Go tabwriter (minwidth 12, padding 3) over
 * ID PID STATUS BUNDLE CREATED OWNER, header included. malloc'd; NULL on ENOMEM. */
char *list_format_table(const struct container_info *cs, size_t n);

#endif
