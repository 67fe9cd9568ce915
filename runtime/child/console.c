/* The container's terminal, created inside its own devpts after pivot_root,
 * and runc's --console-socket hand-off of the master. Hardened as runc after
 * CVE-2025-52565: the ptmx is verified and the slave is reached through
 * TIOCGPTPEER, never through a /dev/pts/N path the image could swap. */
#include "runtime/child/console.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

#define PTMX_PATH "/dev/pts/ptmx"
/* What runc 1.1.5 sends as the message payload; go-runc only uses it as the
 * name of the received os.File. */
#define CONSOLE_PAYLOAD "/dev/ptmx"

error *console_verify_ptmx(int fd, const char *what)
{
	struct statfs sfs;
	struct stat st;
	if (fstatfs(fd, &sfs) < 0)
		return err_errno("%s: fstatfs", what);
	if (sfs.f_type != DEVPTS_SUPER_MAGIC)
		return err_new("%s: not on a devpts filesystem (f_type 0x%lx)", what,
			       (unsigned long)sfs.f_type);
	if (fstat(fd, &st) < 0)
		return err_errno("%s: fstat", what);
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
		return err_new("%s: not the ptmx device (expected char 5:2, got %s %u:%u)", what,
			       S_ISCHR(st.st_mode) ? "char" : "non-char", major(st.st_rdev),
			       minor(st.st_rdev));
	return NULL;
}

/* Opens /dev/console below a /dev that must not be a symlink (an image
 * controls it), creating an empty file when missing. Returns an O_PATH fd. */
static error *open_console_target(int *out)
{
	_cleanup_close_ int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dev < 0)
		return err_errno("/dev: open");
	int fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		int c = openat(dev, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			       0666);
		if (c < 0 && errno != EEXIST)
			return err_errno("/dev/console: create");
		if (c >= 0)
			close(c);
		fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return err_errno("/dev/console: open");
	struct stat st;
	if (fstat(fd, &st) < 0) {
		error *e = err_errno("/dev/console: fstat");
		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		close(fd);
		return err_new("/dev/console: refusing to mount over a %s",
			       S_ISLNK(st.st_mode)   ? "symlink"
			       : S_ISDIR(st.st_mode) ? "directory"
						     : "special file");
	}
	*out = fd;
	return NULL;
}

/* Binds the slave (by fd) over /dev/console (by fd): no path of either is
 * resolved again after it was checked. */
static error *bind_console(int slave)
{
	_cleanup_close_ int target = -1;
	error *e = open_console_target(&target);
	if (e)
		return e;
	char src[64], dst[64];
	snprintf(src, sizeof(src), "/proc/self/fd/%d", slave);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", target);
	if (mount(src, dst, NULL, MS_BIND, NULL) == 0)
		return NULL;
	int saved = errno;
	/* Without a /proc in the container the new mount API does the same. */
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, slave, "", OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
	if (tree < 0)
		return err_sys(saved, "/dev/console: bind mount of the pty slave");
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_errno("/dev/console: move_mount of the pty slave");
	return NULL;
}

error *console_open_pty(const struct oci_process *p, int *master_out, int *slave_out)
{
	*master_out = *slave_out = -1;
	_cleanup_close_ int master = open(PTMX_PATH, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return err_errno("terminal: open %s", PTMX_PATH);
	error *e = console_verify_ptmx(master, "terminal: " PTMX_PATH);
	if (e)
		return e;
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return err_errno("terminal: unlockpt");
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return err_errno("terminal: ioctl(TIOCGPTPEER)");
	if (p && p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return err_errno("process.consoleSize: ioctl(TIOCSWINSZ)");
	}
	*master_out = steal_fd(master);
	*slave_out = steal_fd(slave);
	return NULL;
}

error *console_create(const struct oci_process *p, int *master_out, int *slave_out)
{
	_cleanup_close_ int master = -1, slave = -1;
	error *e = console_open_pty(p, &master, &slave);
	if (e)
		return e;
	if ((e = bind_console(slave)))
		return err_wrap(e, "terminal");
	*master_out = steal_fd(master);
	*slave_out = steal_fd(slave);
	return NULL;
}

error *console_make_controlling(int slave)
{
	if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
		return err_errno("terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return err_errno("terminal: ioctl(TIOCSCTTY)");
	for (int fd = 0; fd <= 2; fd++) {
		if (slave == fd) {
			/* dup2 onto itself would keep O_CLOEXEC and lose stdio at exec. */
			if (fcntl(fd, F_SETFD, 0) < 0)
				return err_errno("terminal: fcntl(%d)", fd);
		} else if (dup2(slave, fd) < 0) {
			return err_errno("terminal: dup2 to fd %d", fd);
		}
	}
	return NULL;
}

error *unix_socket_connect(const char *what, const char *socket_path, int *out)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	*out = -1;
	if (!socket_path || !*socket_path)
		return err_new("%s: empty path", what);
	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return err_new("%s %s: path too long for a unix socket", what, socket_path);
	strcpy(addr.sun_path, socket_path);
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return err_errno("%s %s: socket", what, socket_path);
	int rc;
	do
		rc = connect(sock, (struct sockaddr *)&addr, sizeof(addr));
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return err_errno("%s %s: connect", what, socket_path);
	*out = steal_fd(sock);
	return NULL;
}

error *console_send_master(const char *socket_path, int master)
{
	_cleanup_close_ int sock = -1;
	error *e = unix_socket_connect("console socket", socket_path, &sock);
	if (e)
		return e;
	/* One message, then close: the receiver (go-runc) accepts only after we
	 * exit, so nothing here may wait for it. */
	if (fd_send(sock, master, CONSOLE_PAYLOAD, strlen(CONSOLE_PAYLOAD)) < 0)
		return err_errno("console socket %s: sendmsg", socket_path);
	return NULL;
}
