/* runtime/console and runtime/fdpass: fd passing, runc's console-socket
 * message as go-runc receives it, console_create in a private mount
 * namespace with its own devpts (root only), and the foreground proxy. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "common/util.h"
#include "runtime/child/console.h"
#include "tests/unit/unit.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int wait_status(pid_t pid)
{
	int st = -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static bool exited_ok(int st)
{
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		printf("#   child status 0x%x (exit %d, signal %d)\n", st,
		       WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A host pty pair from /dev/ptmx; the slave through TIOCGPTPEER. */
static int host_pty(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || unlockpt(m) < 0)
		return -1;
	*slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return m;
}

/* Reads from fd until `want` shows up in what was read, or timeout_ms. */
static bool read_until(int fd, const char *want, char *acc, size_t cap, int timeout_ms)
{
	size_t len = strlen(acc);
	while (!strstr(acc, want)) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		ssize_t n = read(fd, acc + len, cap - 1 - len);
		if (n <= 0)
			return false;
		len += (size_t)n;
		acc[len] = 0;
	}
	return true;
}

/* ---- fd_send / fd_recv ---- */

static void roundtrip(int type)
{
	int sp[2], pp[2];
	CHECK(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sp) == 0);
	CHECK(pipe2(pp, O_CLOEXEC) == 0);
	CHECK(fd_send(sp[0], pp[1], "hello", 5) == 0);
	char buf[64];
	size_t len = sizeof(buf);
	int fd = -1;
	CHECK(fd_recv(sp[1], &fd, buf, &len) == 0);
	CHECK(len == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(fd >= 0 && fd != pp[1]);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(read(pp[0], buf, 1) == 1 && buf[0] == 'x');
	close(fd);

	/* Empty payload: one NUL byte carries the fd. */
	CHECK(fd_send(sp[0], pp[1], NULL, 0) == 0);
	len = sizeof(buf);
	CHECK(fd_recv(sp[1], &fd, buf, &len) == 0);
	CHECK(len == 1 && buf[0] == 0 && fd >= 0);
	close(fd);

	/* Payload alone. */
	CHECK(fd_send(sp[0], -1, "abc", 3) == 0);
	len = sizeof(buf);
	CHECK(fd_recv(sp[1], &fd, buf, &len) == 0);
	CHECK(len == 3 && fd == -1);

	/* Two fds in one message: refused, none leaks. */
	int two[2] = {pp[0], pp[1]};
	union {
		char b[CMSG_SPACE(sizeof(two))];
		struct cmsghdr a;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {"z", 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(two));
	memcpy(CMSG_DATA(c), two, sizeof(two));
	CHECK(sendmsg(sp[0], &msg, 0) == 1);
	int probe = dup(0);
	close(probe);
	len = sizeof(buf);
	errno = 0;
	CHECK(fd_recv(sp[1], &fd, buf, &len) == -1 && errno == EBADMSG);
	int after = dup(0);
	CHECK(after == probe); /* the two received fds were closed again */
	close(after);

	/* Peer closed. */
	close(sp[0]);
	len = sizeof(buf);
	errno = 0;
	CHECK(fd_recv(sp[1], &fd, buf, &len) == -1 && errno == ECONNABORTED);
	close(sp[1]);
	close(pp[0]);
	close(pp[1]);
}

static void test_fdpass_stream(void)
{
	roundtrip(SOCK_STREAM);
}

static void test_fdpass_seqpacket(void)
{
	roundtrip(SOCK_SEQPACKET);
}

/* ---- console socket ---- */

static int listen_unix(const char *path)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	strcpy(a.sun_path, path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 4) < 0)
		return -1;
	return s;
}

/* go-runc socket.go ReceiveMaster, step by step. */
static int go_runc_receive(int conn, char *name, size_t name_cap)
{
	char buf[4096];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr a;
	} oob;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = oob.b,
			     .msg_controllen = sizeof(oob.b)};
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0 || n >= 4096) /* payload must be non-empty, < 4096 */
		return -1;
	if (msg.msg_controllen != CMSG_SPACE(sizeof(int)))
		return -2;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)) || CMSG_NXTHDR(&msg, c))
		return -3;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	snprintf(name, name_cap, "%.*s", (int)n, buf);
	return fd;
}

