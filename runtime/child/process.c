/* The container process's last steps: limits, cwd, no_new_privs, fd hygiene
 * and execve. Identity and capabilities are in identity.c, PATH lookup in
 * exec_path.c, labels in lsm.c, limits in limits.c. */
#include "runtime/child/process.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/child/process_internal.h"

bool process_cwd_deferred;

error *process_apply_limits(const struct oci_process *p, const struct oci_linux *lnx)
{
	error *e = limits_apply(p, lnx);
	if (e)
		return e;
	return lsm_apply_exec_labels(p);
}

static int open_dir_at(int dirfd, const char *name, bool no_magic)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = no_magic ? RESOLVE_NO_MAGICLINKS : 0,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	/* ENOENT, ENOTDIR and ELOOP are answers; anything else means openat2
	 * itself is unavailable (ENOSYS on a pre-5.6 kernel, or whatever errno
	 * a seccomp filter of a caller gives). The getcwd check still catches
	 * an escape then. */
	if (fd < 0 && errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
		fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

static error *cwd_err(const char *cwd, int errnum, const char *why)
{
	error *e = err_new("chdir to cwd (\"%s\") set in config.json failed: %s", cwd,
			   why ? why : go_strerror(errnum));
	if (e)
		err_set_errnum(e, errnum);
	return e;
}

/* Walks cwd one component at a time from / (or the current dir), creating
 * missing ones 0755 like runc's MkdirAll, never through a /proc magic link:
 * process.cwd=/proc/self/fd/N would otherwise reach a leaked host directory
 * (CVE-2024-21626), and mkdir would create host directories through it. */
static error *walk_cwd(const char *cwd, bool create, bool *denied, int *fd_out)
{
	*denied = false;
	_cleanup_free_ char *copy = strdup(cwd);
	if (!copy)
		return err_sys(ENOMEM, "process.cwd");
	_cleanup_close_ int dirfd =
	    open(cwd[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return cwd_err(cwd, errno, NULL);
	char *save = NULL;
	for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		int fd = open_dir_at(dirfd, comp, true);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(dirfd, comp, 0755) < 0 && errno != EEXIST) {
				int en = errno;
				*denied = en == EACCES || en == EPERM;
				return cwd_err(cwd, en, NULL);
			}
			fd = open_dir_at(dirfd, comp, true);
		}
		if (fd < 0) {
			int en = errno;
			if (en == ELOOP) {
				_cleanup_close_ int probe = open_dir_at(dirfd, comp, false);
				if (probe >= 0)
					return cwd_err(cwd, ELOOP,
						       "resolves through a /proc magic link -- "
						       "possible container breakout detected");
			}
			*denied = en == EACCES || en == EPERM;
			return cwd_err(cwd, en, NULL);
		}
		close(dirfd);
		dirfd = fd;
	}
	*fd_out = steal_fd(dirfd);
	return NULL;
}

/* getcwd(2) prefixes "(unreachable)" when cwd is outside our root, which
 * glibc turns into ENOENT; either way the process must not start there. */
static error *verify_cwd(void)
{
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof(buf))) {
		if (errno == ENOENT)
			return err_new("current working directory is outside of container mount "
				       "namespace root -- possible container breakout detected");
		return err_errno("failed to verify if current working directory is safe");
	}
	if (buf[0] != '/')
		return err_new("current working directory is not absolute -- possible container "
			       "breakout detected: cwd is \"%s\"",
			       buf);
	return NULL;
}

error *process_chdir_now(const struct oci_process *p, bool allow_defer)
{
	const char *cwd = p->cwd && p->cwd[0] ? p->cwd : "/";
	/* The process umask is already the container's; runc creates cwd 0755. */
	mode_t old = umask(0022);
	bool denied;
	_cleanup_close_ int fd = -1;
	error *e = walk_cwd(cwd, true, &denied, &fd);
	umask(old);
	/* O_PATH needs no permission on the last component: fchdir is where
	 * search permission is checked. */
	if (!e && fchdir(fd) < 0) {
		denied = errno == EACCES || errno == EPERM;
		e = cwd_err(cwd, errno, NULL);
	}
	if (e) {
		if (denied && allow_defer) {
			/* Root may be refused where the container user is not (a
			 * volume chowned to it, root_squash, userns): retry after setuid. */
			log_debug("process.cwd %s: %s; retrying after setuid", cwd, err_msg(e));
			err_free(e);
			process_cwd_deferred = true;
			return NULL;
		}
		return e;
	}
	process_cwd_deferred = false;
	return verify_cwd();
}

