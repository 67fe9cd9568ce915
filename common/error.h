/* Errors are values: a heap-allocated message plus the errno that caused it.
 * NULL means success. Context is prepended on the way up with err_wrap(). */
#ifndef ISORUN_COMMON_ERROR_H
#define ISORUN_COMMON_ERROR_H

#include <stdarg.h>

typedef struct error {
	int errnum; /* errno of the root cause, 0 when not a syscall failure */
	char *msg;  /* full message, context first: "mounts[3] (/proc): mount: EPERM" */
} error;

/* A plain message, no errno. */
error *err_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Message + ": " + strerror(errnum); errnum is kept in ->errnum. */
error *err_sys(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like err_sys(errno, ...), reading errno before anything can clobber it. */
#define err_errno(...) err_sys(errno, __VA_ARGS__)
/* Prefix "ctx: " to e's message; returns e (NULL stays NULL). */
error *err_wrap(error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_free(error *e);

/* Serialisation for passing an error between processes (sync socket). */
int err_errnum(const error *e);
const char *err_msg(const error *e);

static inline void err_freep(error **e)
{
	err_free(*e);
	*e = 0;
}
#define _cleanup_err_ __attribute__((cleanup(err_freep)))

#endif
