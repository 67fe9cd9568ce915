/* namespaces/: plans (pure) and, as root, setns paths, id maps, time offsets. */
#include <dirent.h>
#include <errno.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/namespaces.h"
#include "tests/unit/unit.h"

static struct oci_namespace nss[8];
static struct oci_config cfg;

static void set_ns(size_t n)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.has_linux = true;
	cfg.linux_.namespaces = nss;
	cfg.linux_.n_namespaces = n;
}

static void test_flags_and_names(void)
{
	CHECK(ns_clone_flag(OCI_NS_PID) == CLONE_NEWPID);
	CHECK(ns_clone_flag(OCI_NS_NETWORK) == CLONE_NEWNET);
	CHECK(ns_clone_flag(OCI_NS_MOUNT) == CLONE_NEWNS);
	CHECK(ns_clone_flag(OCI_NS_USER) == CLONE_NEWUSER);
	CHECK(ns_clone_flag(OCI_NS_TIME) == 0x80);
	CHECK_STR(ns_proc_name(OCI_NS_NETWORK), "net");
	CHECK_STR(ns_proc_name(OCI_NS_MOUNT), "mnt");
	CHECK_STR(ns_proc_name(OCI_NS_CGROUP), "cgroup");
	CHECK_STR(ns_spec_name(OCI_NS_NETWORK), "network");
}

static void test_plan_new_only(void)
{
	nss[0] = (struct oci_namespace){OCI_NS_PID, NULL};
	nss[1] = (struct oci_namespace){OCI_NS_MOUNT, NULL};
	nss[2] = (struct oci_namespace){OCI_NS_NETWORK, ""};
	set_ns(3);
	struct ns_plan p;
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK(p.new_flags == (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET));
	CHECK(p.clone_all);
	for (int i = 0; i < OCI_NS_COUNT; i++) {
		CHECK(p.join_fd[i] == -1);
		CHECK(p.join_path[i] == NULL);
	}
	CHECK(p.spec_index[OCI_NS_NETWORK] == 2);
	CHECK(p.spec_index[OCI_NS_USER] == -1);
}

static void test_plan_join(void)
{
	nss[0] = (struct oci_namespace){OCI_NS_PID, "/proc/1/ns/pid"};
	nss[1] = (struct oci_namespace){OCI_NS_MOUNT, NULL};
	nss[2] = (struct oci_namespace){OCI_NS_TIME, "/proc/1/ns/time"};
	set_ns(3);
	struct ns_plan p;
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK(p.new_flags == CLONE_NEWNS);
	CHECK_STR(p.join_path[OCI_NS_PID], "/proc/1/ns/pid");
	CHECK_STR(p.join_path[OCI_NS_TIME], "/proc/1/ns/time");
	CHECK(p.clone_all);

	nss[2] = (struct oci_namespace){OCI_NS_NETWORK, "/var/run/netns/x"};
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK(!p.clone_all);
	CHECK(p.new_flags == CLONE_NEWNS);
	CHECK_STR(p.join_path[OCI_NS_NETWORK], "/var/run/netns/x");
}

static void test_plan_errors(void)
{
	nss[0] = (struct oci_namespace){OCI_NS_PID, NULL};
	nss[1] = (struct oci_namespace){OCI_NS_PID, NULL};
	set_ns(2);
	struct ns_plan p;
	CHECK_ERR(ns_plan_build(&cfg, &p),
		  "linux.namespaces[1]: duplicate pid namespace (also linux.namespaces[0])");
	struct oci_time_offset off = {"monotonic", 5, 0};
	nss[1] = (struct oci_namespace){OCI_NS_TIME, "/proc/1/ns/time"};
	cfg.linux_.time_offsets = &off;
	cfg.linux_.n_time_offsets = 1;
	CHECK_ERR(ns_plan_build(&cfg, &p),
		  "linux.timeOffsets: cannot be set when joining an existing time namespace "
		  "(linux.namespaces[1] path /proc/1/ns/time)");
	memset(&cfg, 0, sizeof(cfg));
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK(p.new_flags == 0 && p.clone_all);
}

