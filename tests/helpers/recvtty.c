/* recvtty [--no-stdin] [--once] SOCKET_PATH
 *
 * The other end of --console-socket for integration tests (after runc's
 * contrib/cmd/recvtty): listens on SOCKET_PATH, receives the pty master
 * exactly as go-runc does (one recvmsg, 4096-byte buffer, exactly one fd,
 * non-empty payload), then copies master output to stdout until EOF/EIO and,
 * unless --no-stdin, stdin to the master. With --once it exits after the
 * first console; otherwise it accepts the next one.
 *
 * The socket path appears only once it is listening (bound under a temporary
 * name, then renamed), so a test can wait for the file to exist. Nothing but
 * the container's output goes to stdout; diagnostics go to stderr. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {fd, POLLOUT, 0};
			poll(&p, 1, -1);
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int receive_master(int conn)
{
	char buf[4096];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} oob;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = oob.b,
			     .msg_controllen = sizeof(oob.b)};
	ssize_t n;
	do
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		fprintf(stderr, "recvtty: recvmsg: %s\n", strerror(errno));
		return -1;
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (n == 0 || n >= (ssize_t)sizeof(buf) || (msg.msg_flags & MSG_CTRUNC) ||
	    msg.msg_controllen != CMSG_SPACE(sizeof(int)) || !c || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
		fprintf(stderr,
			"recvtty: bad console message (payload %zd bytes, control %zu bytes)\n", n,
			(size_t)msg.msg_controllen);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
			close(fd);
		}
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* Copies until the master reports EOF or EIO (all slave fds closed). */
static void copy_console(int master, bool use_stdin, bool *stdin_open)
{
	char buf[8192];
	for (;;) {
		struct pollfd p[2] = {{master, POLLIN, 0},
				      {use_stdin && *stdin_open ? 0 : -1, POLLIN, 0}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return; /* EOF or EIO */
			if (write_all(1, buf, (size_t)n) < 0)
				die("writing stdout");
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0)
				*stdin_open = false;
			else if (write_all(master, buf, (size_t)n) < 0)
				*stdin_open = false;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: recvtty [--no-stdin] [--once] SOCKET_PATH\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool use_stdin = true, once = false;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-stdin") == 0)
			use_stdin = false;
		else if (strcmp(argv[i], "--once") == 0)
			once = true;
		else if (argv[i][0] == '-' || path)
			usage();
		else
			path = argv[i];
	}
	if (!path)
		usage();
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char tmp[sizeof(addr.sun_path)];
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp)) {
		fprintf(stderr, "recvtty: %s: path too long\n", path);
		return 1;
	}
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* stale socket of an earlier run */
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		die("socket");
	strcpy(addr.sun_path, tmp);
	unlink(tmp);
	if (bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die(tmp);
	if (listen(ls, 16) < 0)
		die("listen");
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		die(path);
	}

	bool stdin_open = use_stdin;
	int rc = 0;
	for (;;) {
		int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		int master = receive_master(conn);
		close(conn);
		if (master < 0) {
			rc = 1;
			if (once)
				break;
			continue;
		}
		copy_console(master, use_stdin, &stdin_open);
		close(master);
		if (once)
			break;
	}
	close(ls);
	unlink(path);
	return rc;
}
