/* Foreground `run`/`exec` with a terminal: the runtime sits between the
 * user's terminal and the container's pty master until the process exits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/pidfd.h"
#include "common/util.h"
#include "runtime/child/console.h"

/* Everything the proxy changed about the process, undone in one place so
 * every return path restores the user's terminal and signal mask. */
struct proxy_state {
	bool tty_raw;
	struct termios saved_tio;
	bool mask_set;
	sigset_t saved_mask;
	int sigfd;
	int master_flags; /* -1: untouched */
	int master;
};

static void proxy_restore(struct proxy_state *s)
{
	if (s->tty_raw && tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved_tio) < 0)
		log_warn("terminal: restoring stdin mode: %s", strerror(errno));
	if (s->sigfd >= 0) {
		/* Consume what is still pending (a resize, or a signal meant for a
		 * process that has exited) so unblocking does not deliver it to us. */
		struct signalfd_siginfo si;
		while (read(s->sigfd, &si, sizeof(si)) == sizeof(si))
			;
		close(s->sigfd);
	}
	if (s->mask_set)
		sigprocmask(SIG_SETMASK, &s->saved_mask, NULL);
	if (s->master_flags >= 0)
		fcntl(s->master, F_SETFL, s->master_flags);
}

/* Our terminal's size onto the container's: runc looks at stdin, then the
 * other stdio fds, for a tty. */
static void propagate_winsize(int master)
{
	struct winsize ws;
	for (int fd = 0; fd <= 2; fd++) {
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
			if (ioctl(master, TIOCSWINSZ, &ws) < 0)
				log_debug("terminal: TIOCSWINSZ: %s", strerror(errno));
			return;
		}
	}
}

/* master -> stdout. Returns false once the master is done (EOF, or EIO when
 * every slave fd is closed). */
