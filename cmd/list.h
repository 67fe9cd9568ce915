/* `isorun list` output, separate from the command so tests can check the layout. */
#ifndef ISORUN_CMD_LIST_H
#define ISORUN_CMD_LIST_H

#include <stddef.h>
#include <stdio.h>

#include "runtime/container.h"

/* runc's table: Go tabwriter (minwidth 12, padding 3) over
 * ID PID STATUS BUNDLE CREATED OWNER, header included, written to f; -1 on a
 * write error. list_format_table: the same as a malloc'd string (NULL on ENOMEM). */
int list_write_table(FILE *f, const struct container_info *cs, size_t n);
char *list_format_table(const struct container_info *cs, size_t n);

#endif
