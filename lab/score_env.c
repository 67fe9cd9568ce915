/* The score's sandbox: a temp dir with a private state root, a bundle whose
 * rootfs is an overlay of the user's (writes land in a tmpfs upper layer) and
 * whose config.json is the user's with the command, the rootfs path and the
 * cgroup path replaced; and the helpers that run this binary on it. Every
 * container it starts is recorded, so teardown deletes them all. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score_env.h"
#include "spec/json_set.h"

double score_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *score_json_quote(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n * 6 + 3), *p = out;
	if (!out)
		return NULL;
	*p++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			*p++ = '\\';
			*p++ = (char)*c;
		} else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&') {
			p += sprintf(p, "\\u%04x", *c);
		} else {
			*p++ = (char)*c;
		}
	}
	*p++ = '"';
	*p = 0;
	return out;
}

static const char *const busybox_paths[] = {"/bin/busybox", "/usr/bin/busybox", "/sbin/busybox"};

error *score_env_setup(struct score_env *env, const char *bundle, const char *self)
{
	memset(env, 0, sizeof(*env));
	env->pid = getpid();
	if (!(env->self = strdup(self)))
		return err_sys(ENOMEM, "score");
	error *e = spec_load_text(bundle, &env->cfg, &env->config_text, &env->config_len);
	if (e)
		return e;
	for (size_t i = 0; i < ARRAY_SIZE(busybox_paths); i++)
		if (access(busybox_paths[i], X_OK) == 0) {
			env->busybox = busybox_paths[i];
			break;
		}
	snprintf(env->tmp, sizeof(env->tmp), "/tmp/isorun-score.XXXXXX");
	if (!mkdtemp(env->tmp)) {
		env->tmp[0] = 0;
		return err_errno("mkdtemp /tmp/isorun-score.XXXXXX");
	}
	/* The rootfs copy is mounted in a mount namespace of our own (slave:
	 * the host's mounts still reach us, ours never reach the host), which
	 * the containers inherit; it vanishes with the last of them. */
	if (unshare(CLONE_NEWNS) < 0)
		return err_errno("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return err_errno("making / a slave mount");
	env->state = str_printf("%s/state", env->tmp);
	env->layers = str_printf("%s/layers", env->tmp);
	env->bundle = str_printf("%s/bundle", env->tmp);
	env->rootfs = str_printf("%s/bundle/rootfs", env->tmp);
	if (!env->state || !env->layers || !env->bundle || !env->rootfs)
		return err_sys(ENOMEM, "score");
	if (mkdir(env->state, 0700) < 0 || mkdir(env->layers, 0700) < 0 ||
	    mkdir(env->bundle, 0700) < 0 || mkdir(env->rootfs, 0755) < 0)
		return err_errno("mkdir in %s", env->tmp);
	if (mount("score-upper", env->layers, "tmpfs", MS_NOSUID | MS_NODEV,
		  "size=256m,mode=0755") < 0)
		return err_errno("mount tmpfs on %s", env->layers);
	_cleanup_free_ char *upper = str_printf("%s/upper", env->layers);
	_cleanup_free_ char *work = str_printf("%s/work", env->layers);
	if (!upper || !work)
		return err_sys(ENOMEM, "score");
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return err_errno("mkdir %s", upper);
	_cleanup_free_ char *opts = str_printf("lowerdir=%s,upperdir=%s,workdir=%s",
					       env->cfg->root.absolute_path, upper, work);
	if (!opts)
		return err_sys(ENOMEM, "score");
	if (mount("score-rootfs", env->rootfs, "overlay", 0, opts) < 0)
		return err_errno("overlay of the rootfs %s (the score never writes to it)",
				 env->cfg->root.absolute_path);
	env->mounted = true;
	return NULL;
}

char *score_ctr_id(const struct score_env *env, const char *name)
{
	return str_printf("isorun-score-%d-%s", (int)env->pid, name);
}

/* The child side of every spawn: stdin from /dev/null, stdout and stderr to fd
 * out (a pipe or a log file). Only async-signal-safe calls. */
