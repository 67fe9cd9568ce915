/* runtime/process: PATH lookup, limits, cwd, no_new_privs, fd hygiene, exec.
 * Anything that changes the process runs in a forked child. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"
#include "common/util.h"
#include "runtime/child/process.h"
#include "runtime/child/process_internal.h"
#include "tests/unit/unit.h"

static char tmp[64];

static void write_exec(const char *rel, const char *content, mode_t mode)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd >= 0) {
		(void)!write(fd, content, strlen(content));
		close(fd);
	}
	chmod(p, mode);
}

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/isorun-test-process-XXXXXX");
	if (!mkdtemp(tmp))
		abort();
	/* Root-only tests switch to uid 1000 below it. */
	chmod(tmp, 0755);
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/bin", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin/adir", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin2", tmp);
	mkdir(p, 0755);
	write_exec("bin/tool", "#!/bin/sh\nexit 0\n", 0755);
	write_exec("bin/noexec", "#!/bin/sh\nexit 0\n", 0644);
	write_exec("bin/garbage", "garbage\n", 0755);
	write_exec("bin2/tool", "#!/bin/sh\nexit 0\n", 0755);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	(void)!system(cmd);
}

/* Runs fn in a child; returns its exit status (128+sig when killed). */
static int in_child(int (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In children: print a TAP comment and return 1 when e is set. */
static int child_err(error *e)
{
	if (!e)
		return 0;
	printf("#   child: %s\n", err_msg(e));
	fflush(stdout);
	err_free(e);
	return 1;
}

static error *find(const char *arg0, const char *env0, char **out)
{
	char *args[] = {(char *)arg0, NULL};
	char *env[] = {(char *)env0, NULL};
	struct oci_process p = {.args = args, .env = env0 ? env : NULL};
	return process_find_executable(&p, out);
}

static void test_find_in_path(void)
{
	char env[PATH_MAX + 64], want[PATH_MAX + 16];
	snprintf(env, sizeof(env), "PATH=/nonexistent-dir:%s/bin", tmp);
	snprintf(want, sizeof(want), "%s/bin/tool", tmp);
	char *out = NULL;
	CHECK_OK(find("tool", env, &out));
	CHECK_STR(out, want);
	free(out);
	/* The first match wins. */
	snprintf(env, sizeof(env), "PATH=%s/bin2:%s/bin", tmp, tmp);
	snprintf(want, sizeof(want), "%s/bin2/tool", tmp);
	out = NULL;
	CHECK_OK(find("tool", env, &out));
	CHECK_STR(out, want);
	free(out);
	/* The result is cleaned like Go's filepath.Join. */
	snprintf(env, sizeof(env), "PATH=%s/bin2/..//bin/", tmp);
	snprintf(want, sizeof(want), "%s/bin/tool", tmp);
	out = NULL;
	CHECK_OK(find("tool", env, &out));
	CHECK_STR(out, want);
	free(out);
}

static void test_find_not_found(void)
{
	char env[PATH_MAX + 64];
	snprintf(env, sizeof(env), "PATH=%s/bin", tmp);
	char *out = NULL;
	CHECK_ERR(find("foo", env, &out), "exec: \"foo\": executable file not found in $PATH");
	CHECK(out == NULL);
	/* Not executable and directories are skipped in a PATH search. */
	CHECK_ERR(find("noexec", env, &out),
		  "exec: \"noexec\": executable file not found in $PATH");
	CHECK_ERR(find("adir", env, &out), "exec: \"adir\": executable file not found in $PATH");
	/* An empty PATH has no directories at all. */
	CHECK_ERR(find("sh", "PATH=", &out), "exec: \"sh\": executable file not found in $PATH");
	CHECK_ERR(find("a\"b\n", env, &out),
		  "exec: \"a\\\"b\\n\": executable file not found in $PATH");
}

static void test_find_default_path(void)
{
	char *out = NULL;
	CHECK_OK(find("sh", "HOME=/root", &out));
	CHECK(out && out[0] == '/' && strlen(out) > 3 && strcmp(out + strlen(out) - 3, "/sh") == 0);
	free(out);
}

static void test_find_with_slash(void)
{
	char arg[PATH_MAX + 32], want[PATH_MAX * 2];
	char *out = NULL;
	snprintf(arg, sizeof(arg), "%s/bin/tool", tmp);
	CHECK_OK(find(arg, "PATH=/nowhere", &out));
	CHECK_STR(out, arg);
	free(out);
	out = NULL;
	snprintf(arg, sizeof(arg), "%s/bin/noexec", tmp);
	snprintf(want, sizeof(want), "exec: \"%s\": permission denied", arg);
	CHECK_ERR(find(arg, NULL, &out), want);
	snprintf(arg, sizeof(arg), "%s/bin/adir", tmp);
	snprintf(want, sizeof(want), "exec: \"%s\": permission denied", arg);
	CHECK_ERR(find(arg, NULL, &out), want);
	CHECK_ERR(find("/nonexistent", NULL, &out),
		  "exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
	CHECK(out == NULL);
}

static int child_relative(void *arg)
{
	(void)arg;
	if (chdir(tmp) < 0)
		return 2;
	char *out = NULL;
	error *e = find("tool", "PATH=bin", &out);
	int rc = 1;
	if (e && strcmp(err_msg(e), "exec: \"tool\": cannot run executable found relative to "
				    "current directory") == 0)
		rc = 0;
	else
		printf("#   child: %s\n", e ? err_msg(e) : out);
	err_free(e);
	free(out);
	/* args[0] with a slash is relative to cwd. */
	e = find("bin/tool", "PATH=/x", &out);
	if (e || !out || strcmp(out, "bin/tool") != 0)
		rc = 1;
	err_free(e);
	free(out);
	return rc;
}

static void test_find_relative(void)
{
	CHECK(in_child(child_relative, NULL) == 0);
}

static int child_rlimits(void *arg)
{
	(void)arg;
	struct oci_rlimit rl[] = {
	    {.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 100, .hard = 200},
	    {.type = "RLIMIT_CORE", .resource = RLIMIT_CORE, .soft = 0, .hard = 0},
	};
	struct oci_process p = {.rlimits = rl, .n_rlimits = 2};
	if (child_err(process_apply_limits(&p, NULL)))
		return 1;
	struct rlimit got;
	getrlimit(RLIMIT_NOFILE, &got);
	if (got.rlim_cur != 100 || got.rlim_max != 200)
		return 2;
	getrlimit(RLIMIT_CORE, &got);
	if (got.rlim_cur != 0 || got.rlim_max != 0)
		return 3;
	/* Default umask is runc's 0022. */
	mode_t m = umask(0);
	return m == 0022 ? 0 : 4;
}

static void test_rlimits(void)
{
	CHECK(in_child(child_rlimits, NULL) == 0);
}

static int child_rlimit_error(void *arg)
{
	(void)arg;
	struct oci_rlimit rl[] = {
	    {.type = "RLIMIT_CORE", .resource = RLIMIT_CORE, .soft = 0, .hard = 0},
	    {.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 300, .hard = 200},
	};
	struct oci_process p = {.rlimits = rl, .n_rlimits = 2};
	error *e = process_apply_limits(&p, NULL);
	int ok = e && strcmp(err_msg(e), "process.rlimits[1] (RLIMIT_NOFILE): setrlimit: Invalid "
					 "argument") == 0;
	if (!ok)
		printf("#   child: %s\n", e ? err_msg(e) : "success");
	err_free(e);
	return ok ? 0 : 1;
}

static void test_rlimit_error_names_entry(void)
{
	CHECK(in_child(child_rlimit_error, NULL) == 0);
}

static int child_misc_limits(void *arg)
{
	(void)arg;
	struct oci_process p = {0};
	p.user.umask = (opt_u64){true, 0027};
	p.oom_score_adj = (opt_i64){true, 500};
	p.io_priority = (struct oci_io_priority){true, "IOPRIO_CLASS_BE", 2, 4};
	p.scheduler = (struct oci_scheduler){
	    .set = true, .policy = "SCHED_BATCH", .policy_value = SCHED_BATCH, .nice = 5};
	struct oci_linux lnx = {0};
	lnx.personality = (struct oci_personality){true, "LINUX32", NULL};
	if (child_err(process_apply_limits(&p, &lnx)))
		return 1;
	if (umask(0) != 0027)
		return 2;
	char *s = NULL;
	error *e = read_file("/proc/self/oom_score_adj", &s, NULL);
	int bad = e || atoi(s) != 500;
	err_free(e);
	free(s);
	if (bad)
		return 3;
	long io = syscall(SYS_ioprio_get, 1, 0);
	if (io != ((2 << 13) | 4))
		return 4;
	if (sched_getscheduler(0) != SCHED_BATCH || getpriority(PRIO_PROCESS, 0) != 5)
		return 5;
	if ((personality(0xffffffff) & PER_MASK) != PER_LINUX32)
		return 6;
	return 0;
}

static void test_misc_limits(void)
{
	CHECK(in_child(child_misc_limits, NULL) == 0);
}

static int child_lsm(void *arg)
{
	(void)arg;
	struct oci_process p = {.apparmor_profile = "docker-default"};
	error *e = process_apply_limits(&p, NULL);
	int rc =
	    !(e && strcmp(err_msg(e), "process.apparmorProfile: AppArmor is not enabled on this "
				      "host") == 0);
	if (rc)
		printf("#   child: %s\n", e ? err_msg(e) : "success");
	err_free(e);
	struct oci_process q = {.selinux_label = "system_u:system_r:container_t:s0"};
	e = process_apply_limits(&q, NULL);
	if (!(e && strcmp(err_msg(e),
			  "process.selinuxLabel: SELinux is not enabled on this host") == 0)) {
		printf("#   child: %s\n", e ? err_msg(e) : "success");
		rc = 1;
	}
	err_free(e);
	return rc;
}

static void test_lsm_not_enabled(void)
{
	CHECK(in_child(child_lsm, NULL) == 0);
}

static int child_fake_proc(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/proc", "tmpfs", 0, "size=1m") < 0)
		return 2;
	mkdir("/proc/self", 0755);
	struct oci_process p = {.oom_score_adj = {true, 100}};
	error *e = process_apply_limits(&p, NULL);
	int ok =
	    e && strcmp(err_msg(e), "process.oomScoreAdj: open /proc/self/oom_score_adj: /proc is "
				    "not a procfs mount") == 0;
	if (!ok)
		printf("#   child: %s\n", e ? err_msg(e) : "success");
	err_free(e);
	return ok ? 0 : 1;
}

static int child_overmounted_proc_file(void *arg)
{
	(void)arg;
	char src[PATH_MAX], dst[64];
	snprintf(src, sizeof(src), "%s/fake_oom", tmp);
	int fd = open(src, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 2;
	close(fd);
	snprintf(dst, sizeof(dst), "/proc/%d/oom_score_adj", (int)getpid());
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return 3;
	/* A bind mount over the file inside the real procfs: the write would land
	 * in the image's file and the setting would silently not apply. */
	struct oci_process p = {.oom_score_adj = {true, 100}};
	error *e = process_apply_limits(&p, NULL);
	int ok =
	    e && strcmp(err_msg(e), "process.oomScoreAdj: open /proc/self/oom_score_adj: Invalid "
				    "cross-device link") == 0;
	if (!ok)
		printf("#   child: %s\n", e ? err_msg(e) : "success");
	err_free(e);
	return ok ? 0 : 1;
}

static void test_overmounted_proc_file_rejected(void)
{
	CHECK(in_child(child_overmounted_proc_file, NULL) == 0);
}

/* Root-only tests run in main, or are reported skipped. */
#define RUN_ROOT_TEST(fn)                                                                          \
	do {                                                                                       \
		if (geteuid() == 0)                                                                \
			RUN_TEST(fn);                                                              \
		else                                                                               \
			SKIP_TEST(fn, "needs root");                                               \
	} while (0)

static void test_fake_proc_rejected(void)
{
	CHECK(in_child(child_fake_proc, NULL) == 0);
}

static int child_chdir_create(void *arg)
{
	(void)arg;
	char cwd[PATH_MAX], got[PATH_MAX];
	snprintf(cwd, sizeof(cwd), "%s/new//a/./b", tmp);
	umask(0077);
	struct oci_process p = {.cwd = cwd};
	if (child_err(process_chdir(&p)))
		return 1;
	if (!getcwd(got, sizeof(got)))
		return 2;
	snprintf(cwd, sizeof(cwd), "%s/new/a/b", tmp);
	if (strcmp(got, cwd) != 0)
		return 3;
	struct stat st;
	if (stat(cwd, &st) < 0 || (st.st_mode & 07777) != 0755)
		return 4;
	/* The container's umask is left alone. */
	return umask(0) == 0077 ? 0 : 5;
}

static void test_chdir_creates_missing(void)
{
	CHECK(in_child(child_chdir_create, NULL) == 0);
}

static int child_chdir_magic(void *arg)
{
	(void)arg;
	/* A leaked directory fd, like the cgroup fd of CVE-2024-21626. */
	int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char cwd[64], want[256];
	snprintf(cwd, sizeof(cwd), "/proc/self/fd/%d", fd);
	snprintf(want, sizeof(want),
		 "chdir to cwd (\"%s\") set in config.json failed: resolves through a /proc "
		 "magic link -- possible container breakout detected",
		 cwd);
	struct oci_process p = {.cwd = cwd};
	error *e = process_chdir(&p);
	int ok = e && strcmp(err_msg(e), want) == 0;
	if (!ok)
		printf("#   child: %s\n", e ? err_msg(e) : "success");
	err_free(e);
	/* Nothing may be created through the magic link either. */
	char sub[96];
	snprintf(sub, sizeof(sub), "%s/created", cwd);
	struct oci_process q = {.cwd = sub};
	e = process_chdir(&q);
	char leaked[PATH_MAX + 16];
	snprintf(leaked, sizeof(leaked), "%s/created", tmp);
	if (!e || access(leaked, F_OK) == 0)
		ok = 0;
	err_free(e);
	return ok ? 0 : 1;
}

static void test_chdir_proc_fd_rejected(void)
{
	CHECK(in_child(child_chdir_magic, NULL) == 0);
}

static void test_create_cwd(void)
{
	char cwd[PATH_MAX], before[PATH_MAX], after[PATH_MAX];
	snprintf(cwd, sizeof(cwd), "%s/made/by/create", tmp);
	struct oci_process p = {.cwd = cwd};
	CHECK(getcwd(before, sizeof(before)) != NULL);
	CHECK_OK(process_create_cwd(&p));
	struct stat st;
	CHECK(stat(cwd, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755);
	/* Only creates: the chdir comes later, after masked/readonly paths. */
	CHECK(getcwd(after, sizeof(after)) != NULL && strcmp(before, after) == 0);
	CHECK_OK(process_create_cwd(&p));
	int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char magic[96], leaked[PATH_MAX];
	snprintf(magic, sizeof(magic), "/proc/self/fd/%d/viamagic", fd);
	snprintf(leaked, sizeof(leaked), "%s/viamagic", tmp);
	struct oci_process q = {.cwd = magic};
	error *e = process_create_cwd(&q);
	CHECK(e != NULL);
	err_free(e);
	CHECK(access(leaked, F_OK) != 0);
	close(fd);
}

static void test_chdir_not_dir(void)
{
	char cwd[PATH_MAX], want[PATH_MAX * 2];
	snprintf(cwd, sizeof(cwd), "%s/bin/tool", tmp);
	snprintf(want, sizeof(want),
		 "chdir to cwd (\"%s\") set in config.json failed: not a directory", cwd);
	struct oci_process p = {.cwd = cwd};
	CHECK_ERR(process_chdir(&p), want);
}

static int child_chdir_deferred(void *arg)
{
	(void)arg;
	char cwd[PATH_MAX], got[PATH_MAX];
	snprintf(cwd, sizeof(cwd), "%s/private", tmp);
	if (mkdir(cwd, 0700) < 0 || chown(cwd, 1000, 1000) < 0)
		return 2;
	/* identity chowns stdio to the container user: keep the test's safe. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return 3;
	/* Root that cannot override permissions, like root_squash or a userns. */
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return 4;
	d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	if (syscall(SYS_capset, &h, d) < 0)
		return 5;
	struct oci_process p = {.cwd = cwd, .user = {.uid = 1000, .gid = 1000}};
	error *e = process_chdir(&p);
	if (e) {
		err_free(e);
		return 6;
	}
	if (!process_cwd_deferred)
		return 7;
	e = process_apply_identity(&p);
	if (e) {
		err_free(e);
		return 8;
	}
	if (!getcwd(got, sizeof(got)) || strcmp(got, cwd) != 0)
		return 9;
	return 0;
}

static void test_chdir_deferred_until_setuid(void)
{
	int rc = in_child(child_chdir_deferred, NULL);
	if (rc)
		printf("#   child exit %d\n", rc);
	CHECK(rc == 0);
}

static int status_field(const char *field, char *out, size_t len)
{
	char *s = NULL;
	error *e = read_file("/proc/self/status", &s, NULL);
	if (e) {
		err_free(e);
		return -1;
	}
	char *l = strstr(s, field);
	int rc = -1;
	if (l) {
		l += strlen(field);
		while (*l == ' ' || *l == '\t')
			l++;
		size_t n = strcspn(l, "\n");
		snprintf(out, len, "%.*s", (int)n, l);
		rc = 0;
	}
	free(s);
	return rc;
}

static int child_nnp(void *arg)
{
	bool want = *(bool *)arg;
	struct oci_process p = {.no_new_privileges = want};
	if (child_err(process_set_no_new_privs(&p)))
		return 1;
	char v[32];
	if (status_field("NoNewPrivs:", v, sizeof(v)) < 0)
		return 2;
	return strcmp(v, want ? "1" : "0") == 0 ? 0 : 3;
}

static void test_no_new_privs(void)
{
	bool t = true, f = false;
	CHECK(in_child(child_nnp, &t) == 0);
	CHECK(in_child(child_nnp, &f) == 0);
}

static int child_close_fds(void *arg)
{
	(void)arg;
	int a = open("/dev/null", O_RDONLY);		 /* inherited-style, no CLOEXEC */
	int b = open("/dev/null", O_RDONLY | O_CLOEXEC); /* kept although CLOEXEC */
	int c = open("/dev/null", O_RDONLY);
	int d = dup(0);
	int keep[] = {b, 1, d};
	if (child_err(process_close_fds_on_exec(keep, 3)))
		return 1;
	if (!(fcntl(a, F_GETFD) & FD_CLOEXEC) || !(fcntl(c, F_GETFD) & FD_CLOEXEC))
		return 2;
	if ((fcntl(b, F_GETFD) & FD_CLOEXEC) || (fcntl(d, F_GETFD) & FD_CLOEXEC))
		return 3;
	/* Check across a real execve. */
	char script[256];
	snprintf(script, sizeof(script),
		 "test -e /proc/self/fd/%d && test -e /proc/self/fd/%d && ! test -e "
		 "/proc/self/fd/%d && ! test -e /proc/self/fd/%d",
		 b, d, a, c);
	char *args[] = {"/bin/sh", "-c", script, NULL};
	struct oci_process p = {.args = args};
	child_err(process_exec("/bin/sh", &p));
	return 4;
}

static void test_close_fds_on_exec(void)
{
	CHECK(in_child(child_close_fds, NULL) == 0);
}

static int child_exec_env(void *arg)
{
	(void)arg;
	char *args[] = {"sh", "-c",
			"test \"$FOO\" = 'bar baz' && test -z \"$LEAK\" && test \"$HOME\" = /h && "
			"test \"$0\" = sh",
			NULL};
	char *env[] = {"FOO=x", "HOME=/h", "FOO=bar baz", NULL};
	struct oci_process p = {.args = args, .env = env};
	child_err(process_exec("/bin/sh", &p));
	return 9;
}

static void test_exec_env_exact(void)
{
	setenv("LEAK", "1", 1);
	CHECK(in_child(child_exec_env, NULL) == 0);
}

static void test_build_env(void)
{
	char pw[PATH_MAX];
	snprintf(pw, sizeof(pw), "%s/passwd", tmp);
	FILE *f = fopen(pw, "we");
	fputs("root:x:0:0:root:/root:/bin/sh\nbroken\n::\nu:x:1000:1000::/home/u:/bin/sh\n"
	      "nohome:x:1001:1001::",
	      f);
	fclose(f);
	char *env[] = {"A=1", "PATH=/bin", "A=2", "NOEQ", NULL};
	char **out = NULL;
	CHECK_OK(process_build_env(env, 1000, pw, &out));
	CHECK(strv_len(out) == 4);
	if (strv_len(out) == 4) {
		CHECK_STR(out[0], "A=2");
		CHECK_STR(out[1], "PATH=/bin");
		CHECK_STR(out[2], "NOEQ");
		CHECK_STR(out[3], "HOME=/home/u");
	}
	strv_free(out);
	/* Unknown uid, user without a home, missing passwd: runc's "/". */
	uid_t uids[] = {4242, 1001, 0};
	const char *files[] = {pw, pw, "/nonexistent/passwd"};
	for (int i = 0; i < 3; i++) {
		out = NULL;
		CHECK_OK(process_build_env(NULL, uids[i], files[i], &out));
		CHECK(strv_len(out) == 1 && strcmp(out[0], "HOME=/") == 0);
		strv_free(out);
	}
	char *with_home[] = {"HOME=/x", NULL};
	out = NULL;
	CHECK_OK(process_build_env(with_home, 0, pw, &out));
	CHECK(strv_len(out) == 1 && strcmp(out[0], "HOME=/x") == 0);
	strv_free(out);
}

static void test_exec_errors(void)
{
	char path[PATH_MAX], want[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/bin/garbage", tmp);
	snprintf(want, sizeof(want), "exec %s: exec format error", path);
	char *args[] = {path, NULL};
	struct oci_process p = {.args = args};
	CHECK_ERR(process_exec(path, &p), want);
	CHECK_ERR(process_exec("/nonexistent", &p), "exec /nonexistent: no such file or directory");
}

int main(void)
{
	alarm(30);
	setup();
	RUN_TEST(test_find_in_path);
	RUN_TEST(test_find_not_found);
	RUN_TEST(test_find_default_path);
	RUN_TEST(test_find_with_slash);
	RUN_TEST(test_find_relative);
	RUN_TEST(test_rlimits);
	RUN_TEST(test_rlimit_error_names_entry);
	RUN_TEST(test_misc_limits);
	if (access("/sys/kernel/security/apparmor", F_OK) == 0 ||
	    access("/sys/fs/selinux/enforce", F_OK) == 0)
		SKIP_TEST(test_lsm_not_enabled, "an LSM is enabled on this host");
	else
		RUN_TEST(test_lsm_not_enabled);
	RUN_ROOT_TEST(test_fake_proc_rejected);
	RUN_ROOT_TEST(test_overmounted_proc_file_rejected);
	RUN_TEST(test_chdir_creates_missing);
	RUN_TEST(test_chdir_proc_fd_rejected);
	RUN_TEST(test_create_cwd);
	RUN_TEST(test_chdir_not_dir);
	RUN_ROOT_TEST(test_chdir_deferred_until_setuid);
	RUN_TEST(test_no_new_privs);
	RUN_TEST(test_close_fds_on_exec);
	RUN_TEST(test_exec_env_exact);
	RUN_TEST(test_build_env);
	RUN_TEST(test_exec_errors);
	teardown();
	UNIT_MAIN_END();
}
