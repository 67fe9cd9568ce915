/* User-namespace id maps: written directly as root, through the setuid
 * newuidmap/newgidmap helpers otherwise (the kernel only lets an unprivileged
 * writer map its own id, and only after setgroups is denied). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/namespaces.h"

extern char **environ;

static char *format_map(const struct oci_id_mapping *m, size_t n)
{
	size_t cap = n * 36 + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len +=
		    (size_t)snprintf(buf + len, cap - len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
				     m[i].container_id, m[i].host_id, m[i].size);
	return buf;
}

/* The kernel parses the whole map from one write(2); a second write fails. */
static error *write_proc(pid_t pid, const char *file, const char *data)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("open %s", path);
	if (write_all(fd, data, strlen(data)) < 0)
		return err_errno("write %s", path);
	return NULL;
}

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = str_printf("%s/%s", dir, name);
		if (full && access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

/* newuidmap PID c h s [c h s ...] */
static error *run_helper(const char *helper, pid_t pid, const struct oci_id_mapping *m, size_t n)
{
	_cleanup_free_ char *bin = find_in_path(helper);
	if (!bin)
		return err_new("%s not found in PATH (install the uidmap package; needed to "
			       "map ids as non-root)",
			       helper);
	size_t argc = 2 + 3 * n;
	_cleanup_strv_ char **argv = calloc(argc + 1, sizeof(char *));
	if (!argv)
		return err_sys(ENOMEM, "%s", helper);
	argv[0] = strdup(helper);
	argv[1] = str_printf("%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		argv[2 + 3 * i] = str_printf("%" PRIu32, m[i].container_id);
		argv[3 + 3 * i] = str_printf("%" PRIu32, m[i].host_id);
		argv[4 + 3 * i] = str_printf("%" PRIu32, m[i].size);
	}
	for (size_t i = 0; i < argc; i++)
		if (!argv[i])
			return err_sys(ENOMEM, "%s", helper);
	pid_t child;
	int rc = posix_spawn(&child, bin, NULL, NULL, argv, environ);
	if (rc != 0)
		return err_sys(rc, "exec %s", bin);
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return err_errno("wait for %s", helper);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	if (WIFEXITED(status))
		return err_new("%s %d: exited with status %d", helper, (int)pid,
			       WEXITSTATUS(status));
	return err_new("%s %d: killed by signal %d", helper, (int)pid, WTERMSIG(status));
}

/* Without privilege the kernel accepts exactly one line mapping the writer's
 * own id, so that case needs no helper. */
static bool is_self_map(const struct oci_id_mapping *m, size_t n, uint32_t self)
{
	return n == 1 && m[0].host_id == self && m[0].size == 1;
}

static error *write_one(pid_t pid, const char *file, const char *helper,
			const struct oci_id_mapping *m, size_t n, uint32_t self, bool root)
{
	if (n == 0)
		return NULL;
	if (!root && !is_self_map(m, n, self))
		return err_wrap(run_helper(helper, pid, m, n), "%s", file);
	if (!root && strcmp(file, "gid_map") == 0) {
		error *e = write_proc(pid, "setgroups", "deny");
		if (e && err_errnum(e) != ENOENT)
			return e;
		err_free(e);
	}
	_cleanup_free_ char *text = format_map(m, n);
	if (!text)
		return err_sys(ENOMEM, "%s", file);
	return write_proc(pid, file, text);
}

error *userns_write_maps(pid_t pid, const struct oci_config *cfg)
{
	const struct oci_linux *l = &cfg->linux_;
	bool root = geteuid() == 0;
	error *e = write_one(pid, "uid_map", "newuidmap", l->uid_mappings, l->n_uid_mappings,
			     (uint32_t)geteuid(), root);
	if (e)
		return err_wrap(e, "linux.uidMappings");
	e = write_one(pid, "gid_map", "newgidmap", l->gid_mappings, l->n_gid_mappings,
		      (uint32_t)getegid(), root);
	return err_wrap(e, "linux.gidMappings");
}

bool userns_map_is_initial(const char *uid_map)
{
	unsigned long long a, b, c;
	int end = 0;
	if (sscanf(uid_map, " %llu %llu %llu %n", &a, &b, &c, &end) != 3)
		return false;
	return a == 0 && b == 0 && c == 4294967295ULL && uid_map[end] == '\0';
}

bool userns_running_in(void)
{
	_cleanup_free_ char *text = NULL;
	error *e = read_file("/proc/self/uid_map", &text, NULL);
	if (e) {
		/* No user namespaces in this kernel: we are in the initial one. */
		err_free(e);
		return false;
	}
	return !userns_map_is_initial(text);
}

/* The helper's whole life: wait until the write end closes, then leave. */
static _Noreturn void userns_helper(int rd)
{
	char c;
	while (read(rd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

error *userns_open_with_maps(const struct oci_id_mapping *uid, size_t n_uid,
			     const struct oci_id_mapping *gid, size_t n_gid, int *out)
{
	*out = -1;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_errno("idmap user namespace: pipe");
	/* A raw clone, like fork(2) but born in the new user namespace, so
	 * there is nothing to wait for before writing its maps. */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(p[1]);
		userns_helper(p[0]);
	}
	int saved = errno;
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return err_sys(saved, "idmap user namespace: clone");
	}
	bool root = geteuid() == 0;
	error *e = write_one(pid, "uid_map", "newuidmap", uid, n_uid, (uint32_t)geteuid(), root);
	if (e)
		e = err_wrap(e, "idmap user namespace");
	if (!e &&
	    (e = write_one(pid, "gid_map", "newgidmap", gid, n_gid, (uint32_t)getegid(), root)))
		e = err_wrap(e, "idmap user namespace");
	if (!e) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		*out = open(path, O_RDONLY | O_CLOEXEC);
		if (*out < 0)
			e = err_errno("idmap user namespace: open %s", path);
	}
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return e;
}