static void test_console_send_master(void)
{
	char dir[] = "/tmp/isorun-console-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof(path), "%s/pty.sock", dir);
	_cleanup_close_ int ls = listen_unix(path);
	CHECK(ls >= 0);
	_cleanup_close_ int slave = -1;
	_cleanup_close_ int master = host_pty(&slave);
	CHECK(master >= 0 && slave >= 0);

	/* Like containerd: the runtime sends and returns before anyone accepts. */
	CHECK_OK(console_send_master(path, master));
	close(steal_fd(master));

	_cleanup_close_ int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	CHECK(conn >= 0);
	char name[4096] = "";
	_cleanup_close_ int got = go_runc_receive(conn, name, sizeof(name));
	CHECK(got >= 0);
	CHECK_STR(name, "/dev/ptmx");
	/* The sender closed its end: no second message, EOF. */
	char b;
	CHECK(read(conn, &b, 1) == 0);
	if (got >= 0) {
		CHECK(write(slave, "hi there\n", 9) == 9);
		char acc[256] = "";
		CHECK(read_until(got, "hi there", acc, sizeof(acc), 5000));
		int ptn = -1;
		CHECK(ioctl(got, TIOCGPTN, &ptn) == 0 && ptn >= 0);
	}
	CHECK_ERR(console_send_master("/nonexistent/isorun/pty.sock", 0),
		  "console socket /nonexistent/isorun/pty.sock: connect: No such file or "
		  "directory");
	unlink(path);
	rmdir(dir);
}

/* ---- console_create (root) ---- */

/* A minimal container root: tmpfs with its own devpts (and proc when
 * with_proc), entered with chroot in a private mount namespace. */
static int enter_fake_root(const char *dir, bool with_proc, bool plant_ptmx)
{
	char p[256];
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 1;
	if (mount("tmpfs", dir, "tmpfs", 0, "mode=0755") < 0)
		return 2;
	snprintf(p, sizeof(p), "%s/dev", dir);
	if (mkdir(p, 0755) < 0)
		return 3;
	snprintf(p, sizeof(p), "%s/dev/pts", dir);
	if (mkdir(p, 0755) < 0)
		return 4;
	if (plant_ptmx) {
		/* /dev/pts is not the container's devpts but a plain directory
		 * with a 5:2 node, next to a "pts" the kernel resolves that node
		 * against (here another devpts; in an attack the host's). The
		 * open works, so only the check can refuse it. */
		snprintf(p, sizeof(p), "%s/dev/pts/ptmx", dir);
		if (mknod(p, S_IFCHR | 0666, makedev(5, 2)) < 0)
			return 5;
		snprintf(p, sizeof(p), "%s/dev/pts/pts", dir);
		if (mkdir(p, 0755) < 0 ||
		    mount("devpts", p, "devpts", 0, "newinstance,ptmxmode=0666") < 0)
			return 9;
	} else if (mount("devpts", p, "devpts", 0, "newinstance,ptmxmode=0666,mode=0620") < 0) {
		return 6;
	}
	if (with_proc) {
		snprintf(p, sizeof(p), "%s/proc", dir);
		if (mkdir(p, 0555) < 0 || mount("proc", p, "proc", 0, NULL) < 0)
			return 7;
	}
	if (chroot(dir) < 0 || chdir("/") < 0)
		return 8;
	return 0;
}

