/* runtime/hooks: real /bin/sh hooks in a temp dir: args, env, stdin, exit
 * status, signals, timeout, missing path, stop-at-first vs run-all. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/util.h"
#include "runtime/child/hooks.h"
#include "tests/unit/unit.h"

static char tmp[64];

static char *tpath(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;
	char *b = buf[i++ % 4];
	snprintf(b, PATH_MAX, "%s/%s", tmp, rel);
	return b;
}

static void script(const char *rel, const char *body)
{
	char *p = tpath(rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		abort();
	(void)!write(fd, "#!/bin/sh\n", 10);
	(void)!write(fd, body, strlen(body));
	close(fd);
}

static char *slurp(const char *rel)
{
	char *s = NULL;
	error *e = read_file(tpath(rel), &s, NULL);
	err_free(e);
	return s;
}

static const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
			   "\"pid\":42,\"bundle\":\"/b/x\"}";

static void test_args_env_stdin(void)
{
	char out[PATH_MAX + 16];
	snprintf(out, sizeof(out), "OUT=%s", tmp);
	script("h.sh", "cat > \"$OUT/stdin\"\n"
		       "printf '%s|' \"$0\" \"$@\" > \"$OUT/args\"\n"
		       "env | sort > \"$OUT/env\"\n");
	char *args[] = {"hookname", "one", "two words", NULL};
	char *env[] = {out, "FOO=bar", NULL};
	struct oci_hook h = {.path = tpath("h.sh"), .args = args, .env = env};
	struct oci_hook_list l = {&h, 1};
	CHECK_OK(hooks_run(&l, "prestart", state));
	char *s = slurp("stdin");
	CHECK_STR(s, state);
	free(s);
	/* sh sets $0 to the script path; args[0] is what the hook's argv[0] was,
	 * visible as the program name only to binaries, so check the rest. */
	s = slurp("args");
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "%s|one|two words|", tpath("h.sh"));
	CHECK_STR(s, want);
	free(s);
	s = slurp("env");
	/* Exactly the hook's env (sh adds PWD, SHLVL and _ itself). */
	CHECK(s && strstr(s, "FOO=bar\n") && strstr(s, out) && !strstr(s, "HOME="));
	free(s);
}

static void test_argv0_given(void)
{
	/* With a binary the argv[0] from args is visible: busybox-free check via
	 * /bin/sh -c whose $0 is the first operand after the script. */
	char out[PATH_MAX];
	snprintf(out, sizeof(out), "echo \"$0\" > %s/argv0", tmp);
	char *args[] = {"sh", "-c", out, "custom-zero", NULL};
	struct oci_hook h = {.path = "/bin/sh", .args = args};
	struct oci_hook_list l = {&h, 1};
	CHECK_OK(hooks_run(&l, "createRuntime", state));
	char *s = slurp("argv0");
	CHECK_STR(s, "custom-zero\n");
	free(s);
}

static void test_null_args_env(void)
{
	char body[PATH_MAX];
	snprintf(body, sizeof(body),
		 "printf '%%s|%%s' \"$#\" \"$(env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' | wc "
		 "-l)\" > %s/null\n",
		 tmp);
	script("null.sh", body);
	struct oci_hook h = {.path = tpath("null.sh")};
	struct oci_hook_list l = {&h, 1};
	CHECK_OK(hooks_run(&l, "poststop", state));
	char *s = slurp("null");
	CHECK_STR(s, "0|0");
	free(s);
}

static void test_exit_status(void)
{
	script("fail.sh", "exit 2\n");
	struct oci_hook h = {.path = tpath("fail.sh")};
	struct oci_hook_list l = {&h, 1};
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "prestart hook #0 (%s): exit status 2", h.path);
	CHECK_ERR(hooks_run(&l, "prestart", state), want);
}

static void test_killed_by_signal(void)
{
	script("sig.sh", "kill -9 $$\n");
	struct oci_hook h = {.path = tpath("sig.sh")};
	struct oci_hook_list l = {&h, 1};
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "createContainer hook #0 (%s): signal: killed", h.path);
	CHECK_ERR(hooks_run(&l, "createContainer", state), want);
}

