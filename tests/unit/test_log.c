/* The --log file format is read by containerd's shim (json.Decoder per line, RFC 3339
 * time, last "error" entry wins), so lines are checked with a real JSON parser. */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "unit.h"

static char tmpdir[] = "/tmp/isorun-test-log.XXXXXX";

static char *tmp_path(const char *name)
{
	return str_printf("%s/%s", tmpdir, name);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	error *e = read_file(path, &data, &len);
	if (e) {
		err_free(e);
		return NULL;
	}
	return data;
}

/* "2026-11-24T00:07:42Z" */
static bool is_rfc3339_seconds(const char *s)
{
	const char *pat = "dddd-dd-ddTdd:dd:ddZ";
	if (!s || strlen(s) != strlen(pat))
		return false;
	for (size_t i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	}
	return true;
}

/* Parses one JSON log line and checks its three keys (four for debug lines: "t",
 * the ms since the command started); returns the msg (malloc'd). */
static char *check_json_line(const char *line, const char *level)
{
	char errbuf[256];
	yajl_val v = yajl_tree_parse(line, errbuf, sizeof(errbuf));
	if (!v) {
		printf("#   not JSON (%s): %s\n", errbuf, line);
		unit_cur_failed = 1;
		return NULL;
	}
	bool debug = !strcmp(level, "debug");
	CHECK(YAJL_IS_OBJECT(v) && v->u.object.len == (debug ? 4u : 3u));
	if (debug) {
		const char *tk[] = {"t", NULL};
		yajl_val tv = yajl_tree_get(v, tk, yajl_t_string);
		const char *ts = tv ? YAJL_GET_STRING(tv) : NULL;
		CHECK(ts && strstr(ts, "ms"));
	}
	const char *lv[] = {"level", NULL}, *mp[] = {"msg", NULL}, *tp[] = {"time", NULL};
	yajl_val l = yajl_tree_get(v, lv, yajl_t_string);
	yajl_val m = yajl_tree_get(v, mp, yajl_t_string);
	yajl_val t = yajl_tree_get(v, tp, yajl_t_string);
	CHECK(l && m && t);
	char *msg = NULL;
	if (l && m && t) {
		CHECK_STR(YAJL_GET_STRING(l), level);
		CHECK(is_rfc3339_seconds(YAJL_GET_STRING(t)));
		const char *s = YAJL_GET_STRING(m);
		msg = s ? strdup(s) : NULL;
	}
	yajl_tree_free(v);
	return msg;
}

static void test_json_escaping(void)
{
	_cleanup_free_ char *path = tmp_path("esc.json");
	CHECK_OK(log_init(path, true, false));
	CHECK(log_to_file());
	const char *tricky = "say \"hi\" \\ back\nslash\ttab\r\x01\x1f end ä €";
	log_error("%s", tricky);
	log_close();
	_cleanup_free_ char *text = slurp(path);
	CHECK(text != NULL);
	if (!text)
		return;
	/* The exact bytes: key order and escapes as Go's encoding/json writes them. */
	CHECK(str_has_prefix(text, "{\"level\":\"error\",\"msg\":\"say \\\"hi\\\" \\\\ back\\nslash"
				   "\\ttab\\r\\u0001\\u001f end ä €\",\"time\":\""));
	CHECK(strlen(text) > 3 && !strcmp(text + strlen(text) - 3, "\"}\n"));
	CHECK(strchr(text, '\n') == text + strlen(text) - 1);
	_cleanup_free_ char *msg = check_json_line(text, "error");
	CHECK_STR(msg, tricky);
}

static void test_json_invalid_utf8(void)
{
	_cleanup_free_ char *path = tmp_path("utf8.json");
	CHECK_OK(log_init(path, true, false));
	log_warn("bad \xff\xfe byte, overlong \xc0\xaf, cut \xe2\x82");
	log_close();
	_cleanup_free_ char *text = slurp(path);
	CHECK(text && strstr(text, "bad \\ufffd\\ufffd byte, overlong \\ufffd\\ufffd, cut "
				   "\\ufffd\\ufffd\""));
	_cleanup_free_ char *msg = text ? check_json_line(text, "warning") : NULL;
	CHECK(msg != NULL);
}

