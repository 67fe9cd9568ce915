/* Errors are values: a message, the errno that caused it and a kind. NULL
 * means success. Context is prepended on the way up with err_wrap(); the kind
 * and errno are set where the error is made and never change after.
 *
 * The struct is opaque: read an error with err_msg(), err_errnum(), err_kind().
 * Callers branch on the kind (or errno), never on the message text.
 *
 * Out of memory, one policy:
 * - code that fails to allocate returns err_sys(ENOMEM, "what") (kind
 *   ERR_NOMEM) like any other failed call;
 * - when building an error itself fails to allocate, the constructors return
 *   err_oom(), a static, read-only error ("out of memory", ENOMEM, ERR_NOMEM).
 *   err_wrap() returns it unchanged (there is no memory for the context) and
 *   err_free() ignores it, so it is shared safely and can never be corrupted. */
#ifndef ISORUN_COMMON_ERROR_H
#define ISORUN_COMMON_ERROR_H

#include <stdarg.h>

typedef struct error error;

enum err_kind {
	ERR_SYSTEM = 1,	 /* a system call or the host failed (default with an errno) */
	ERR_NOT_FOUND,	 /* the named thing (container, file, group) does not exist */
	ERR_EXISTS,	 /* it exists already */
	ERR_BAD_STATE,	 /* the container is not in a state that allows this */
	ERR_BAD_CONFIG,	 /* config.json, a flag or an input is invalid */
	ERR_NOMEM,	 /* out of memory (err_sys(ENOMEM, ...) and err_oom()) */
	ERR_UNSUPPORTED, /* this host or kernel cannot do it */
	ERR_OTHER,	 /* default of err_new(): a plain failure with no better kind */
};
#define ERR_KIND_MAX ERR_OTHER

/* A plain message, no errno, kind ERR_OTHER. */
error *err_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A plain message, no errno, the given kind. */
error *err_kind_new(enum err_kind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Message + ": " + strerror(errnum); kind ERR_SYSTEM (ERR_NOMEM for ENOMEM,
 * ERR_OTHER for errnum 0). */
error *err_sys(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like err_sys(errno, ...), reading errno before anything can clobber it. */
#define err_errno(...) err_sys(errno, __VA_ARGS__)
/* The message as given (no strerror appended), with errnum and kind: for an
 * error rebuilt from its parts (sync socket) or a message that names its
 * cause in its own words. kind 0 means the default for errnum. */
error *err_make(enum err_kind kind, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix "ctx: " to e's message; returns e (NULL stays NULL; err_oom() is
 * returned unchanged). */
error *err_wrap(error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records the errno behind e after the fact (the message stays as it is), for
 * errors whose errno is only known after they are made; returns e. */
error *err_set_errnum(error *e, int errnum);
void err_free(error *e);
/* The shared static out-of-memory error. */
error *err_oom(void);

/* The message ("" for NULL), the root cause's errno (0 for NULL or none), the
 * kind (0 for NULL). */
const char *err_msg(const error *e);
int err_errnum(const error *e);
enum err_kind err_kind(const error *e);
/* A short name for logs and tests: "system", "not found", ... */
const char *err_kind_name(enum err_kind kind);

static inline void err_freep(error **e)
{
	err_free(*e);
	*e = 0;
}
#define _cleanup_err_ __attribute__((cleanup(err_freep)))

#endif
