/* Process handles with a fallback. A pidfd names one process for good, so a
 * signal cannot reach a stranger that got a reused pid; but pidfd_open and
 * pidfd_send_signal are Linux 5.1/5.3, and a caller's seccomp profile may deny
 * them (older Docker and Podman profiles answer EPERM, a 5.2-era one ENOSYS).
 * runc uses plain pids with a start-time check. So: a pidfd where there is
 * one, else the pid; callers that signal a process which is not their own
 * unreaped child check its start time first (pid_matches in runtime/state). */
#ifndef ISORUN_COMMON_PIDFD_H
#define ISORUN_COMMON_PIDFD_H

#include <stdbool.h>
#include <sys/types.h>

/* A pidfd of pid, or -1: with errno ESRCH when pid does not exist, any other
 * errno when this kernel or this caller has no pidfds (use the pid). */
int pidfd_open_or_none(pid_t pid);

/* sig to the process behind pidfd, or to pid where pidfd is -1 or the
 * kernel/profile refuses pidfd_send_signal. 0, or -1 with errno. */
int pidfd_or_pid_signal(int pidfd, pid_t pid, int sig);

/* Whether our child pid has exited (a zombie counts), without reaping it. */
bool child_has_exited(pid_t pid);

#endif