static void test_levels_and_debug(void)
{
	_cleanup_free_ char *path = tmp_path("levels.json");
	CHECK_OK(log_init(path, true, false));
	CHECK(!log_debug_enabled());
	log_debug("hidden %d", 1);
	log_info("shown %d", 2);
	log_close();
	CHECK_OK(log_init(path, true, true));
	CHECK(log_debug_enabled());
	log_debug("now shown");
	log_warn("w");
	log_error("e");
	log_close();
	_cleanup_free_ char *text = slurp(path);
	CHECK(text != NULL);
	if (!text)
		return;
	const char *levels[] = {"info", "debug", "warning", "error"};
	const char *msgs[] = {"shown 2", "now shown", "w", "e"};
	size_t n = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		if (n >= ARRAY_SIZE(levels))
			break;
		_cleanup_free_ char *msg = check_json_line(line, levels[n]);
		CHECK_STR(msg, msgs[n]);
	}
	CHECK(n == 4);
}

static void test_text_format(void)
{
	_cleanup_free_ char *path = tmp_path("log.txt");
	CHECK_OK(log_init(path, false, false));
	log_error("container does not exist");
	log_warn("plain_word-1.2/x@y");
	log_info("quote \" back \\ nl \n bell \a ctl \x01");
	log_error("%s", "");
	log_close();
	_cleanup_free_ char *text = slurp(path);
	CHECK(text != NULL);
	if (!text)
		return;
	const char *want[] = {
	    "level=error msg=\"container does not exist\"",
	    "level=warning msg=plain_word-1.2/x@y",
	    "level=info msg=\"quote \\\" back \\\\ nl \\n bell \\a ctl \\x01\"",
	    "level=error msg=\"\"",
	};
	size_t n = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		if (n >= ARRAY_SIZE(want))
			break;
		/* time="2026-11-24T00:07:42Z" level=... */
		CHECK(str_has_prefix(line, "time=\""));
		char ts[21] = {0};
		memcpy(ts, line + 6, 20);
		CHECK(is_rfc3339_seconds(ts));
		CHECK_STR(line + 6 + 20 + 2, want[n]);
	}
	CHECK(n == 4);
}

static void test_append_and_mode(void)
{
	_cleanup_free_ char *path = tmp_path("append.json");
	CHECK_OK(write_file(
	    path, "{\"level\":\"info\",\"msg\":\"old\",\"time\":\"2020-01-01T00:00:00Z\"}\n",
	    strlen("{\"level\":\"info\",\"msg\":\"old\",\"time\":\"2020-01-01T00:00:"
		   "00Z\"}\n")));
	CHECK_OK(log_init(path, true, false));
	log_error("first");
	log_close();
	CHECK_OK(log_init(path, true, false));
	log_error("second");
	log_close();
	_cleanup_free_ char *text = slurp(path);
	CHECK(text && str_has_prefix(text, "{\"level\":\"info\",\"msg\":\"old\""));
	CHECK(text && strstr(text, "\"msg\":\"first\"") && strstr(text, "\"msg\":\"second\""));
	CHECK(text && strstr(text, "first") < strstr(text, "second"));

	/* A new file is created 0644 (before the umask). */
	_cleanup_free_ char *fresh = tmp_path("fresh.json");
	mode_t old = umask(022);
	CHECK_OK(log_init(fresh, true, false));
	log_close();
	umask(old);
	struct stat st;
	CHECK(stat(fresh, &st) == 0 && (st.st_mode & 0777) == 0644);

	CHECK_ERR(log_init("/nonexistent-dir/x.json", true, false),
		  "open log file /nonexistent-dir/x.json: No such file or directory");
	CHECK(!log_to_file());
}

/* The log fd must not leak into the container: O_CLOEXEC, and O_APPEND for sharing. */
static void test_fd_flags(void)
{
	_cleanup_free_ char *path = tmp_path("flags.json");
	CHECK_OK(log_init(path, true, false));
	bool found = false;
	for (int fd = 3; fd < 1024 && !found; fd++) {
		char link[64], target[4096];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path))
			continue;
		found = true;
		int fdfl = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
		CHECK(fdfl >= 0 && (fdfl & FD_CLOEXEC));
		CHECK(fl >= 0 && (fl & O_APPEND));
	}
	CHECK(found);
	log_close();
}