static bool pump_output(int master, bool *stdout_ok)
{
	char buf[8192];
	ssize_t n = read(master, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (*stdout_ok && write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
		/* Nobody reads our output any more; keep draining so the
		 * container does not block on a full pty. */
		log_debug("terminal: writing stdout: %s", strerror(errno));
		*stdout_ok = false;
	}
	return true;
}

static void drain_output(int master, bool *stdout_ok)
{
	/* The process has exited; what it wrote is already in the pty buffer,
	 * so a non-blocking (the master is by now) read loop ends at EAGAIN/EIO/EOF. Background
	 * processes still holding the slave cannot keep us here. */
	for (int i = 0; i < 4096 && pump_output(master, stdout_ok); i++) {
		struct pollfd p = {master, POLLIN, 0};
		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
			break;
	}
}

static void forward_signal(pid_t pid, int pidfd, unsigned signo)
{
	if (pidfd_or_pid_signal(pidfd, pid, (int)signo) < 0 && errno != ESRCH)
		log_warn("terminal: forwarding signal %u: %s", signo, strerror(errno));
}

error *console_proxy(int master, pid_t child, int child_pidfd)
{
	return console_proxy_signals(master, child, child_pidfd, NULL);
}

/* Takes the complete lines already waiting on a canonical-mode stdin, before it turns raw.
 * An end-of-file typed there (^D, or the one `script` sends when its own input ends) waits
 * in the tty's buffer as a NUL that only a canonical read knows to be a marker: in raw mode
 * it would be read as a real NUL byte, forwarded, and echoed back by the container's pty
 * as a stray "^@" in the output. Read canonically here, the marker is consumed (a read
 * returns 0: stdin EOF, which is not forwarded, as in the loop below); the lines typed
 * ahead are kept in buf and still forwarded. A line not yet ended stays in the tty and is
 * read raw. Returns the bytes put in buf. */
static size_t take_canonical_lines(char *buf, size_t cap)
{
	size_t len = 0;
	/* The tty buffer holds at most 4096 bytes; the bound only guards the loop. */
	for (int i = 0; i < 4096 && len < cap; i++) {
		struct pollfd p = {STDIN_FILENO, POLLIN, 0};
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			break;
		/* Canonical mode and poll said a line (or an EOF) is complete: no block. */
		ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return len;
}

error *console_proxy_signals(int master, pid_t child, int child_pidfd, const sigset_t *forward)
{
	struct proxy_state st = {.sigfd = -1, .master_flags = -1, .master = master};
	error *e = NULL;
	char inbuf[4096];
	size_t in_len = 0, in_off = 0;

	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &st.saved_tio) == 0) {
		if (st.saved_tio.c_lflag & ICANON)
			in_len = take_canonical_lines(inbuf, sizeof(inbuf));
		struct termios raw = st.saved_tio;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0) {
			e = err_errno("terminal: setting stdin to raw mode");
			goto out;
		}
		st.tty_raw = true;
	}

	sigset_t sigs;
	if (forward)
		sigs = *forward;
	else
		sigemptyset(&sigs);
	/* SIGCHLD stays with the caller, which reaps. */
	sigdelset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &sigs, &st.saved_mask) < 0) {
		e = err_errno("terminal: blocking signals");
		goto out;
	}
	st.mask_set = true;
	st.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (st.sigfd < 0) {
		e = err_errno("terminal: signalfd");
		goto out;
	}
	propagate_winsize(master);

	/* Writes to the master must not block while the container is blocked
	 * writing output we would then never read. */
	st.master_flags = fcntl(master, F_GETFL);
	if (st.master_flags < 0 || fcntl(master, F_SETFL, st.master_flags | O_NONBLOCK) < 0) {
		e = err_errno("terminal: fcntl(master)");
		st.master_flags = -1;
		goto out;
	}

	bool stdin_open = true, master_open = true, stdout_ok = true;
	for (;;) {
		enum { P_SIG, P_PID, P_IN, P_MASTER, P_N };
		struct pollfd pfd[P_N] = {
		    [P_SIG] = {st.sigfd, POLLIN, 0},
		    [P_PID] = {child_pidfd, POLLIN, 0},
		    [P_IN] = {stdin_open && in_len == 0 ? STDIN_FILENO : -1, POLLIN, 0},
		    [P_MASTER] = {master_open ? master : -1,
				  (short)(POLLIN | (in_len ? POLLOUT : 0)), 0},
		};
		/* Without a pidfd the child's exit is polled (it is our child). */
		if (poll(pfd, P_N, child_pidfd >= 0 ? -1 : 50) < 0) {
			if (errno == EINTR)
				continue;
			e = err_errno("terminal: poll");
			goto out;
		}
		/* Resizes first: a keystroke typed after a resize must see it. */
		if (pfd[P_SIG].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(st.sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH)
					propagate_winsize(master);
				else
					forward_signal(child, child_pidfd, si.ssi_signo);
			}
		}
		if (pfd[P_IN].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(STDIN_FILENO, inbuf, sizeof(inbuf));
			if (n > 0) {
				in_len = (size_t)n;
				in_off = 0;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				/* Like runc: stdin EOF is not forwarded as a VEOF. */
				stdin_open = false;
			}
		}
		if (pfd[P_MASTER].revents & (POLLIN | POLLHUP | POLLERR))
			master_open = pump_output(master, &stdout_ok);
		if (in_len && master_open) {
			ssize_t n = write(master, inbuf + in_off, in_len);
			if (n > 0) {
				in_off += (size_t)n;
				in_len -= (size_t)n;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				in_len = 0;
				master_open = false;
			}
		}
		if (!master_open)
			in_len = 0;
		if ((pfd[P_PID].revents & (POLLIN | POLLHUP | POLLERR)) ||
		    (child_pidfd < 0 && child_has_exited(child))) {
			if (master_open)
				drain_output(master, &stdout_ok);
			break;
		}
		if (pfd[P_PID].revents & POLLNVAL) {
			e = err_new("terminal: child pidfd %d is not open", child_pidfd);
			goto out;
		}
	}
out:
	proxy_restore(&st);
	return e;
}