static void test_open_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
	nss[0] = (struct oci_namespace){OCI_NS_PID, NULL};
	nss[1] = (struct oci_namespace){OCI_NS_NETWORK, "/proc/self/ns/net"};
	set_ns(2);
	struct ns_plan p;
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK_OK(ns_plan_open(&p));
	CHECK(p.join_fd[OCI_NS_NETWORK] >= 0);
	CHECK(fcntl(p.join_fd[OCI_NS_NETWORK], F_GETFD) & FD_CLOEXEC);
	/* Joining our own namespace is a no-op that must succeed. */
	CHECK_OK(ns_join(&sys_real, p.join_fd[OCI_NS_NETWORK], OCI_NS_NETWORK));
	ns_plan_close(&p);
	CHECK(p.join_fd[OCI_NS_NETWORK] == -1);

	nss[1] = (struct oci_namespace){OCI_NS_NETWORK, "/proc/self/ns/uts"};
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK_ERR(ns_plan_open(&p),
		  "linux.namespaces[1] (network /proc/self/ns/uts): is not a network namespace");
	CHECK(p.join_fd[OCI_NS_NETWORK] == -1);

	nss[1] = (struct oci_namespace){OCI_NS_NETWORK, "/proc/1/ns/nonexistent"};
	CHECK_OK(ns_plan_build(&cfg, &p));
	CHECK_ERR(ns_plan_open(&p), "linux.namespaces[1] (network /proc/1/ns/nonexistent): open: "
				    "No such file or directory");
}

static int userns_child(void *arg)
{
	int *pfd = arg;
	char c;
	close(pfd[1]);
	(void)!read(pfd[0], &c, 1);
	return 0;
}

static void test_userns_maps(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
	int pfd[2];
	CHECK(pipe2(pfd, O_CLOEXEC) == 0);
	size_t stack_size = 64 * 1024;
	char *stack =
	    mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid = clone(userns_child, stack + stack_size, CLONE_NEWUSER | SIGCHLD, pfd);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	close(pfd[0]);
	struct oci_id_mapping um[2] = {{0, 100000, 1000}, {1000, 200000, 10}};
	struct oci_id_mapping gm[1] = {{0, 300000, 65536}};
	memset(&cfg, 0, sizeof(cfg));
	cfg.has_linux = true;
	cfg.linux_.uid_mappings = um;
	cfg.linux_.n_uid_mappings = 2;
	cfg.linux_.gid_mappings = gm;
	cfg.linux_.n_gid_mappings = 1;
	CHECK_OK(userns_write_maps(pid, &cfg));
	char path[64];
	_cleanup_free_ char *uid = NULL, *gid = NULL, *sg = NULL;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	CHECK_OK(read_file(path, &uid, NULL));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	CHECK_OK(read_file(path, &gid, NULL));
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	CHECK_OK(read_file(path, &sg, NULL));
	unsigned a, b, c, d, e, f;
	CHECK(uid && sscanf(uid, "%u %u %u %u %u %u", &a, &b, &c, &d, &e, &f) == 6);
	CHECK(a == 0 && b == 100000 && c == 1000 && d == 1000 && e == 200000 && f == 10);
	CHECK(gid && sscanf(gid, "%u %u %u", &a, &b, &c) == 3);
	CHECK(a == 0 && b == 300000 && c == 65536);
	CHECK(sg && str_has_prefix(sg, "allow")); /* root keeps setgroups */
	/* A second write is refused by the kernel: the error must name the file. */
	error *err = userns_write_maps(pid, &cfg);
	CHECK(err && strstr(err_msg(err), "linux.uidMappings: write /proc/") &&
	      err_errnum(err) == EPERM);
	err_free(err);
	close(pfd[1]);
	int st;
	waitpid(pid, &st, 0);
	munmap(stack, stack_size);
}