static void child_exec(int out, char *const argv[])
{
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	execv(argv[0], argv);
	_exit(127);
}

error *score_spawn(char *const argv[], const char *log, double timeout, char **out, int *status,
		   double *secs)
{
	int fds[2] = {-1, -1};
	if (out) {
		*out = NULL;
		if (pipe2(fds, O_CLOEXEC) < 0)
			return err_errno("pipe");
	} else {
		fds[1] =
		    open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fds[1] < 0)
			return err_errno("open %s", log);
	}
	double t0 = score_now();
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(fds[1]);
		if (fds[0] >= 0)
			close(fds[0]);
		return err_sys(err, "fork");
	}
	if (pid == 0)
		child_exec(fds[1], argv);
	close(fds[1]);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool timed_out = false;
	if (out) {
		for (;;) {
			int left = (int)((t0 + timeout - score_now()) * 1000);
			if (left <= 0) {
				timed_out = true;
				break;
			}
			struct pollfd p = {fds[0], POLLIN, 0};
			int r = poll(&p, 1, left);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				timed_out = r == 0;
				break;
			}
			if (len + 4096 + 1 > cap) {
				char *nb = realloc(buf, cap = cap * 2 + 8192);
				if (!nb)
					break;
				buf = nb;
			}
			ssize_t n = read(fds[0], buf + len, cap - len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		close(fds[0]);
	}
	int st = 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, timed_out ? 0 : WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			free(buf);
			return err_errno("waitpid");
		}
		if (w == 0 && score_now() > t0 + timeout) {
			timed_out = true;
			kill(pid, SIGKILL);
		} else if (w == 0) {
			usleep(2000);
		}
		if (timed_out && w == 0)
			kill(pid, SIGKILL);
	}
	if (secs)
		*secs = score_now() - t0;
	if (timed_out) {
		free(buf);
		return err_new("%s %s: timed out after %.0f s", argv[0], argv[1] ? argv[1] : "",
			       timeout);
	}
	if (out) {
		if (!buf && !(buf = strdup("")))
			return err_sys(ENOMEM, "output");
		buf[len] = 0;
		*out = buf;
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return NULL;
}

