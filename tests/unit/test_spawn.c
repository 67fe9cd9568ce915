/* spawn_clone3's fallback when clone3 fails (before Linux 5.3, or a seccomp
 * profile of an outer container: Docker's answers ENOSYS): clone with
 * CLONE_PIDFD, and, with a cgroup fd, the child written to its cgroup.procs.
 * Each case runs in a forked process that first denies itself clone3. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/mountinfo.h"
#include "runtime/spawn.h"
#include "tests/unit/deny_syscall.h"
#include "tests/unit/unit.h"

/* In a forked process: deny clone3, spawn_clone3(cgroup_fd), the new child
 * exits with `check(want_cg)`'s result; returns what the fork reports:
 * 0 = all fine, else a step number. */
static int in_cgroup(const char *want)
{
	char buf[512] = {0};
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	char line[300];
	snprintf(line, sizeof(line), "0::%s\n", want);
	return n > 0 && strstr(buf, line) != NULL;
}

static int run_case(int cgroup_fd, const char *want_cg)
{
	pid_t f = fork();
	if (f < 0)
		return 100;
	if (f == 0) {
		if (!unit_deny_syscall(SYS_clone3))
			_exit(1);
		if (syscall(SYS_clone3, NULL, 0) >= 0 || errno != ENOSYS)
			_exit(2);
		/* The fallback joins the cgroup after clone: like the runtime's
		 * child, which waits for GO, this one waits until it is told. */
		int go[2];
		if (pipe(go) < 0)
			_exit(10);
		int pidfd = -1;
		pid_t pid = spawn_clone3(0, cgroup_fd, &pidfd);
		if (pid == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(11);
			_exit(want_cg && !in_cgroup(want_cg) ? 9 : 7);
		}
		close(go[0]);
		if (pid < 0)
			_exit(3);
		if (write(go[1], "g", 1) != 1)
			_exit(12);
		if (pidfd < 0)
			_exit(4);
		siginfo_t si = {0};
		if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
			_exit(5);
		_exit(si.si_code == CLD_EXITED && si.si_status == 7 ? 0
		      : si.si_status == 9			    ? 6
								    : 8);
	}
	int st;
	if (waitpid(f, &st, 0) < 0 || !WIFEXITED(st))
		return 101;
	return WEXITSTATUS(st);
}

static void test_fallback_gives_pid_and_pidfd(void)
{
	int r = run_case(-1, NULL);
	if (r)
		printf("# failed at step %d\n", r);
	CHECK(r == 0);
}

/* A cgroup2 mount (the unified one on a hybrid host). */
static bool find_cgroup2(char *out, size_t len)
{
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	error *e = mountinfo_read("/proc/self/mountinfo", &mi);
	err_free(e);
	for (size_t i = 0; !e && i < mi.n; i++) {
		if (strcmp(mi.v[i].fstype, "cgroup2") == 0) {
			snprintf(out, len, "%s", mi.v[i].mount_point);
			return true;
		}
	}
	return false;
}

static void test_fallback_joins_the_cgroup(void)
{
	char mnt[512], dir[700], want[64];
	snprintf(want, sizeof(want), "/isorun-test-spawn-%d", (int)getpid());
	if (!find_cgroup2(mnt, sizeof(mnt)))
		SKIP("no cgroup2 mount");
	if (geteuid() != 0)
		SKIP("needs root (mkdir in the cgroup2 mount)");
	snprintf(dir, sizeof(dir), "%s%s", mnt, want);
	if (mkdir(dir, 0755) < 0) {
		printf("# mkdir %s: %s\n", dir, strerror(errno));
		CHECK(false);
		return;
	}
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0);
	/* /proc/self/cgroup shows the path relative to our own cgroup
	 * namespace root, which is the mount's root here. */
	int r = fd >= 0 ? run_case(fd, want) : -1;
	if (r)
		printf("# failed at step %d\n", r);
	CHECK(r == 0);
	if (fd >= 0)
		close(fd);
	rmdir(dir);
}

int main(void)
{
	RUN_TEST(test_fallback_gives_pid_and_pidfd);
	RUN_TEST(test_fallback_joins_the_cgroup);
	UNIT_MAIN_END();
}