static int create_child(const char *dir, bool with_proc)
{
	int rc = enter_fake_root(dir, with_proc, false);
	if (rc)
		return 10 + rc;
	struct oci_process proc = {
	    .terminal = true, .has_console_size = true, .console_height = 30, .console_width = 100};
	int master = -1, slave = -1;
	error *e = console_create(&proc, &master, &slave);
	if (e) {
		printf("#   console_create: %s\n", err_msg(e));
		return 20;
	}
	if (!(fcntl(master, F_GETFD) & FD_CLOEXEC) || !(fcntl(slave, F_GETFD) & FD_CLOEXEC))
		return 21;
	struct winsize ws;
	if (ioctl(slave, TIOCGWINSZ, &ws) < 0 || ws.ws_row != 30 || ws.ws_col != 100)
		return 22;
	struct stat cs, ss;
	if (stat("/dev/console", &cs) < 0 || fstat(slave, &ss) < 0 || !S_ISCHR(cs.st_mode) ||
	    cs.st_rdev != ss.st_rdev)
		return 23;
	int ptn = -1;
	char path[64];
	if (ioctl(master, TIOCGPTN, &ptn) < 0)
		return 24;
	snprintf(path, sizeof(path), "/dev/pts/%d", ptn);
	if (stat(path, &cs) < 0 || cs.st_rdev != ss.st_rdev)
		return 25;
	/* The process side: a new session with the slave as controlling tty. */
	pid_t pid = fork();
	if (pid == 0) {
		if (console_make_controlling(slave))
			_exit(1);
		if (getsid(0) != getpid() || tcgetsid(0) != getpid())
			_exit(2);
		if (!isatty(0) || !isatty(1) || !isatty(2) || (fcntl(1, F_GETFD) & FD_CLOEXEC))
			_exit(3);
		dprintf(1, "from the container\n");
		_exit(0);
	}
	close(slave);
	char acc[256] = "";
	if (!read_until(master, "from the container", acc, sizeof(acc), 5000))
		return 26;
	if (!exited_ok(wait_status(pid)))
		return 27;
	close(master);
	return 0;
}

static int refuse_child(const char *dir)
{
	int rc = enter_fake_root(dir, true, true);
	if (rc)
		return 10 + rc;
	int m = -1, s = -1;
	error *e = console_create(NULL, &m, &s);
	if (!e)
		return 30;
	bool ok = strcmp(err_msg(e), "terminal: /dev/pts/ptmx: not on a devpts filesystem (f_type "
				     "0x1021994)") == 0;
	if (!ok)
		printf("#   got: %s\n", err_msg(e));
	err_free(e);
	return ok && m < 0 && s < 0 ? 0 : 31;
}

static int symlink_console_child(const char *dir)
{
	int rc = enter_fake_root(dir, true, false);
	if (rc)
		return 10 + rc;
	if (symlink("/etc/passwd", "/dev/console") < 0)
		return 40;
	int m = -1, s = -1;
	error *e = console_create(NULL, &m, &s);
	if (!e)
		return 41;
	bool ok =
	    strcmp(err_msg(e), "terminal: /dev/console: refusing to mount over a symlink") == 0;
	if (!ok)
		printf("#   got: %s\n", err_msg(e));
	err_free(e);
	return ok ? 0 : 42;
}

static void in_child(int (*fn)(const char *), const char *dir)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(20);
		int rc = fn(dir);
		fflush(stdout);
		_exit(rc);
	}
	CHECK(exited_ok(wait_status(pid)));
}

static int with_proc(const char *d)
{
	return create_child(d, true);
}
static int without_proc(const char *d)
{
	return create_child(d, false);
}

static void test_console_create(void)
{
	char dir[] = "/tmp/isorun-croot-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	in_child(with_proc, dir);
	in_child(without_proc, dir); /* bind via open_tree/move_mount */
	in_child(refuse_child, dir);
	in_child(symlink_console_child, dir);
	CHECK(rmdir(dir) == 0); /* every mount was in the children's namespaces */
}

