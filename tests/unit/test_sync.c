/* The sync protocol over a socketpair: each message type round trips with
 * its own fields, errors keep their errno and kind, fds pass, and a message
 * that did not fit is refused with its fd closed. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "runtime/child/sync.h"
#include "unit.h"

static int sv[2] = {-1, -1};

static void pair(void)
{
	if (sv[0] >= 0) {
		close(sv[0]);
		close(sv[1]);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
}

/* The lowest free fd number: an fd leaked by sync_recv would take it. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(fd);
	return fd;
}

static void test_plain_and_fd(void)
{
	pair();
	struct sync_msg m;
	const enum sync_type plain[] = {SYNC_NS_READY, SYNC_RUN_HOOKS, SYNC_READY, SYNC_GO};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		CHECK_OK(sync_send(sv[0], plain[i], NULL, -1));
		CHECK_OK(sync_recv(sv[1], &m));
		CHECK(m.type == plain[i] && m.fd == -1 && m.pid == 0 && m.errnum == 0);
		CHECK_STR(m.text, "");
	}
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK_OK(sync_send(sv[0], SYNC_CONSOLE, "hello", devnull));
	CHECK_OK(sync_recv(sv[1], &m));
	CHECK(m.type == SYNC_CONSOLE && m.fd >= 0 && m.fd != devnull);
	CHECK_STR(m.text, "hello");
	struct stat a, b;
	CHECK(fstat(m.fd, &a) == 0 && fstat(devnull, &b) == 0 && a.st_rdev == b.st_rdev);
	CHECK((fcntl(m.fd, F_GETFD) & FD_CLOEXEC) != 0);
	close(m.fd);
	close(devnull);
}

static void test_typed_numbers(void)
{
	pair();
	struct sync_msg m;
	CHECK_OK(sync_send_go_pid(sv[0], 4242));
	CHECK_OK(sync_expect(sv[1], SYNC_GO, &m));
	CHECK(m.pid == 4242 && m.errnum == 0 && m.index == 0);

	CHECK_OK(sync_send_reparent(sv[0], 77));
	CHECK_OK(sync_recv(sv[1], &m));
	CHECK(m.type == SYNC_REPARENT && m.pid == 77 && m.errnum == 0);

	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK_OK(sync_send_mount_source(sv[0], 5, devnull));
	CHECK_OK(sync_recv(sv[1], &m));
	CHECK(m.type == SYNC_MOUNT_SOURCE && m.index == 5 && m.fd >= 0 && m.errnum == 0);
	if (m.fd >= 0)
		close(m.fd);
	close(devnull);

	CHECK_OK(sync_write_seccomp_fd(sv[0], 13));
	CHECK_OK(sync_recv(sv[1], &m));
	CHECK(m.type == SYNC_SECCOMP_FD && m.remote_fd == 13 && m.fd == -1 && m.errnum == 0);
}

/* The error the child made arrives with its errno and kind, and the text is
 * not extended by a second strerror. */
static void test_error_round_trip(void)
{
	pair();
	struct sync_msg m;
	error *child = err_wrap(err_sys(EPERM, "mount"), "mounts[3] (/proc)");
	sync_send_error(sv[0], child);
	err_free(child);
	error *e = sync_expect(sv[1], SYNC_READY, &m);
	CHECK(err_errnum(e) == EPERM && err_kind(e) == ERR_SYSTEM);
	CHECK_ERR(e, "mounts[3] (/proc): mount: Operation not permitted");

	child = err_wrap(err_kind_new(ERR_BAD_CONFIG, "bad thing"), "process.cwd");
	sync_send_error(sv[0], child);
	err_free(child);
	e = sync_expect(sv[1], SYNC_READY, &m);
	CHECK(err_errnum(e) == 0 && err_kind(e) == ERR_BAD_CONFIG);
	CHECK_ERR(e, "process.cwd: bad thing");

	sync_send_error(sv[0], err_oom());
	e = sync_expect(sv[1], SYNC_READY, &m);
	CHECK(err_errnum(e) == ENOMEM && err_kind(e) == ERR_NOMEM);
	CHECK_ERR(e, "out of memory");

	CHECK_OK(sync_send(sv[0], SYNC_NS_READY, NULL, -1));
	CHECK_ERR(sync_expect(sv[1], SYNC_READY, &m), "sync: expected message 7, got 2");
	close(sv[0]);
	sv[0] = -1;
	e = sync_recv(sv[1], &m);
	CHECK(e && err_errnum(e) == EPIPE);
	err_free(e);
	close(sv[1]);
	sv[1] = -1;
}

static void test_truncated_refused(void)
{
	pair();
	struct sync_msg m;
	/* Longer than header + text buffer, with an fd: refused, fd closed. */
	static char big[sizeof(struct sync_header) + SYNC_TEXT_MAX + 64];
	memset(big, 'x', sizeof(big));
	struct sync_header hdr = {.type = SYNC_CONSOLE};
	memcpy(big, &hdr, sizeof(hdr));
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	memset(&ctrl, 0, sizeof(ctrl));
	struct iovec iov = {big, sizeof(big)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctrl.buf,
			    .msg_controllen = CMSG_SPACE(sizeof(int))};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &devnull, sizeof(int));
	int free_before = lowest_free_fd();
	CHECK(sendmsg(sv[0], &mh, 0) == (ssize_t)sizeof(big));
	CHECK_ERR(sync_recv(sv[1], &m), "sync: message truncated");
	CHECK(m.fd == -1);
	CHECK(lowest_free_fd() == free_before);

	/* Two fds (they fit the receiver's aligned control buffer): refused,
	 * both closed. */
	int fds[3] = {devnull, devnull, devnull};
	iov.iov_len = sizeof(hdr);
	mh.msg_controllen = CMSG_SPACE(2 * sizeof(int));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, 2 * sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == (ssize_t)sizeof(hdr));
	CHECK_ERR(sync_recv(sv[1], &m), "sync: more than one fd");
	CHECK(m.fd == -1);
	CHECK(lowest_free_fd() == free_before);

	/* Three: the control data does not fit; the fds received are closed. */
	mh.msg_controllen = CMSG_SPACE(3 * sizeof(int));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_len = CMSG_LEN(3 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == (ssize_t)sizeof(hdr));
	CHECK_ERR(sync_recv(sv[1], &m), "sync: control data truncated");
	CHECK(m.fd == -1);
	CHECK(lowest_free_fd() == free_before);
	close(devnull);

	/* Shorter than the header. */
	CHECK(write(sv[0], "abc", 3) == 3);
	CHECK_ERR(sync_recv(sv[1], &m), "sync: short message");

	/* The longest text that fits is accepted. */
	static char text[SYNC_TEXT_MAX];
	memset(text, 'y', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CHECK_OK(sync_send(sv[0], SYNC_ERROR, text, -1));
	CHECK_OK(sync_recv(sv[1], &m));
	CHECK(strlen(m.text) == SYNC_TEXT_MAX - 1);
}

int main(void)
{
	RUN_TEST(test_plain_and_fd);
	RUN_TEST(test_typed_numbers);
	RUN_TEST(test_error_round_trip);
	RUN_TEST(test_truncated_refused);
	UNIT_MAIN_END();
}
