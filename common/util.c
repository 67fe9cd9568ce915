#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"

size_t strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	cleanup_strvp(&v);
}

char **strv_dup(char *const *v)
{
	size_t n = strv_len(v);
	char **r = calloc(n + 1, sizeof(*r));
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		r[i] = strdup(v[i]);
		if (!r[i]) {
			strv_free(r);
			return NULL;
		}
	}
	return r;
}

int strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);
	char *copy = strdup(s);
	if (!copy)
		return -1;
	char **r = realloc(*v, (n + 2) * sizeof(*r));
	if (!r) {
		free(copy);
		return -1;
	}
	r[n] = copy;
	r[n + 1] = NULL;
	*v = r;
	return 0;
}

bool strv_contains(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *str_printf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

error *read_file_at(int dirfd, const char *path, char **out, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("open %s", path);
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *buf = malloc(cap + 1);
	if (!buf)
		return err_sys(ENOMEM, "read %s", path);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb)
				return err_sys(ENOMEM, "read %s", path);
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_errno("read %s", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = steal_ptr(buf);
	return NULL;
}

error *read_file(const char *path, char **out, size_t *len)
{
	return read_file_at(AT_FDCWD, path, out, len);
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

error *write_file_at(int dirfd, const char *path, const char *data, size_t len)
{
	_cleanup_close_ int fd =
	    openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return err_errno("open %s", path);
	if (write_all(fd, data, len) < 0)
		return err_errno("write %s", path);
	return NULL;
}

error *write_file(const char *path, const char *data, size_t len)
{
	return write_file_at(AT_FDCWD, path, data, len);
}

error *mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return err_sys(ENOMEM, "mkdir %s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return err_errno("mkdir %s", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return err_errno("mkdir %s", p);
	return NULL;
}

int parse_int64(const char *s, long long *out)
{
	if (!s || !*s)
		return -1;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

void format_rfc3339_nano(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	gmtime_r(&ts->tv_sec, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", base, ts->tv_nsec);
}

bool str_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		const char *end = strchrnul(p, ',');
		if ((size_t)(end - p) == n && strncmp(p, word, n) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

char *path_clean(const char *path)
{
	size_t n = strlen(path);
	if (n == 0)
		return strdup(".");
	bool rooted = path[0] == '/';
	char *out = malloc(n + 2);
	if (!out)
		return NULL;
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' &&
			   (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				out[w++] = path[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

char *path_join_clean(const char *base, const char *rel)
{
	_cleanup_free_ char *joined = str_printf("%s/%s", base ? base : "", rel ? rel : "");
	return joined ? path_clean(joined) : NULL;
}

const char *go_strerror(int errnum)
{
	static __thread char buf[128];
	/* Go's syscall.Errno.Error: its table's text (glibc's, first letter
	 * lowercase), "errno N" for a number it has no text for. */
	char unknown[64];
	snprintf(unknown, sizeof(unknown), "Unknown error %d", errnum);
	const char *s = errnum > 0 ? strerror(errnum) : unknown;
	if (strcmp(s, unknown) == 0)
		snprintf(buf, sizeof(buf), "errno %d", errnum);
	else
		snprintf(buf, sizeof(buf), "%s", s);
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

char *read_file_trimmed(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	error *e = read_file(path, &text, &len);
	if (e) {
		err_free(e);
		return NULL;
	}
	while (len && isspace((unsigned char)text[len - 1]))
		text[--len] = '\0';
	return text;
}