static void test_verify_ptmx(void)
{
	/* Host side checks that need no root: the real devpts ptmx passes, a
	 * regular file and /dev/null do not. */
	_cleanup_close_ int ptmx = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (ptmx >= 0)
		CHECK_OK(console_verify_ptmx(ptmx, "/dev/pts/ptmx"));
	_cleanup_close_ int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(null >= 0);
	error *e = console_verify_ptmx(null, "/dev/null");
	CHECK(e && strstr(err_msg(e), "/dev/null: not on a devpts filesystem") == err_msg(e));
	err_free(e);
	char f[] = "/tmp/isorun-ptmx-XXXXXX";
	_cleanup_close_ int reg = mkostemp(f, O_CLOEXEC);
	CHECK(reg >= 0);
	e = console_verify_ptmx(reg, "file");
	CHECK(e && strstr(err_msg(e), "file: not on a devpts filesystem") == err_msg(e));
	err_free(e);
	unlink(f);
}

/* ---- console_proxy ---- */

/* The container: a session on the pty slave that reports its window size on
 * each line it reads, then exits. */
static void container_proc(int slave, int lines)
{
	if (console_make_controlling(slave))
		_exit(90);
	char line[128];
	for (int i = 0; i < lines; i++) {
		ssize_t n = read(0, line, sizeof(line) - 1);
		if (n <= 0)
			_exit(91);
		line[n] = 0;
		line[strcspn(line, "\r\n")] = 0;
		struct winsize ws = {0};
		ioctl(0, TIOCGWINSZ, &ws);
		dprintf(1, "got %s rows=%d cols=%d\n", line, ws.ws_row, ws.ws_col);
	}
	dprintf(1, "bye\n");
	_exit(0);
}

/* The runtime side: stdin is a tty (user_slave), stdout a pipe. */
static int proxy_proc(int user_slave, int out, int lines)
{
	if (setsid() < 0 || ioctl(user_slave, TIOCSCTTY, 0) < 0)
		return 80;
	if (dup2(user_slave, 0) < 0 || dup2(out, 1) < 0)
		return 81;
	struct termios before, after;
	if (tcgetattr(0, &before) < 0)
		return 82;
	int cs = -1;
	int cm = host_pty(&cs);
	if (cm < 0 || cs < 0)
		return 83;
	pid_t pid = fork();
	if (pid == 0)
		container_proc(cs, lines);
	close(cs);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return 84;
	error *e = console_proxy(cm, pid, pidfd);
	if (e) {
		dprintf(2, "# console_proxy: %s\n", err_msg(e));
		return 85;
	}
	if (tcgetattr(0, &after) < 0 || memcmp(&before, &after, sizeof(before)) != 0)
		return 86; /* raw mode not undone */
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	if (sigismember(&cur, SIGWINCH))
		return 87;
	int st = wait_status(pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 88;
}

static void test_console_proxy(void)
{
	int us = -1;
	_cleanup_close_ int um = host_pty(&us);
	CHECK(um >= 0 && us >= 0);
	struct winsize ws = {.ws_row = 40, .ws_col = 120};
	CHECK(ioctl(um, TIOCSWINSZ, &ws) == 0);
	int out[2];
	CHECK(pipe2(out, O_CLOEXEC) == 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(20);
		_exit(proxy_proc(us, out[1], 2));
	}
	close(us);
	close(out[1]);
	char acc[4096] = "";
	CHECK(write(um, "ping\n", 5) == 5);
	CHECK(read_until(out[0], "got ping rows=40 cols=120", acc, sizeof(acc), 5000));
	/* A resize of the user's terminal reaches the container (SIGWINCH). */
	ws = (struct winsize){.ws_row = 50, .ws_col = 132};
	CHECK(ioctl(um, TIOCSWINSZ, &ws) == 0);
	CHECK(write(um, "pong\n", 5) == 5);
	CHECK(read_until(out[0], "got pong rows=50 cols=132", acc, sizeof(acc), 5000));
	CHECK(read_until(out[0], "bye", acc, sizeof(acc), 5000));
	CHECK(exited_ok(wait_status(pid)));
	close(out[0]);
}

/* with_pidfd false: the fallback for kernels and callers without pidfds. */
static int proxy_no_tty(int out, bool with_pidfd)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0)
		return 70;
	int cs = -1;
	int cm = host_pty(&cs);
	if (cm < 0 || cs < 0)
		return 71;
	pid_t pid = fork();
	if (pid == 0) {
		if (console_make_controlling(cs))
			_exit(90);
		/* More than one pty buffer of output, then exit at once: all of it
		 * must come out after the pidfd turns readable. */
		char line[100];
		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\n';
		for (int i = 0; i < 200; i++)
			if (write(1, line, sizeof(line)) != sizeof(line))
				_exit(92);
		dprintf(1, "the end\n");
		_exit(0);
	}
	close(cs);
	int pidfd = with_pidfd ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	error *e = console_proxy(cm, pid, pidfd);
	if (e)
		return 72;
	return exited_ok(wait_status(pid)) ? 0 : 73;
}

