/* One fd plus a payload in one message over a unix socket (SCM_RIGHTS). The
 * console socket and the seccomp listener both expect exactly this shape. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/child/console.h"

int fd_send(int sock, int fd, const void *payload, size_t len)
{
	/* A stream socket does not carry ancillary data without at least one data
	 * byte, so an empty payload becomes a single NUL. */
	static const char nul = 0;
	struct iovec iov = {.iov_base = (void *)(len ? payload : &nul), .iov_len = len ? len : 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != iov.iov_len) {
		/* The fd went with the first byte; a torn payload is still a
		 * protocol error the receiver cannot repair. */
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

static void close_rights(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

int fd_recv(int sock, int *fd_out, void *payload, size_t *len)
{
	*fd_out = -1;
	union {
		/* Room for a few extra fds so a misbehaving sender's fds are
		 * received (and closed) rather than silently truncated. */
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = payload, .iov_len = *len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0 && msg.msg_controllen == 0) {
		errno = ECONNABORTED; /* peer closed without sending anything */
		return -1;
	}
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
		close_rights(&msg);
		errno = EMSGSIZE;
		return -1;
	}
	int found = -1, count = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			count += (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(&found, CMSG_DATA(c), sizeof(int));
		}
	}
	if (count > 1) {
		close_rights(&msg);
		errno = EBADMSG;
		return -1;
	}
	*fd_out = found;
	*len = (size_t)n;
	return 0;
}