static void test_timeout(void)
{
	script("slow.sh", "exec sleep 30\n");
	struct oci_hook h = {.path = tpath("slow.sh"), .timeout = {true, 1}};
	struct oci_hook_list l = {&h, 1};
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "startContainer hook #0 (%s): timed out after 1s", h.path);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_ERR(hooks_run(&l, "startContainer", state), want);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK(took >= 0.9 && took < 2.0);
}

static void test_timeout_with_unread_big_stdin(void)
{
	/* A hook that never reads must not block us on a full pipe. */
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	script("deaf.sh", "exec sleep 30\n");
	struct oci_hook h = {.path = tpath("deaf.sh"), .timeout = {true, 1}};
	struct oci_hook_list l = {&h, 1};
	error *e = hooks_run(&l, "prestart", big);
	CHECK(e && strstr(err_msg(e), "timed out after 1s"));
	err_free(e);
	free(big);
}

static void test_no_stdin_reader_epipe(void)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 1);
	memset(big, 'y', n);
	big[n] = '\0';
	script("closer.sh", "exec 0<&-\nexit 0\n");
	struct oci_hook h = {.path = tpath("closer.sh")};
	struct oci_hook_list l = {&h, 1};
	/* EPIPE is ignored and SIGPIPE must not kill us. */
	CHECK_OK(hooks_run(&l, "prestart", big));
	free(big);
	sigset_t pending;
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGPIPE));
}

static void test_missing_path(void)
{
	struct oci_hook h = {.path = "/nonexistent/hook"};
	struct oci_hook_list l = {&h, 1};
	CHECK_ERR(hooks_run(&l, "prestart", state),
		  "prestart hook #0 (/nonexistent/hook): exec: no such file or directory");
}

static void test_stops_at_first_failure(void)
{
	char body[PATH_MAX];
	snprintf(body, sizeof(body), "echo ran >> %s/ran\n", tmp);
	script("mark.sh", body);
	script("fail3.sh", "exit 3\n");
	unlink(tpath("ran"));
	struct oci_hook hs[] = {
	    {.path = tpath("mark.sh")}, {.path = tpath("fail3.sh")}, {.path = tpath("mark.sh")}};
	struct oci_hook_list l = {hs, 3};
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "prestart hook #1 (%s): exit status 3", hs[1].path);
	CHECK_ERR(hooks_run(&l, "prestart", state), want);
	char *s = slurp("ran");
	CHECK_STR(s, "ran\n");
	free(s);
}

static void test_warn_runs_all(void)
{
	unlink(tpath("ran"));
	struct oci_hook hs[] = {{.path = tpath("fail3.sh")},
				{.path = "/nonexistent/hook"},
				{.path = tpath("mark.sh")},
				{.path = tpath("mark.sh")}};
	struct oci_hook_list l = {hs, 4};
	hooks_run_warn(&l, "poststop", state);
	char *s = slurp("ran");
	CHECK_STR(s, "ran\nran\n");
	free(s);
}

static void test_empty_list(void)
{
	struct oci_hook_list l = {NULL, 0};
	CHECK_OK(hooks_run(&l, "prestart", state));
	CHECK_OK(hooks_run(NULL, "prestart", state));
	hooks_run_warn(NULL, "poststart", state);
}

int main(void)
{
	alarm(30);
	snprintf(tmp, sizeof(tmp), "/tmp/isorun-test-hooks-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	RUN_TEST(test_args_env_stdin);
	RUN_TEST(test_argv0_given);
	RUN_TEST(test_null_args_env);
	RUN_TEST(test_exit_status);
	RUN_TEST(test_killed_by_signal);
	RUN_TEST(test_timeout);
	RUN_TEST(test_timeout_with_unread_big_stdin);
	RUN_TEST(test_no_stdin_reader_epipe);
	RUN_TEST(test_missing_path);
	RUN_TEST(test_stops_at_first_failure);
	RUN_TEST(test_warn_runs_all);
	RUN_TEST(test_empty_list);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	(void)!system(cmd);
	UNIT_MAIN_END();
}
