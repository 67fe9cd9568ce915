/* Signal names for `kill`, parsed exactly as runc 1.1 does. */
#ifndef ISORUN_CMD_SIGNALS_H
#define ISORUN_CMD_SIGNALS_H

#include "common/error.h"

/* A decimal number (any int, passed through: the kernel judges it), or a name in
 * any case with or without "SIG" (KILL, sigkill, SIGKILL). Only the 31 standard
 * signals have names, as in golang.org/x/sys/unix: IOT, CLD, POLL and RTMIN+n are
 * "unknown signal \"RTMIN+3\"" like runc 1.1. */
error *signal_parse(const char *s, int *sig);
/* "SIGKILL" for 9, NULL for numbers without a name. */
const char *signal_name(int sig);

#endif
