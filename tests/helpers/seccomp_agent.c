/* seccomp_agent: a minimal linux.seccomp.listenerPath agent for the tests.
 *
 *   seccomp_agent SOCKET STATEFILE LOGFILE MODE
 *
 * Listens on the unix stream socket SOCKET and accepts runtime connections
 * (one per process that loaded the filter: the container's init, then each
 * `exec`). Each brings the container process state JSON (the first is written
 * to STATEFILE, the Nth to STATEFILE.N) and a seccomp notify fd (SCM_RIGHTS).
 * Answers notifications on every fd until all filtered tasks are gone:
 *   mkdir/mkdirat  MODE "errno:N" -> fails with errno N
 *                  MODE "fake:V"  -> "succeeds" with return value V without
 *                                    creating anything (the agent decides)
 *   anything else  continues the syscall (SECCOMP_USER_NOTIF_FLAG_CONTINUE)
 * Each notification is logged to LOGFILE as "notify <name> pid=<pid>".
 * Standalone: plain libc and kernel headers only. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "seccomp_agent: %s: %s\n", what, strerror(errno));
	return 1;
}

static int recv_state(int conn, char *buf, size_t len, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = {buf, len - 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	buf[n] = 0;
	*fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (*fd < 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: seccomp_agent SOCKET STATEFILE LOGFILE errno:N|fake:V\n");
		return 2;
	}
	int fake = !strncmp(argv[4], "fake:", 5);
	long value = strtol(argv[4] + (fake ? 5 : 6), NULL, 0);
	if (!fake && strncmp(argv[4], "errno:", 6))
		return 2;

	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 4) < 0)
		return die("listen");
	FILE *log = fopen(argv[3], "we");
	if (!log)
		return die("open log");
	setvbuf(log, NULL, _IOLBF, 0);
	fprintf(log, "listening\n");

	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return die("SECCOMP_GET_NOTIF_SIZES");
	struct seccomp_notif *req =
	    calloc(1, sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req));
	struct seccomp_notif_resp *resp = calloc(
	    1, sz.seccomp_notif_resp > sizeof(*resp) ? sz.seccomp_notif_resp : sizeof(*resp));
	if (!req || !resp)
		return die("calloc");

	enum { MAX_FDS = 16 };
	struct pollfd p[MAX_FDS + 1] = {{ls, POLLIN, 0}};
	int n_fds = 0, n_conns = 0, open_fds = 0;
	static char state[65536];
	for (;;) {
		if (n_conns > 0 && open_fds == 0)
			break; /* every filtered task is gone */
		if (poll(p, (nfds_t)n_fds + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return die("poll");
		}
		if ((p[0].revents & POLLIN) && n_fds < MAX_FDS) {
			int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
			if (conn < 0)
				return die("accept");
			int nfd;
			if (recv_state(conn, state, sizeof(state), &nfd) < 0)
				return die("recvmsg");
			close(conn);
			char path[4096];
			n_conns++;
			if (n_conns == 1)
				snprintf(path, sizeof(path), "%s", argv[2]);
			else
				snprintf(path, sizeof(path), "%s.%d", argv[2], n_conns);
			FILE *sf = fopen(path, "we");
			if (!sf)
				return die("open state file");
			fprintf(sf, "%s\n", state);
			fclose(sf);
			fprintf(log, "got notify fd %d\n", n_conns);
			p[++n_fds] = (struct pollfd){nfd, POLLIN, 0};
			open_fds++;
		}
		for (int i = 1; i <= n_fds; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if (!(p[i].revents & POLLIN)) { /* POLLHUP: no task uses it any more */
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			memset(req, 0, sz.seccomp_notif);
			if (ioctl(p[i].fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
				if (errno == EINTR || errno == ENOENT)
					continue;
				return die("SECCOMP_IOCTL_NOTIF_RECV");
			}
			int is_mkdir = req->data.nr == SYS_mkdir || req->data.nr == SYS_mkdirat;
			fprintf(log, "notify %s pid=%u\n", is_mkdir ? "mkdir" : "other", req->pid);
			memset(resp, 0, sz.seccomp_notif_resp);
			resp->id = req->id;
			if (!is_mkdir)
				resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			else if (fake)
				resp->val = value;
			else
				resp->error = -(int)value;
			/* ENOENT: the task died or the syscall was interrupted meanwhile */
			if (ioctl(p[i].fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
				return die("SECCOMP_IOCTL_NOTIF_SEND");
		}
	}
	fprintf(log, "done\n");
	return 0;
}
