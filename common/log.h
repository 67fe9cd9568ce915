/* The runtime's log: --log FILE with --log-format text|json (runc's format,
 * appended), stderr otherwise. Nothing here writes to stdout. */
#ifndef ISORUN_COMMON_LOG_H
#define ISORUN_COMMON_LOG_H

#include <stdbool.h>

#include "common/error.h"

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARNING, LOG_LEVEL_ERROR };

/* path NULL: log to stderr. json: runc's {"level","msg","time"} lines. */
error *log_init(const char *path, bool json, bool debug);
void log_close(void);
bool log_debug_enabled(void);
/* Only when a log file is set: whether errors must also be echoed to stderr. */
bool log_to_file(void);
/* In a child of the runtime (container init, exec child), before it
 * redirects its stdio: debug lines keep going where the runtime's went (a
 * close-on-exec copy of stderr when there is no log file), so that its
 * setup steps reach the log in order with the parent's. */
void log_child_begin(void);
/* From here on, nothing is logged: called just before a seccomp filter is
 * loaded, after which the runtime makes no syscall the profile may deny. */
void log_child_silence(void);
/* The clock of the t= field of debug lines: started first thing in main;
 * log_pass_clock hands it to a re-exec of the binary (via the environment). */
void log_start_clock(void);
void log_pass_clock(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
