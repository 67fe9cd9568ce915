/* runtime/capabilities: the name table, the pure set computation, and (root
 * only) process_apply_identity in a forked child, checked in /proc/self/status. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"
#include "common/util.h"
#include "runtime/child/capabilities.h"
#include "runtime/child/process.h"
#include "tests/unit/unit.h"

#define BIT(c) (UINT64_C(1) << (c))

static void test_names(void)
{
	CHECK(cap_from_name_str("CAP_CHOWN") == 0);
	CHECK(cap_from_name_str("CAP_SYS_ADMIN") == 21);
	CHECK(cap_from_name_str("CAP_CHECKPOINT_RESTORE") == 40);
	CHECK(cap_from_name_str("cap_net_raw") == 13);
	CHECK(cap_from_name_str("CAP_NOPE") == -1);
	CHECK(cap_from_name_str(NULL) == -1);
	CHECK_STR(cap_name_str(10), "CAP_NET_BIND_SERVICE");
	CHECK(cap_name_str(41) == NULL);
	CHECK(cap_name_str(-1) == NULL);
	for (int c = 0; cap_name_str(c); c++)
		CHECK(cap_from_name_str(cap_name_str(c)) == c);
}

static void test_last_cap(void)
{
	char *s = NULL;
	error *e = read_file("/proc/sys/kernel/cap_last_cap", &s, NULL);
	CHECK(!e);
	if (!e)
		CHECK(cap_last_cap() == atoi(s));
	err_free(e);
	free(s);
}

static void test_absent_drops_everything(void)
{
	struct cap_sets s;
	memset(&s, 0xff, sizeof(s));
	char *all[] = {"CAP_CHOWN", NULL};
	struct oci_capabilities c = {.bounding = all, .effective = all, .permitted = all};
	/* present=false: runc drops all capabilities whatever the struct holds. */
	caps_compute(&c, false, 40, &s);
	CHECK(s.bounding == 0 && s.effective == 0 && s.permitted == 0 && s.inheritable == 0 &&
	      s.ambient == 0);
	caps_compute(NULL, true, 40, &s);
	CHECK(s.bounding == 0 && s.effective == 0);
}

static void test_compute_sets(void)
{
	char *bnd[] = {"CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL", "CAP_AUDIT_WRITE", NULL};
	char *eff[] = {"CAP_CHOWN", "CAP_KILL", NULL};
	char *amb[] = {"CAP_KILL", NULL};
	struct oci_capabilities c = {
	    .bounding = bnd, .effective = eff, .permitted = bnd, .ambient = amb};
	struct cap_sets s;
	caps_compute(&c, true, 40, &s);
	CHECK(s.bounding == (BIT(0) | BIT(13) | BIT(5) | BIT(29)));
	CHECK(s.permitted == s.bounding);
	CHECK(s.effective == (BIT(0) | BIT(5)));
	/* CVE-2022-29162: not listed means empty, never "like permitted". */
	CHECK(s.inheritable == 0);
	CHECK(s.ambient == BIT(5));
}

static void test_compute_ignores_unknown_and_new_caps(void)
{
	char *bnd[] = {
	    "CAP_CHOWN", "CAP_BPF", "CAP_PERFMON", "CAP_FUTURE_THING", "CAP_CHECKPOINT_RESTORE",
	    NULL};
	struct oci_capabilities c = {.bounding = bnd, .inheritable = bnd};
	struct cap_sets s;
	/* A 5.4-era kernel: cap_last_cap 37 does not know PERFMON(38), BPF(39), 40. */
	caps_compute(&c, true, 37, &s);
	CHECK(s.bounding == BIT(0));
	CHECK(s.inheritable == BIT(0));
	caps_compute(&c, true, 40, &s);
	CHECK(s.bounding == (BIT(0) | BIT(38) | BIT(39) | BIT(40)));
}

static unsigned long long status_hex(const char *field)
{
	char *s = NULL;
	error *e = read_file("/proc/self/status", &s, NULL);
	unsigned long long v = ~0ULL;
	if (!e) {
		char *l = strstr(s, field);
		if (l)
			v = strtoull(l + strlen(field), NULL, 16);
	}
	err_free(e);
	free(s);
	return v;
}

static int status_line(const char *field, char *out, size_t len)
{
	char *s = NULL;
	error *e = read_file("/proc/self/status", &s, NULL);
	int rc = -1;
	if (!e) {
		char *l = strstr(s, field);
		if (l) {
			l += strlen(field);
			while (*l == '\t' || *l == ' ')
				l++;
			snprintf(out, len, "%.*s", (int)strcspn(l, "\n"), l);
			rc = 0;
		}
	}
	err_free(e);
	free(s);
	return rc;
}

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

static int report_fd = 1;

static int report(error *e)
{
	if (!e)
		return 0;
	dprintf(report_fd, "#   child: %s\n", err_msg(e));
	err_free(e);
	return 1;
}

/* process_apply_identity chowns stdio to the container uid (as runc does):
 * give the child a pipe and /dev/null instead of the test's own stdio, and
 * keep a private copy of stdout for messages. */
