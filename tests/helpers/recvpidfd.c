/* recvpidfd SOCKET_PATH
 *
 * The other end of --pidfd-socket for integration tests: listens on
 * SOCKET_PATH (bound under a temporary name, then renamed, so a test can wait
 * for the file), accepts one connection, receives exactly one fd the way
 * go-runc receives the console master (one recvmsg, 4096-byte buffer, one
 * SCM_RIGHTS fd, non-empty payload), and prints what it got:
 *   payload <text>
 *   pid <the Pid: line of /proc/self/fdinfo/<fd>>
 *   signal0 ok|<error>      (pidfd_send_signal(fd, 0): the fd is a live pidfd)
 * Then it exits 0; 1 on any protocol error (diagnostics on stderr). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvpidfd: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: recvpidfd SOCKET_PATH\n");
		return 2;
	}
	const char *path = argv[1];
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char tmp[sizeof(addr.sun_path)];
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp)) {
		fprintf(stderr, "recvpidfd: %s: path too long\n", path);
		return 1;
	}
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		return die("socket");
	strcpy(addr.sun_path, tmp);
	unlink(tmp);
	if (bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return die(tmp);
	if (listen(ls, 4) < 0)
		return die("listen");
	if (rename(tmp, path) < 0)
		return die(path);
	int conn;
	do
		conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		return die("accept");

	char buf[4096];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} oob;
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = oob.b,
			     .msg_controllen = sizeof(oob.b)};
	ssize_t n;
	do
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return die("recvmsg");
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (n == 0 || (msg.msg_flags & MSG_CTRUNC) ||
	    msg.msg_controllen != CMSG_SPACE(sizeof(int)) || !c || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
		fprintf(stderr, "recvpidfd: bad message (payload %zd bytes, control %zu bytes)\n",
			n, (size_t)msg.msg_controllen);
		return 1;
	}
	buf[n] = '\0';
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));

	char info[64], line[256];
	snprintf(info, sizeof(info), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(info, "re");
	if (!f)
		return die(info);
	const char *pid = "none";
	static char pidbuf[64];
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Pid:", 4)) {
			snprintf(pidbuf, sizeof(pidbuf), "%s", line + 4 + strspn(line + 4, " \t"));
			pidbuf[strcspn(pidbuf, "\n")] = '\0';
			pid = pidbuf;
		}
	}
	fclose(f);
	long rc = syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0);
	printf("payload %s\npid %s\nsignal0 %s\n", buf, pid, rc == 0 ? "ok" : strerror(errno));
	close(fd);
	close(conn);
	close(ls);
	unlink(path);
	return 0;
}
