/* State store and sync protocol: no root needed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"
#include "common/util.h"
#include "runtime/state/state_store.h"
#include "runtime/child/sync.h"
#include "unit.h"

static char root[] = "/tmp/isorun-unit-state.XXXXXX";

/* runc's validateID: ^[\w+-\.]+$ (the class holds the range '+'..'.', so a
 * comma too: `runc state a,b` says "container does not exist"), not "." or "..". */
static void test_id_validation(void)
{
	CHECK_OK(state_validate_id("abc-1_2.3+x"));
	CHECK_OK(state_validate_id("a,b"));
	CHECK_OK(state_validate_id("x..y"));
	CHECK_OK(state_validate_id("..."));
	CHECK_OK(state_validate_id("-"));
	char longid[2000];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	CHECK_OK(state_validate_id(longid));
	CHECK_ERR(state_validate_id(""), "container id cannot be empty");
	CHECK_ERR(state_validate_id(NULL), "container id cannot be empty");
	CHECK_ERR(state_validate_id("."), "invalid container ID format");
	CHECK_ERR(state_validate_id(".."), "invalid container ID format");
	CHECK_ERR(state_validate_id("a/b"), "invalid container ID format");
	CHECK_ERR(state_validate_id("a b"), "invalid container ID format");
	CHECK_ERR(state_validate_id("a:b"), "invalid container ID format");
	CHECK_ERR(state_validate_id("a*b"), "invalid container ID format");
	CHECK_ERR(state_validate_id("\xc3\xa9"), "invalid container ID format");
}

static void test_create_twice_and_open_missing(void)
{
	struct state_handle h, h2;
	CHECK_OK(state_create(root, "dup", &h));
	CHECK_ERR(state_create(root, "dup", &h2), "container with id exists: dup");
	CHECK_ERR(state_open(root, "missing", &h2), "container does not exist");
	CHECK_OK(state_remove(&h));
	CHECK_ERR(state_open(root, "dup", &h2), "container does not exist");
}

static void test_roundtrip(void)
{
	struct state_handle h;
	CHECK_OK(state_create(root, "rt", &h));
	char *keys[] = {"a", "multi%line"};
	char *values[] = {"1", "x\ny%z"};
	struct saved_state in = {
	    .id = "rt",
	    .pid = 1234,
	    .pid_start_time = 987654321,
	    .bundle = "/b",
	    .rootfs = "/b/rootfs",
	    .created = "2026-11-24T00:00:00.000000001Z",
	    .oci_version = "1.2.0",
	    .cgroup = "v1 /isorun/rt created=1",
	    .owner_uid = 0,
	    .annotations = {.keys = keys, .values = values, .n = 2},
	};
	CHECK_OK(state_write(&h, &in));
	struct saved_state out;
	CHECK_OK(state_read(&h, &out));
	CHECK_STR(out.id, "rt");
	CHECK(out.pid == 1234);
	CHECK(out.pid_start_time == 987654321);
	CHECK_STR(out.bundle, "/b");
	CHECK_STR(out.rootfs, "/b/rootfs");
	CHECK_STR(out.created, in.created);
	CHECK_STR(out.cgroup, in.cgroup);
	CHECK(out.annotations.n == 2);
	if (out.annotations.n == 2) {
		CHECK_STR(out.annotations.keys[1], "multi%line");
		CHECK_STR(out.annotations.values[1], "x\ny%z");
	}
	saved_state_free(&out);
	CHECK_OK(state_remove(&h));
}

static void test_pid_liveness(void)
{
	uint64_t st = proc_start_time(getpid());
	CHECK(st > 0);
	CHECK(state_pid_alive(getpid(), st));
	CHECK(!state_pid_alive(getpid(), st + 1)); /* pid reused by another process */
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	uint64_t cst = 0;
	/* Exited but not reaped: a zombie counts as stopped. */
	for (int i = 0; i < 200; i++) {
		char path[64], s[512];
		snprintf(path, sizeof(path), "/proc/%d/stat", child);
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, s, sizeof(s) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			s[n] = 0;
			if (strstr(s, ") Z "))
				break;
		}
		usleep(5000);
	}
	cst = proc_start_time(child);
	CHECK(!state_pid_alive(child, cst));
	waitpid(child, NULL, 0);
	CHECK(!state_pid_alive(child, cst));
}

static void test_sync_messages(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK_OK(sync_send(sv[0], SYNC_CONSOLE, "hello", devnull));
	struct sync_msg m;
	CHECK_OK(sync_recv(sv[1], &m));
	CHECK(m.type == SYNC_CONSOLE);
	CHECK_STR(m.text, "hello");
	CHECK(m.fd >= 0 && m.fd != devnull);
	struct stat a, b;
	CHECK(fstat(m.fd, &a) == 0 && fstat(devnull, &b) == 0 && a.st_rdev == b.st_rdev);
	close(m.fd);
	close(devnull);

	error *child_err = err_new("mounts[3] (/proc): mount: Operation not permitted");
	sync_send_error(sv[0], child_err);
	err_free(child_err);
	CHECK_ERR(sync_expect(sv[1], SYNC_READY, &m),
		  "mounts[3] (/proc): mount: Operation not permitted");
	CHECK_OK(sync_send(sv[0], SYNC_NS_READY, NULL, -1));
	CHECK_ERR(sync_expect(sv[1], SYNC_READY, &m), "sync: expected message 7, got 2");
	close(sv[0]);
	error *e = sync_recv(sv[1], &m);
	CHECK(e && err_errnum(e) == EPIPE);
	err_free(e);
	close(sv[1]);
}

int main(void)
{
	if (!mkdtemp(root))
		return 1;
	RUN_TEST(test_id_validation);
	RUN_TEST(test_create_twice_and_open_missing);
	RUN_TEST(test_roundtrip);
	RUN_TEST(test_pid_liveness);
	RUN_TEST(test_sync_messages);
	rmdir(root);
	UNIT_MAIN_END();
}
