#include "runtime/child/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

struct sync_header {
	uint32_t type;
	int32_t errnum;
};

error *sync_send(int sock, enum sync_type type, int errnum, const char *text, int fd)
{
	struct sync_header hdr = {.type = type, .errnum = errnum};
	size_t tlen = text ? strnlen(text, SYNC_TEXT_MAX - 1) : 0;
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)text, tlen}};
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
	if ((size_t)n < sizeof(hdr))
		return err_new("sync: short message");
	msg->type = hdr.type;
	msg->errnum = hdr.errnum;
	msg->text[(size_t)n - sizeof(hdr)] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&msg->fd, CMSG_DATA(c), sizeof(int));
	}
	return NULL;
}

error *sync_expect(int sock, enum sync_type want, struct sync_msg *msg)
{
	error *e = sync_recv(sock, msg);
	if (e)
		return e;
	if (msg->type == SYNC_ERROR)
		return msg->errnum ? err_sys(msg->errnum, "%s", msg->text)
				   : err_new("%s", msg->text);
	if (msg->type != want)
		return err_new("sync: expected message %d, got %u", want, msg->type);
	return NULL;
}

void sync_send_error(int sock, const error *e)
{
	/* The message already ends in strerror(errnum); send errnum 0 so the
	 * parent does not append it twice, and keep the code in the text. */
	error *ignored = sync_send(sock, SYNC_ERROR, 0, e ? err_msg(e) : "unknown error", -1);
	err_free(ignored);
}
