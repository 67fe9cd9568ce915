#include "runtime/child/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static error *send_header(int sock, const struct sync_header *hdr, const char *text, int fd)
{
	size_t tlen = text ? strnlen(text, SYNC_TEXT_MAX - 1) : 0;
	struct iovec iov[2] = {{(void *)hdr, sizeof(*hdr)}, {(void *)text, tlen}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = tlen ? 2 : 1};
	if (fd >= 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = sizeof(ctrl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_errno("sync: send");
	return NULL;
}

error *sync_send(int sock, enum sync_type type, const char *text, int fd)
{
	return send_header(sock, &(struct sync_header){.type = type}, text, fd);
}

error *sync_send_go_pid(int sock, pid_t pid)
{
	return send_header(sock, &(struct sync_header){.type = SYNC_GO, .pid = pid}, NULL, -1);
}

error *sync_send_reparent(int sock, pid_t pid)
{
	return send_header(sock, &(struct sync_header){.type = SYNC_REPARENT, .pid = pid}, NULL,
			   -1);
}

error *sync_send_mount_source(int sock, size_t index, int fd)
{
	if (index > INT32_MAX)
		return err_kind_new(ERR_BAD_CONFIG, "sync: mount index %zu out of range", index);
	return send_header(
	    sock, &(struct sync_header){.type = SYNC_MOUNT_SOURCE, .index = (int32_t)index}, NULL,
	    fd);
}

error *sync_write_seccomp_fd(int sock, int notify_fd)
{
	struct sync_header hdr = {.type = SYNC_SECCOMP_FD, .remote_fd = notify_fd};
	ssize_t n;
	do
		n = write(sock, &hdr, sizeof(hdr));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_errno("send seccomp notify fd");
	if (n != (ssize_t)sizeof(hdr))
		return err_new("send seccomp notify fd: short write");
	return NULL;
}

void sync_send_error(int sock, const error *e)
{
	/* The text already ends in strerror(errnum); the receiver rebuilds the
	 * error from text, errnum and kind without appending it again. */
	struct sync_header hdr = {
	    .type = SYNC_ERROR, .errnum = err_errnum(e), .kind = (int32_t)err_kind(e)};
	error *ignored = send_header(sock, &hdr, e ? err_msg(e) : "unknown error", -1);
	err_free(ignored);
}

error *sync_recv(int sock, struct sync_msg *msg)
{
	struct sync_header hdr;
	msg->fd = -1;
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {msg->text, SYNC_TEXT_MAX - 1}};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	struct msghdr mh = {.msg_iov = iov,
			    .msg_iovlen = 2,
			    .msg_control = ctrl.buf,
			    .msg_controllen = sizeof(ctrl.buf)};
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_errno("sync: receive");
	if (n == 0)
		return err_sys(EPIPE, "sync: peer exited");
	/* Every fd that arrived is ours to close if the message is refused: a
	 * message carries at most one. */
	int fd = -1;
	size_t n_fds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++, n_fds++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd >= 0)
				close(fd);
			fd = got;
		}
	}
	/* A message cut short is not the one the peer sent (the kernel drops
	 * the fds that did not fit the control buffer). */
	const char *bad = (mh.msg_flags & MSG_TRUNC)	? "message truncated"
			  : (mh.msg_flags & MSG_CTRUNC) ? "control data truncated"
			  : n_fds > 1			? "more than one fd"
			  : (size_t)n < sizeof(hdr)	? "short message"
							: NULL;
	if (bad) {
		if (fd >= 0)
			close(fd);
		return err_new("sync: %s", bad);
	}
	msg->type = hdr.type;
	msg->errnum = hdr.errnum;
	msg->kind = hdr.kind;
	msg->pid = hdr.pid;
	msg->index = hdr.index;
	msg->remote_fd = hdr.remote_fd;
	msg->fd = fd;
	msg->text[(size_t)n - sizeof(hdr)] = '\0';
	return NULL;
}

error *sync_msg_error(const struct sync_msg *msg)
{
	enum err_kind kind = msg->kind > 0 && msg->kind <= ERR_KIND_MAX ? msg->kind : 0;
	return err_make(kind, msg->errnum, "%s", msg->text);
}

error *sync_expect(int sock, enum sync_type want, struct sync_msg *msg)
{
	error *e = sync_recv(sock, msg);
	if (e)
		return e;
	if (msg->type == SYNC_ERROR)
		return sync_msg_error(msg);
	if (msg->type != want)
		return err_new("sync: expected message %d, got %u", want, msg->type);
	return NULL;
}