static int isolate_stdio(int *pipe_rd)
{
	int p[2];
	fflush(stdout);
	report_fd = fcntl(1, F_DUPFD_CLOEXEC, 10);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (report_fd < 0 || null < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
		return -1;
	*pipe_rd = p[0];
	return 0;
}

static int child_root_small_set(void *arg)
{
	(void)arg;
	char *set[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
	int rd;
	if (isolate_stdio(&rd) < 0)
		return 9;
	struct oci_process p = {.has_capabilities = true};
	p.capabilities =
	    (struct oci_capabilities){.bounding = set, .effective = set, .permitted = set};
	if (report(process_apply_identity(&p)))
		return 1;
	unsigned long long want = BIT(0) | BIT(5) | BIT(10);
	if (status_hex("CapEff:") != want || status_hex("CapPrm:") != want ||
	    status_hex("CapBnd:") != want)
		return 2;
	if (status_hex("CapInh:") != 0 || status_hex("CapAmb:") != 0)
		return 3;
	return 0;
}

static int child_root_no_caps(void *arg)
{
	(void)arg;
	int rd;
	if (isolate_stdio(&rd) < 0)
		return 9;
	struct oci_process p = {.has_capabilities = false};
	if (report(process_apply_identity(&p)))
		return 1;
	if (status_hex("CapEff:") != 0 || status_hex("CapPrm:") != 0 ||
	    status_hex("CapBnd:") != 0 || status_hex("CapInh:") != 0)
		return 2;
	return 0;
}

static int child_user_ambient(void *arg)
{
	(void)arg;
	char *set[] = {"CAP_NET_BIND_SERVICE", NULL};
	uint32_t groups[] = {1001, 1002};
	int rd;
	if (isolate_stdio(&rd) < 0)
		return 9;
	struct oci_process p = {.has_capabilities = true};
	p.user = (struct oci_user){
	    .uid = 1000, .gid = 1000, .additional_gids = groups, .n_additional_gids = 2};
	p.capabilities = (struct oci_capabilities){.bounding = set,
						   .effective = set,
						   .permitted = set,
						   .inheritable = set,
						   .ambient = set};
	if (report(process_apply_identity(&p)))
		return 1;
	char v[128];
	if (status_line("Uid:", v, sizeof(v)) || strcmp(v, "1000\t1000\t1000\t1000") != 0)
		return 2;
	if (status_line("Gid:", v, sizeof(v)) || strcmp(v, "1000\t1000\t1000\t1000") != 0)
		return 3;
	if (status_line("Groups:", v, sizeof(v)) || strncmp(v, "1001 1002", 9) != 0)
		return 4;
	if (status_hex("CapEff:") != BIT(10) || status_hex("CapAmb:") != BIT(10) ||
	    status_hex("CapInh:") != BIT(10) || status_hex("CapBnd:") != BIT(10))
		return 5;
	/* stdio handed to the container user, /dev/null left alone. */
	struct stat st1, st0;
	if (fstat(1, &st1) < 0 || st1.st_uid != 1000 || fstat(0, &st0) < 0 || st0.st_uid != 0)
		return 7;
	/* Ambient is what survives execve for a non-root user. */
	char *args[] = {"/bin/sh", "-c", "grep -q '^CapEff:.*0000000000000400$' /proc/self/status",
			NULL};
	struct oci_process x = {.args = args};
	report(process_exec("/bin/sh", &x));
	return 6;
}

static int child_ambient_needs_inheritable(void *arg)
{
	(void)arg;
	char *set[] = {"CAP_KILL", NULL};
	int rd;
	if (isolate_stdio(&rd) < 0)
		return 9;
	struct oci_process p = {.has_capabilities = true};
	p.capabilities = (struct oci_capabilities){
	    .bounding = set, .effective = set, .permitted = set, .ambient = set};
	/* runc's own default spec has ambient without inheritable: not an error,
	 * the cap just does not become ambient. */
	if (report(process_apply_identity(&p)))
		return 1;
	if (status_hex("CapAmb:") != 0 || status_hex("CapEff:") != BIT(5) ||
	    status_hex("CapInh:") != 0)
		return 2;
	return 0;
}

static void test_root_small_set(void)
{
	CHECK(in_child(child_root_small_set, NULL) == 0);
}
static void test_root_no_capabilities(void)
{
	CHECK(in_child(child_root_no_caps, NULL) == 0);
}
static void test_user_with_ambient(void)
{
	CHECK(in_child(child_user_ambient, NULL) == 0);
}
static void test_ambient_without_inheritable_skipped(void)
{
	CHECK(in_child(child_ambient_needs_inheritable, NULL) == 0);
}

#define RUN_ROOT_TEST(fn)                                                                          \
	do {                                                                                       \
		if (geteuid() == 0)                                                                \
			RUN_TEST(fn);                                                              \
		else                                                                               \
			SKIP_TEST(fn, "needs root");                                               \
	} while (0)

int main(void)
{
	alarm(30);
	RUN_TEST(test_names);
	RUN_TEST(test_last_cap);
	RUN_TEST(test_absent_drops_everything);
	RUN_TEST(test_compute_sets);
	RUN_TEST(test_compute_ignores_unknown_and_new_caps);
	RUN_ROOT_TEST(test_root_small_set);
	RUN_ROOT_TEST(test_root_no_capabilities);
	RUN_ROOT_TEST(test_user_with_ambient);
	RUN_ROOT_TEST(test_ambient_without_inheritable_skipped);
	UNIT_MAIN_END();
}
