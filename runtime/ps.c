/* ps: the container's processes, as the host pids in its cgroup (json) or as
 * the rows of the host's `ps` whose PID is one of them (table), like runc. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/container.h"
#include "runtime/state/container_status.h"

extern char **environ;

static bool same_ns(const char *a, const struct stat *b)
{
	struct stat st;
	return stat(a, &st) == 0 && st.st_dev == b->st_dev && st.st_ino == b->st_ino;
}

/* No cgroup to ask: every process whose pid namespace is init's, when that
 * is not ours (else init alone). Processes we may not inspect are not ours. */
static error *pidns_pids(pid_t init, pid_t **pids, size_t *n)
{
	char path[64];
	struct stat ns, self;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	if (stat(path, &ns) < 0 || stat("/proc/self/ns/pid", &self) < 0)
		return err_errno("%s", path);
	size_t cap = 8;
	_cleanup_free_ pid_t *v = malloc(cap * sizeof(*v));
	if (!v)
		return err_sys(ENOMEM, "pids");
	size_t len = 0;
	if (ns.st_ino == self.st_ino && ns.st_dev == self.st_dev) {
		v[len++] = init;
	} else {
		DIR *d = opendir("/proc");
		if (!d)
			return err_errno("/proc");
		for (struct dirent *de; (de = readdir(d));) {
			long long p;
			if (parse_int64(de->d_name, &p) < 0 || p <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%lld/ns/pid", p);
			if (!same_ns(path, &ns))
				continue;
			if (len == cap) {
				pid_t *nv = realloc(v, 2 * cap * sizeof(*nv));
				if (!nv) {
					closedir(d);
					return err_sys(ENOMEM, "pids");
				}
				v = nv;
				cap *= 2;
			}
			v[len++] = (pid_t)p;
		}
		closedir(d);
	}
	*pids = steal_ptr(v);
	*n = len;
	return NULL;
}

error *container_pids(const struct runtime_ctx *rt, const char *id, pid_t **pids, size_t *n)
{
	*pids = NULL;
	*n = 0;
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	if (c.cg && c.status != CONTAINER_STOPPED)
		e = cgroup_pids(c.cg, pids, n);
	else if (c.status != CONTAINER_STOPPED)
		e = pidns_pids(c.st.pid, pids, n);
	container_unload(&c);
	return e;
}

/* Runs argv, returning stdout+stderr combined (Go's CombinedOutput). */
static error *run_capture(char *const *argv, char **out, int *status)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_errno("pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		return err_sys(rc, "exec: \"%s\"", argv[0]);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	ssize_t r;
	while ((r = read(p[0], chunk, sizeof(chunk))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && m)
			fwrite(chunk, 1, (size_t)r, m);
	close(p[0]);
	if (m)
		fclose(m);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	*out = buf;
	return buf ? NULL : err_sys(ENOMEM, "ps output");
}

/* Index of the PID column in ps's header ("couldn't find PID field" else). */
static int pid_index(const char *header)
{
	_cleanup_free_ char *h = strdup(header);
	if (!h)
		return -1;
	int i = 0;
	char *save = NULL;
	for (char *f = strtok_r(h, " \t", &save); f; f = strtok_r(NULL, " \t", &save), i++)
		if (!strcmp(f, "PID"))
			return i;
	return -1;
}

static bool row_matches(const char *line, int idx, const pid_t *pids, size_t n, error **e)
{
	_cleanup_free_ char *l = strdup(line);
	if (!l) {
		*e = err_sys(ENOMEM, "ps");
		return false;
	}
	char *save = NULL, *f = strtok_r(l, " \t", &save);
	for (int i = 0; f && i < idx; i++)
		f = strtok_r(NULL, " \t", &save);
	long long v;
	if (!f || parse_int64(f, &v) < 0) {
		*e = err_new("unable to parse pid: strconv.Atoi: parsing \"%s\": invalid syntax",
			     f ? f : "");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (pids[i] == v)
			return true;
	return false;
}

error *container_ps_table(const struct runtime_ctx *rt, const char *id, char *const *ps_args,
			  char **out)
{
	*out = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	error *e = container_pids(rt, id, &pids, &n);
	if (e)
		return e;
	size_t na = strv_len(ps_args);
	_cleanup_free_ char **argv = calloc(na + 3, sizeof(char *));
	if (!argv)
		return err_sys(ENOMEM, "ps");
	argv[0] = "ps";
	if (na == 0)
		argv[1] = "-ef";
	for (size_t i = 0; i < na; i++)
		argv[i + 1] = ps_args[i];
	_cleanup_free_ char *text = NULL;
	int status = 0;
	if ((e = run_capture(argv, &text, &status)))
		return e;
	if (status)
		return err_new("exit status %d: %s", status, text);
	char *save = NULL;
	char *header = strtok_r(text, "\n", &save);
	if (!header)
		return err_new("couldn't find PID field in ps output");
	int idx = pid_index(header);
	if (idx < 0)
		return err_new("couldn't find PID field in ps output");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return err_sys(ENOMEM, "ps");
	fprintf(m, "%s\n", header);
	for (char *line = strtok_r(NULL, "\n", &save); line && !e;
	     line = strtok_r(NULL, "\n", &save))
		if (row_matches(line, idx, pids, n, &e))
			fprintf(m, "%s\n", line);
	fclose(m);
	if (e) {
		free(buf);
		return e;
	}
	*out = buf;
	return NULL;
}