error *process_create_cwd(const struct oci_process *p)
{
	const char *cwd = p->cwd && p->cwd[0] ? p->cwd : "/";
	mode_t old = umask(0022);
	bool denied;
	_cleanup_close_ int fd = -1;
	error *e = walk_cwd(cwd, true, &denied, &fd);
	umask(old);
	if (e && denied) {
		/* process_chdir retries as the container user and reports then. */
		log_debug("process.cwd %s: %s; not created as root", cwd, err_msg(e));
		err_free(e);
		return NULL;
	}
	return e;
}

error *process_chdir(const struct oci_process *p)
{
	process_cwd_deferred = false;
	return process_chdir_now(p, true);
}

error *process_set_no_new_privs(const struct oci_process *p)
{
	if (!p->no_new_privileges)
		return NULL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_errno("process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
	return NULL;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Without close_range: every open fd in [lo, hi] from /proc/self/fd (a
 * verified procfs, so that a fake /proc cannot hide an fd), or, when /proc is
 * unusable, every number up to the fd limit. */
static int cloexec_walk(unsigned lo, unsigned hi)
{
	_cleanup_close_ int dfd = -1;
	error *e = proc_self_open("fd", O_RDONLY | O_DIRECTORY, &dfd);
	if (e) {
		err_free(e);
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = lo; fd <= (long)hi && fd < max; fd++) {
			int fl = fcntl((int)fd, F_GETFD);
			if (fl >= 0 && !(fl & FD_CLOEXEC) &&
			    fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC) < 0)
				return -1;
		}
		return 0;
	}
	DIR *d = fdopendir(dfd);
	if (!d)
		return -1;
	int own = steal_fd(dfd);
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		long long v;
		if (de->d_name[0] == '.' || parse_int64(de->d_name, &v) < 0 || v < lo || v > hi ||
		    v == own)
			continue;
		int fl = fcntl((int)v, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC) && fcntl((int)v, F_SETFD, fl | FD_CLOEXEC) < 0) {
			rc = -1;
			break;
		}
	}
	int en = errno;
	closedir(d);
	errno = en;
	return rc;
}

static int cloexec_range(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
	if (close_range(lo, hi, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	/* Whatever the reason (pre-5.11 kernel: ENOSYS or EINVAL; a seccomp
	 * profile of whoever runs us: any errno), the walk does the same. */
	log_debug("close_range(%u, %u, CLOSE_RANGE_CLOEXEC): %s; walking /proc/self/fd", lo, hi,
		  strerror(errno));
	return cloexec_walk(lo, hi);
}

error *process_close_fds_on_exec(const int *keep, int n_keep)
{
	_cleanup_free_ int *k = calloc(n_keep > 0 ? (size_t)n_keep : 1, sizeof(int));
	if (!k)
		return err_sys(ENOMEM, "close fds before exec");
	int n = 0;
	for (int i = 0; i < n_keep; i++)
		if (keep[i] >= 3)
			k[n++] = keep[i];
	qsort(k, (size_t)n, sizeof(int), cmp_int);

	unsigned lo = 3;
	for (int i = 0; i < n; i++) {
		if ((unsigned)k[i] > lo && cloexec_range(lo, (unsigned)k[i] - 1) < 0)
			return err_errno("mark fds %u-%d close-on-exec", lo, k[i] - 1);
		/* Kept fds must survive execve even if we opened them O_CLOEXEC. */
		int fl = fcntl(k[i], F_GETFD);
		if (fl < 0)
			return err_errno("preserved fd %d", k[i]);
		if ((fl & FD_CLOEXEC) && fcntl(k[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return err_errno("preserved fd %d: clear FD_CLOEXEC", k[i]);
		lo = (unsigned)k[i] + 1;
	}
	if (lo != 0 && cloexec_range(lo, ~0U) < 0)
		return err_errno("mark fds %u and up close-on-exec", lo);
	return NULL;
}

error *process_exec_env(const char *path, const struct oci_process *p, char **env)
{
	execve(path, p->args, env);
	int en = errno;
	/* runc: "exec failed: unable to start container process: exec /bin/x: ..."
	 * -- the part from "exec " on is ours. */
	error *e = err_new("exec %s: %s", path, go_strerror(en));
	if (e)
		err_set_errnum(e, en);
	return e;
}

error *process_exec(const char *path, const struct oci_process *p)
{
	_cleanup_strv_ char **env = NULL;
	error *e = process_build_env(p->env, getuid(), "/etc/passwd", &env);
	if (e)
		return e;
	return process_exec_env(path, p, env);
}
