#include "common/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct error {
	int errnum; /* errno of the root cause, 0 when not a syscall failure */
	enum err_kind kind;
	char *msg; /* full message, context first: "mounts[3] (/proc): mount: EPERM" */
};

/* Const and in read-only memory: a stray write faults instead of corrupting
 * the error every other allocation failure shares. Handed out as a non-const
 * pointer because error values are; err_wrap/err_set_errnum/err_free leave
 * it alone. */
static const struct error oom_error = {ENOMEM, ERR_NOMEM, (char *)"out of memory"};
#define OOM ((error *)&oom_error)

error *err_oom(void)
{
	return OOM;
}

static enum err_kind default_kind(int errnum)
{
	if (errnum == ENOMEM)
		return ERR_NOMEM;
	return errnum ? ERR_SYSTEM : ERR_OTHER;
}

/* append_strerror: "msg: strerror(errnum)" (err_sys) or msg as is. */
static error *err_vmake(enum err_kind kind, int errnum, bool append_strerror, const char *fmt,
			va_list ap)
{
	error *e = calloc(1, sizeof(*e));
	char *base = NULL;
	if (!e || vasprintf(&base, fmt, ap) < 0) {
		free(e);
		return OOM;
	}
	e->errnum = errnum;
	e->kind = kind ? kind : default_kind(errnum);
	if (errnum && append_strerror) {
		if (asprintf(&e->msg, "%s: %s", base, strerror(errnum)) < 0) {
			free(base);
			free(e);
			return OOM;
		}
		free(base);
	} else {
		e->msg = base;
	}
	return e;
}

error *err_new(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error *e = err_vmake(ERR_OTHER, 0, false, fmt, ap);
	va_end(ap);
	return e;
}

error *err_kind_new(enum err_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error *e = err_vmake(kind, 0, false, fmt, ap);
	va_end(ap);
	return e;
}

error *err_sys(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error *e = err_vmake(0, errnum, true, fmt, ap);
	va_end(ap);
	return e;
}

error *err_make(enum err_kind kind, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error *e = err_vmake(kind, errnum, false, fmt, ap);
	va_end(ap);
	return e;
}

error *err_wrap(error *e, const char *fmt, ...)
{
	if (!e || e == OOM)
		return e;
	char *ctx = NULL, *joined = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&ctx, fmt, ap);
	va_end(ap);
	if (n < 0)
		return e;
	if (asprintf(&joined, "%s: %s", ctx, e->msg) >= 0) {
		free(e->msg);
		e->msg = joined;
	}
	free(ctx);
	return e;
}

error *err_set_errnum(error *e, int errnum)
{
	if (e && e != OOM)
		e->errnum = errnum;
	return e;
}

void err_free(error *e)
{
	if (!e || e == OOM)
		return;
	free(e->msg);
	free(e);
}

int err_errnum(const error *e)
{
	return e ? e->errnum : 0;
}

const char *err_msg(const error *e)
{
	return e ? e->msg : "";
}

enum err_kind err_kind(const error *e)
{
	return e ? e->kind : 0;
}

const char *err_kind_name(enum err_kind kind)
{
	static const char *const names[] = {
	    [ERR_SYSTEM] = "system",	       [ERR_NOT_FOUND] = "not found",
	    [ERR_EXISTS] = "exists",	       [ERR_BAD_STATE] = "bad state",
	    [ERR_BAD_CONFIG] = "bad config",   [ERR_NOMEM] = "out of memory",
	    [ERR_UNSUPPORTED] = "unsupported", [ERR_OTHER] = "other",
	};
	if (kind > 0 && kind <= ERR_KIND_MAX)
		return names[kind];
	return "none";
}
