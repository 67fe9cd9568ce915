/* Small helpers shared by every folder: strings, string vectors, whole-file I/O. */
#ifndef ISORUN_COMMON_UTIL_H
#define ISORUN_COMMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* NULL-terminated arrays of malloc'd strings ("strv"). */
size_t strv_len(char *const *v);
void strv_free(char **v);
char **strv_dup(char *const *v);
/* Appends a copy of s; returns 0 or -1 (ENOMEM). *v may be NULL. */
int strv_push(char ***v, const char *s);
bool strv_contains(char *const *v, const char *s);

bool str_has_prefix(const char *s, const char *prefix);
/* Whether the comma list ("rw,cpu,cpuacct") holds word exactly. */
bool str_list_has(const char *list, const char *word);
/* asprintf that returns the string, NULL on ENOMEM. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole-file reads/writes with O_CLOEXEC. read_file NUL-terminates. */
error *read_file(const char *path, char **out, size_t *len);
error *read_file_at(int dirfd, const char *path, char **out, size_t *len);
error *write_file(const char *path, const char *data, size_t len);
error *write_file_at(int dirfd, const char *path, const char *data, size_t len);
/* mkdir -p with the given mode for created components. */
error *mkdir_p(const char *path, mode_t mode);
/* write(2) until done, retrying EINTR; returns 0 or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);
/* read(2) until len bytes or EOF; returns bytes read or -1. */
ssize_t read_all(int fd, void *buf, size_t len);
/* Parses a decimal integer strictly (whole string, range checked). */
int parse_int64(const char *s, long long *out);
/* The file's text with trailing whitespace cut; NULL when unreadable. */
char *read_file_trimmed(const char *path);
/* Go's filepath.Clean, the one lexical path cleaner: "//" and "." go, ".."
 * drops the previous element (never above "/"; kept at the front of a
 * relative path), no trailing "/"; "" is ".". malloc'd, NULL on ENOMEM. */
char *path_clean(const char *path);
/* path_clean(base + "/" + rel): "/" + anything gives an absolute path;
 * NULL base or rel count as "". */
char *path_join_clean(const char *base, const char *rel);
/* strerror as Go prints syscall errors (first letter lowercase), for the
 * messages runc users and engines match on. Thread-local buffer. */
const char *go_strerror(int errnum);
/* RFC 3339 with nanoseconds in UTC, as runc prints `created`. */
void format_rfc3339_nano(char *buf, size_t len, const struct timespec *ts);

#endif