/* Several processes appending to one file (one log.json per container, one
 * runtime invocation per request) must never interleave inside a line. */
static void test_concurrent_writers(void)
{
	_cleanup_free_ char *path = tmp_path("concurrent.json");
	enum { PROCS = 4, LINES = 300 };
	char big[2048];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pid_t pids[PROCS];
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			if (log_init(path, true, false))
				_exit(1);
			for (int i = 0; i < LINES; i++)
				log_error("proc %d line %d \"%s\"", p, i, big);
			log_close();
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int status = -1;
		waitpid(pids[p], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	_cleanup_free_ char *text = slurp(path);
	CHECK(text != NULL);
	if (!text)
		return;
	int lines = 0, bad = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lines++;
		yajl_val v = yajl_tree_parse(line, NULL, 0);
		if (!v)
			bad++;
		yajl_tree_free(v);
	}
	CHECK(lines == PROCS * LINES);
	CHECK(bad == 0);
}

static void test_stderr_default(void)
{
	_cleanup_free_ char *path = tmp_path("stderr.txt");
	int saved = dup(STDERR_FILENO);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	CHECK_OK(log_init(NULL, false, false));
	CHECK(!log_to_file());
	log_warn("to stderr");
	log_close();
	CHECK_OK(log_init(NULL, true, false));
	log_error("json to stderr");
	log_close();
	dup2(saved, STDERR_FILENO);
	close(saved);
	_cleanup_free_ char *text = slurp(path);
	CHECK(text && strstr(text, "level=warning msg=\"to stderr\"\n"));
	CHECK(text && strstr(text, "{\"level\":\"error\",\"msg\":\"json to stderr\",\"time\":\""));
}

/* A child keeps logging to the runtime's stderr after it redirects its own,
 * and logs nothing once silenced (a seccomp filter is about to go on). */
static void test_child_stderr_and_silence(void)
{
	_cleanup_free_ char *path = tmp_path("child.txt");
	_cleanup_free_ char *other = tmp_path("child-other.txt");
	int saved = dup(STDERR_FILENO);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int fd2 = open(other, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(saved >= 0 && fd >= 0 && fd2 >= 0);
	dup2(fd, STDERR_FILENO);
	CHECK_OK(log_init(NULL, false, true));
	log_child_begin();
	dup2(fd2, STDERR_FILENO); /* the child's stdio goes to the container */
	log_debug("step one");
	log_child_silence();
	CHECK(!log_debug_enabled());
	log_debug("after the filter");
	log_error("nor this");
	log_close();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	close(fd2);
	_cleanup_free_ char *text = slurp(path);
	_cleanup_free_ char *text2 = slurp(other);
	CHECK(text && strstr(text, "level=debug msg=\"step one\" t="));
	CHECK(text && !strstr(text, "after") && !strstr(text, "nor this"));
	CHECK(text2 && !*text2);
	/* log_close ends the silence for the next user. */
	CHECK_OK(log_init(NULL, false, true));
	CHECK(log_debug_enabled());
	log_close();
}

static void cleanup_tmpdir(void)
{
	const char *names[] = {"esc.json",    "utf8.json",  "levels.json",    "log.txt",
			       "append.json", "fresh.json", "flags.json",     "concurrent.json",
			       "stderr.txt",  "child.txt",  "child-other.txt"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = tmp_path(names[i]);
		unlink(p);
		free(p);
	}
	rmdir(tmpdir);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_json_escaping);
	RUN_TEST(test_json_invalid_utf8);
	RUN_TEST(test_levels_and_debug);
	RUN_TEST(test_text_format);
	RUN_TEST(test_append_and_mode);
	RUN_TEST(test_fd_flags);
	RUN_TEST(test_concurrent_writers);
	RUN_TEST(test_stderr_default);
	RUN_TEST(test_child_stderr_and_silence);
	cleanup_tmpdir();
	UNIT_MAIN_END();
}
