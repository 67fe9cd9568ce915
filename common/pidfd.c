#include "common/pidfd.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"

int pidfd_open_or_none(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0 && errno != ESRCH)
		log_debug("pidfd_open(%d): %s; using the pid", (int)pid, strerror(errno));
	return fd;
}

int pidfd_or_pid_signal(int pidfd, pid_t pid, int sig)
{
	if (pidfd >= 0) {
		if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0)
			return 0;
		/* ESRCH: gone. EINVAL/EPERM with a valid pidfd are real answers
		 * (a bad signal, no permission) unless the call itself is missing
		 * or filtered, which ENOSYS says, or EPERM for a pid we may signal. */
		if (errno != ENOSYS && errno != EPERM)
			return -1;
		int en = errno;
		if (kill(pid, 0) < 0) {
			errno = errno == ESRCH ? ESRCH : en;
			return -1;
		}
	}
	return kill(pid, sig);
}

bool child_has_exited(pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid == pid;
}
