#include "common/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Allocation failure while building an error leaves us nothing to report
 * with, so fall back to a static error that err_free() knows not to free. */
static error oom_error = {ENOMEM, "out of memory"};

static error *err_vmake(int errnum, const char *fmt, va_list ap)
{
	error *e = calloc(1, sizeof(*e));
	char *base = NULL;
	if (!e || vasprintf(&base, fmt, ap) < 0) {
		free(e);
		return &oom_error;
	}
	e->errnum = errnum;
	if (errnum) {
		if (asprintf(&e->msg, "%s: %s", base, strerror(errnum)) < 0) {
			free(base);
			free(e);
			return &oom_error;
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
	error *e = err_vmake(0, fmt, ap);
	va_end(ap);
	return e;
}

error *err_sys(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error *e = err_vmake(errnum, fmt, ap);
	va_end(ap);
	return e;
}

error *err_wrap(error *e, const char *fmt, ...)
{
	if (!e || e == &oom_error)
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

void err_free(error *e)
{
	if (!e || e == &oom_error)
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