error *score_isorun(struct score_env *env, const char *const args[], double timeout, char **out,
		    int *status)
{
	const char *argv[24] = {env->self, "--root", env->state};
	size_t n = 3;
	for (size_t i = 0; args[i] && n < ARRAY_SIZE(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int st = 0;
	_cleanup_free_ char *text = NULL;
	error *e = score_spawn((char *const *)argv, NULL, timeout, &text, &st, NULL);
	if (e)
		return e;
	if (status)
		*status = st;
	else if (st != 0)
		return err_new("isorun %s: exit status %d: %s", args[0], st, text);
	if (out)
		*out = steal_ptr(text);
	return NULL;
}

/* Writes the bundle's config.json for container `name` running script. */
static error *write_config(struct score_env *env, const char *name, const char *script)
{
	_cleanup_free_ char *qscript = score_json_quote(script);
	_cleanup_free_ char *args = qscript ? str_printf("[\"sh\",\"-c\",%s]", qscript) : NULL;
	_cleanup_free_ char *root = score_json_quote(env->rootfs);
	_cleanup_free_ char *cg = str_printf("\"/isorun-score-%d-%s\"", (int)env->pid, name);
	if (!args || !root || !cg)
		return err_sys(ENOMEM, "config.json");
	const struct json_set sets[] = {
	    {"process.args", args},
	    {"process.terminal", "false"},
	    {"root.path", root},
	    {"linux.cgroupsPath", cg},
	};
	_cleanup_free_ char *json = NULL;
	error *e = spec_json_set(env->config_text, env->config_len, sets, ARRAY_SIZE(sets), &json);
	if (e)
		return e;
	_cleanup_free_ char *path = str_printf("%s/config.json", env->bundle);
	if (!path)
		return err_sys(ENOMEM, "config.json");
	return write_file(path, json, strlen(json));
}

static error *remember(struct score_env *env, const char *id)
{
	for (size_t i = 0; i < env->n_ids; i++)
		if (!strcmp(env->ids[i], id))
			return NULL;
	if (strv_push(&env->ids, id) < 0)
		return err_sys(ENOMEM, "score");
	env->n_ids++;
	return NULL;
}

error *score_ctr_run(struct score_env *env, const char *name, const char *script, double timeout,
		     char **out, int *status, double *secs)
{
	_cleanup_free_ char *id = score_ctr_id(env, name);
	if (!id)
		return err_sys(ENOMEM, "score");
	error *e = write_config(env, name, script);
	if (!e)
		e = remember(env, id);
	if (e)
		return e;
	const char *argv[] = {env->self, "--root", env->state, "run", "-b", env->bundle, id, NULL};
	return score_spawn((char *const *)argv, NULL, timeout, out, status, secs);
}

error *score_ctr_start(struct score_env *env, const char *name, const char *script, char **log)
{
	_cleanup_free_ char *id = score_ctr_id(env, name);
	_cleanup_free_ char *logp = str_printf("%s/%s.log", env->tmp, name);
	if (!id || !logp)
		return err_sys(ENOMEM, "score");
	error *e = write_config(env, name, script);
	if (!e)
		e = remember(env, id);
	if (e)
		return e;
	const char *argv[] = {env->self, "--root",    env->state, "run", "-d",
			      "-b",	 env->bundle, id,	  NULL};
	int st = 0;
	if ((e = score_spawn((char *const *)argv, logp, 20, NULL, &st, NULL)))
		return e;
	if (st != 0) {
		_cleanup_free_ char *text = read_file_trimmed(logp);
		return err_new("isorun run -d %s: exit status %d: %s", name, st, text ? text : "");
	}
	if (log)
		*log = steal_ptr(logp);
	return NULL;
}

error *score_ctr_delete(struct score_env *env, const char *name)
{
	_cleanup_free_ char *id = score_ctr_id(env, name);
	if (!id)
		return err_sys(ENOMEM, "score");
	const char *args[] = {"delete", "-f", id, NULL};
	int st;
	return score_isorun(env, args, 20, NULL, &st);
}

char *score_cg_file(const struct score_env *env, const char *name, const char *ctrl,
		    const char *file)
{
	char *p =
	    str_printf("/sys/fs/cgroup/%s/isorun-score-%d-%s/%s", ctrl, (int)env->pid, name, file);
	if (p && access(p, F_OK) == 0)
		return p;
	free(p);
	p = str_printf("/sys/fs/cgroup/isorun-score-%d-%s/%s", (int)env->pid, name, file);
	if (p && access(p, F_OK) == 0)
		return p;
	free(p);
	return NULL;
}

long long score_cg_number(const struct score_env *env, const char *name, const char *ctrl,
			  const char *file)
{
	_cleanup_free_ char *p = score_cg_file(env, name, ctrl, file);
	_cleanup_free_ char *v = p ? read_file_trimmed(p) : NULL;
	long long n;
	if (!v)
		return -1;
	if (!strcmp(v, "max"))
		return -2;
	return parse_int64(v, &n) == 0 ? n : -1;
}

void score_env_teardown(struct score_env *env)
{
	for (size_t i = 0; i < env->n_ids; i++) {
		const char *args[] = {"delete", "-f", env->ids[i], NULL};
		int st;
		err_free(score_isorun(env, args, 20, NULL, &st));
	}
	if (env->mounted)
		umount2(env->rootfs, MNT_DETACH);
	if (env->layers)
		umount2(env->layers, MNT_DETACH);
	if (env->tmp[0]) {
		/* Only what we made: the bundle, logs and the state root. */
		const char *argv[] = {"/bin/rm", "-rf", "--one-file-system", env->tmp, NULL};
		int st;
		err_free(score_spawn((char *const *)argv, NULL, 20, NULL, &st, NULL));
	}
	strv_free(env->ids);
	free(env->self);
	free(env->state);
	free(env->layers);
	free(env->bundle);
	free(env->rootfs);
	free(env->config_text);
	spec_free(env->cfg);
	memset(env, 0, sizeof(*env));
}
