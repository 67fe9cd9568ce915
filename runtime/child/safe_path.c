#include "runtime/child/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

/* Bounds how often a dangling symlink may send us round again (as the
 * kernel's own MAXSYMLINKS). */
#define SAFE_MAX_SYMLINKS 40

/* Errors by which openat2 answers about the path; any other errno means
 * openat2 itself is unavailable: ENOSYS before Linux 5.6, or whatever errno a
 * seccomp filter of whoever runs the runtime gives. */
static bool openat2_answered(int en)
{
	return en == ENOENT || en == ENOTDIR || en == ELOOP || en == EXDEV || en == EACCES ||
	       en == ENAMETOOLONG || en == ENOMEM || en == EMFILE || en == ENFILE;
}

#define WALK_MAX_DEPTH 256

/* RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS by hand, for when openat2 is
 * unavailable. Every component is opened O_PATH|O_NOFOLLOW from the fd of its
 * parent; the parents stay open on a stack, and ".." pops it (never opens
 * ".."), so neither a symlink nor a concurrent rename can lead out of root. A
 * symlink's target is spliced into the rest of the path (an absolute one
 * restarts at root), at most SAFE_MAX_SYMLINKS times. Symlinks on procfs are
 * refused (ELOOP), as RESOLVE_NO_MAGICLINKS refuses /proc/PID/fd/N and the
 * like, except procfs's own "self" and "thread-self". flags may only add
 * O_DIRECTORY to O_PATH (all the callers need). */