static void console_proxy_no_tty(bool with_pidfd)
{
	int out[2];
	CHECK(pipe2(out, O_CLOEXEC) == 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(20);
		_exit(proxy_no_tty(out[1], with_pidfd));
	}
	close(out[1]);
	static char acc[65536];
	acc[0] = 0;
	CHECK(read_until(out[0], "the end", acc, sizeof(acc), 5000));
	size_t xs = 0;
	for (char *p = acc; *p; p++)
		xs += *p == 'x';
	CHECK(xs == 200 * 99);
	CHECK(exited_ok(wait_status(pid)));
	close(out[0]);
}

/* A signal to the runtime during a terminal session reaches the container
 * process; SIGTERM's default action ends it and the proxy returns. */
static int proxy_signals_proc(int out, bool with_pidfd)
{
	sigset_t fwd, old;
	sigfillset(&fwd);
	sigdelset(&fwd, SIGSEGV);
	sigdelset(&fwd, SIGABRT);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0)
		return 60;
	int cs = -1;
	int cm = host_pty(&cs);
	if (cm < 0 || cs < 0)
		return 61;
	pid_t pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (console_make_controlling(cs))
			_exit(90);
		dprintf(1, "waiting\n");
		pause();
		_exit(93);
	}
	close(cs);
	int pidfd = with_pidfd ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	error *e = console_proxy_signals(cm, pid, pidfd, &fwd);
	if (e)
		return 62;
	int st = wait_status(pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		return 63;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	/* The caller's mask is back: still blocked, as it was before. */
	return sigismember(&cur, SIGTERM) && sigismember(&cur, SIGWINCH) ? 0 : 64;
}

static void console_proxy_signals_to(bool with_pidfd)
{
	int out[2];
	CHECK(pipe2(out, O_CLOEXEC) == 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(20);
		_exit(proxy_signals_proc(out[1], with_pidfd));
	}
	close(out[1]);
	char acc[1024] = "";
	CHECK(read_until(out[0], "waiting", acc, sizeof(acc), 5000));
	CHECK(kill(pid, SIGTERM) == 0);
	CHECK(exited_ok(wait_status(pid)));
	close(out[0]);
}

static void test_console_proxy_no_tty(void)
{
	console_proxy_no_tty(true);
}

static void test_console_proxy_no_tty_no_pidfd(void)
{
	console_proxy_no_tty(false);
}

static void test_console_proxy_signals(void)
{
	console_proxy_signals_to(true);
}

static void test_console_proxy_signals_no_pidfd(void)
{
	console_proxy_signals_to(false);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_fdpass_stream);
	RUN_TEST(test_fdpass_seqpacket);
	RUN_TEST(test_console_send_master);
	RUN_TEST(test_verify_ptmx);
	if (geteuid() == 0)
		RUN_TEST(test_console_create);
	else
		SKIP_TEST(test_console_create, "needs root");
	RUN_TEST(test_console_proxy);
	RUN_TEST(test_console_proxy_no_tty);
	RUN_TEST(test_console_proxy_no_tty_no_pidfd);
	RUN_TEST(test_console_proxy_signals);
	RUN_TEST(test_console_proxy_signals_no_pidfd);
	UNIT_MAIN_END();
}