/* Without privilege and without newuidmap the error must say what to do. */
static void test_userns_rootless_no_helper(void)
{
	if (geteuid() != 0)
		SKIP("needs root (to become nobody)");
	pid_t pid = fork();
	if (pid == 0) {
		struct oci_id_mapping um[1] = {{0, 100000, 65536}};
		memset(&cfg, 0, sizeof(cfg));
		cfg.linux_.uid_mappings = um;
		cfg.linux_.n_uid_mappings = 1;
		setenv("PATH", "/nonexistent", 1);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		error *e = userns_write_maps(getppid(), &cfg);
		const char *want = "linux.uidMappings: uid_map: newuidmap not found in PATH "
				   "(install the uidmap package; needed to map ids as non-root)";
		if (!e || strcmp(err_msg(e), want) != 0) {
			printf("#   got: %s\n", e ? err_msg(e) : "success");
			_exit(1);
		}
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_timens(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
	int pfd[2];
	CHECK(pipe2(pfd, O_CLOEXEC) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct oci_time_offset off[2] = {{"monotonic", 100000, 0}, {"boottime", 200000, 5}};
		error *e = timens_enter_new(&sys_real, off, 2);
		struct timespec ts = {0, 0};
		clock_gettime(CLOCK_MONOTONIC, &ts);
		long long v = e ? -1 : (long long)ts.tv_sec;
		(void)!write(pfd[1], &v, sizeof(v));
		_exit(0);
	}
	close(pfd[1]);
	long long child = 0;
	CHECK(read(pfd[0], &child, sizeof(child)) == sizeof(child));
	close(pfd[0]);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("# parent monotonic %lld, child %lld\n", (long long)now.tv_sec, child);
	CHECK(child > (long long)now.tv_sec + 99990);
	int st;
	waitpid(pid, &st, 0);
	struct oci_time_offset bad = {"realtime", 1, 0};
	pid = fork();
	if (pid == 0) {
		error *e = timens_enter_new(&sys_real, &bad, 1);
		_exit(e && strcmp(err_msg(e), "linux.timeOffsets.realtime: unknown clock (want "
					      "monotonic or boottime)") == 0
			  ? 0
			  : 1);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* The user namespace built for an idmapped mount holds exactly the mappings, and
 * its helper process is gone when the call returns, also on failure. */
static void test_userns_open_with_maps(void)
{
	if (geteuid() != 0) {
		printf("# SKIP needs root\n");
		return;
	}
	struct oci_id_mapping um[] = {{1000, 0, 1}, {0, 100000, 10}}, gm[] = {{2000, 5, 3}};
	int before = count_fds();
	int fd = -1;
	CHECK_OK(userns_open_with_maps(um, 2, gm, 1, &fd));
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWUSER);
	/* no helper left to reap */
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
	pid_t pid = fork();
	if (pid == 0) {
		/* what a process in that namespace sees */
		_cleanup_free_ char *u = NULL, *g = NULL;
		unsigned a, b, c, d, e, f;
		if (setns(fd, CLONE_NEWUSER) < 0 || read_file("/proc/self/uid_map", &u, NULL) ||
		    read_file("/proc/self/gid_map", &g, NULL))
			_exit(2);
		if (sscanf(u, "%u %u %u %u %u %u", &a, &b, &c, &d, &e, &f) != 6 || a != 1000 ||
		    b != 0 || c != 1 || d != 0 || e != 100000 || f != 10)
			_exit(3);
		if (sscanf(g, "%u %u %u", &a, &b, &c) != 3 || a != 2000 || b != 5 || c != 3)
			_exit(4);
		_exit(0);
	}
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd);
	CHECK(count_fds() == before);
	/* overlapping ranges: the kernel refuses the map; nothing stays behind */
	struct oci_id_mapping bad[] = {{0, 0, 10}, {5, 100, 10}};
	fd = -1;
	error *e = userns_open_with_maps(bad, 2, gm, 1, &fd);
	CHECK(e && strstr(err_msg(e), "idmap user namespace: write /proc/") &&
	      strstr(err_msg(e), "uid_map"));
	err_free(e);
	CHECK(fd == -1);
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
	CHECK(count_fds() == before);
}

/* runc's RunningInUserNS: only the identity map of every id is the host's. */
static void test_userns_map_is_initial(void)
{
	CHECK(userns_map_is_initial("         0          0 4294967295\n"));
	CHECK(userns_map_is_initial("0 0 4294967295"));
	CHECK(!userns_map_is_initial("         0       1001          1\n"));
	CHECK(!userns_map_is_initial("0 0 4294967294\n"));
	CHECK(!userns_map_is_initial("0 0 4294967295\n1 1 1\n"));
	CHECK(!userns_map_is_initial(""));
	/* This test runs as root on the host. */
	CHECK(!userns_running_in());
}

int main(void)
{
	alarm(60);
	RUN_TEST(test_flags_and_names);
	RUN_TEST(test_plan_new_only);
	RUN_TEST(test_plan_join);
	RUN_TEST(test_plan_errors);
	RUN_TEST(test_open_root);
	RUN_TEST(test_userns_maps);
	RUN_TEST(test_userns_rootless_no_helper);
	RUN_TEST(test_timens);
	RUN_TEST(test_userns_open_with_maps);
	RUN_TEST(test_userns_map_is_initial);
	UNIT_MAIN_END();
}