static int walk_in_root(int rootfd, const char *path, int flags)
{
	int stack[WALK_MAX_DEPTH];
	int depth = 0, links = 0, ret = -1, en = 0;
	char *rest = strdup(path);
	if (!rest) {
		errno = ENOMEM;
		return -1;
	}
	stack[depth++] = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (stack[0] < 0)
		goto out_errno;
	char *p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char name[NAME_MAX + 1];
		if (len > NAME_MAX) {
			en = ENAMETOOLONG;
			goto out;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (depth > 1)
				close(stack[--depth]);
			continue;
		}
		int fd = openat(stack[depth - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			goto out_errno;
		struct stat st;
		if (fstat(fd, &st) < 0) {
			en = errno;
			close(fd);
			goto out;
		}
		if (!S_ISLNK(st.st_mode)) {
			if (depth == WALK_MAX_DEPTH) {
				close(fd);
				en = ENAMETOOLONG;
				goto out;
			}
			stack[depth++] = fd;
			continue;
		}
		struct statfs sf;
		bool magic = fstatfs(fd, &sf) < 0 ||
			     (sf.f_type == PROC_SUPER_MAGIC && strcmp(name, "self") != 0 &&
			      strcmp(name, "thread-self") != 0);
		char target[PATH_MAX];
		ssize_t n = magic ? -1 : readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (magic || ++links > SAFE_MAX_SYMLINKS) {
			en = ELOOP;
			goto out;
		}
		if (n < 0)
			goto out_errno;
		target[n] = '\0';
		char *next = NULL;
		if (asprintf(&next, "%s/%s", target, p) < 0) {
			en = ENOMEM;
			goto out;
		}
		free(rest);
		rest = p = next;
		if (target[0] == '/')
			while (depth > 1)
				close(stack[--depth]);
	}
	struct stat st;
	if ((flags & O_DIRECTORY) && (fstat(stack[depth - 1], &st) < 0 || !S_ISDIR(st.st_mode))) {
		en = ENOTDIR;
		goto out;
	}
	ret = stack[--depth];
	goto out;
out_errno:
	en = errno;
out:
	while (depth > 0)
		if (stack[--depth] >= 0)
			close(stack[depth]);
	free(rest);
	if (ret < 0)
		errno = en;
	return ret;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	/* "" would need AT_EMPTY_PATH; "." means the root itself. */
	if (!*path)
		path = ".";
	for (;;) {
		long r = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (r >= 0 || errno != EAGAIN) {
			if (r < 0 && !openat2_answered(errno))
				return walk_in_root(rootfd, path, flags);
			return (int)r;
		}
		/* EAGAIN: a concurrent rename raced the lookup; retry. */
	}
}

const char *safe_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

/* Splits path into components, dropping empty ones and "."; ".." is kept
 * because openat2 resolves it within the root. */
static char **split_path(const char *path, size_t *n)
{
	_cleanup_free_ char *copy = strdup(path);
	size_t cap = 1;
	for (const char *p = path; *p; p++)
		cap += *p == '/';
	char **v = calloc(cap + 1, sizeof(*v));
	if (!copy || !v) {
		free(v);
		return NULL;
	}
	*n = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		v[(*n)++] = t;
	}
	/* Re-own the strings: the tokens point into copy. */
	for (size_t i = 0; i < *n; i++) {
		v[i] = strdup(v[i]);
		if (!v[i]) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	v[*n] = NULL;
	return v;
}

static char *join_components(char **comps, size_t from, size_t to)
{
	size_t len = 1;
	for (size_t i = from; i < to; i++)
		len += strlen(comps[i]) + 1;
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	char *p = s;
	*p = '\0';
	for (size_t i = from; i < to; i++)
		p += sprintf(p, "/%s", comps[i]);
	if (p == s)
		strcpy(s, "/");
	return s;
}

/* One pass of the component walk. Returns 0 with *out set, -1 with errno,
 * or 1 when a dangling symlink was met: *restart is the path to try next. */
static int walk_create(int rootfd, const char *path, enum safe_create kind, int *out,
		       char **restart)
{
	size_t n = 0;
	_cleanup_strv_ char **comps = split_path(path, &n);
	if (!comps) {
		errno = ENOMEM;
		return -1;
	}
	_cleanup_close_ int cur = openat2_in_root(rootfd, ".", O_PATH | O_DIRECTORY);
	if (cur < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *prefix = join_components(comps, 0, i + 1);
		if (!prefix) {
			errno = ENOMEM;
			return -1;
		}
		int fd = openat2_in_root(rootfd, prefix, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			bool last = i + 1 == n;
			int r;
			if (last && kind == SAFE_CREATE_FILE) {
				/* O_EXCL|O_NOFOLLOW: never create through a symlink. */
				r = openat(cur, comps[i],
					   O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
					   0755);
				if (r >= 0)
					close(r);
			} else {
				r = mkdirat(cur, comps[i], 0755);
			}
			if (r < 0 && errno == EEXIST) {
				/* Something is there but does not resolve: a
				 * dangling symlink (or a racing creator). */
				char target[PATH_MAX];
				ssize_t len = readlinkat(cur, comps[i], target, sizeof(target) - 1);
				if (len < 0) {
					if (errno == EINVAL)
						errno = EEXIST;
					return -1;
				}
				target[len] = '\0';
				_cleanup_free_ char *parent = join_components(comps, 0, i);
				_cleanup_free_ char *rest = join_components(comps, i + 1, n);
				if (!parent || !rest) {
					errno = ENOMEM;
					return -1;
				}
				char *next = NULL;
				if (asprintf(&next, "%s/%s/%s", target[0] == '/' ? "" : parent,
					     target, rest) < 0) {
					errno = ENOMEM;
					return -1;
				}
				*restart = next;
				return 1;
			}
			if (r < 0)
				return -1;
			fd = openat2_in_root(rootfd, prefix, O_PATH);
		}
		if (fd < 0)
			return -1;
		close(cur);
		cur = fd;
	}
	*out = steal_fd(cur);
	return 0;
}

error *safe_open_in_root(int rootfd, const char *path, enum safe_create kind, int *out)
{
	int fd = openat2_in_root(rootfd, path, O_PATH);
	if (fd >= 0) {
		*out = fd;
		return NULL;
	}
	if (errno != ENOENT || kind == SAFE_NO_CREATE)
		return err_errno("open %s in rootfs", path);
	_cleanup_free_ char *cur = strdup(path);
	if (!cur)
		return err_sys(ENOMEM, "open %s in rootfs", path);
	for (int loops = 0; loops <= SAFE_MAX_SYMLINKS; loops++) {
		char *next = NULL;
		int r = walk_create(rootfd, cur, kind, &fd, &next);
		if (r == 0) {
			*out = fd;
			return NULL;
		}
		if (r < 0)
			return err_errno("create %s in rootfs", path);
		free(cur);
		cur = next;
	}
	return err_sys(ELOOP, "create %s in rootfs", path);
}

error *safe_open_parent_in_root(int rootfd, const char *path, bool create_parents, int *dirfd,
				char **name_buf, const char **name)
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return err_sys(ENOMEM, "%s", path);
	/* Trailing slashes do not change which entry is meant. */
	size_t len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	char *slash = strrchr(copy, '/');
	char *base = slash ? slash + 1 : copy;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return err_new("%s: not a path to an entry inside the rootfs", path);
	char *parent = slash ? copy : (char *)".";
	if (slash)
		*slash = '\0';
	if (!*parent)
		parent = (char *)"/";
	int fd = -1;
	error *e = safe_open_in_root(rootfd, parent,
				     create_parents ? SAFE_CREATE_DIR : SAFE_NO_CREATE, &fd);
	if (e)
		return e;
	struct stat st = {0};
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? errno : ENOTDIR;
		close(fd);
		return err_sys(err, "open parent of %s in rootfs", path);
	}
	*name_buf = strdup(base);
	if (!*name_buf) {
		close(fd);
		return err_sys(ENOMEM, "%s", path);
	}
	*name = *name_buf;
	*dirfd = fd;
	return NULL;
}
