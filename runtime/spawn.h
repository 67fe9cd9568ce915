/* What create, run and exec share when they put a process into a container:
 * clone3 (into a cgroup, with a pidfd), pid/time namespaces joined "for
 * children" around it, the pid file engines read, and the foreground wait
 * that forwards signals. */
#ifndef ISORUN_RUNTIME_SPAWN_H
#define ISORUN_RUNTIME_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* clone3 with CLONE_PIDFD (+ CLONE_INTO_CGROUP when cgroup_fd >= 0). Returns
 * like fork(): 0 in the child, the pid in the parent, -1 with errno. */
pid_t spawn_clone3(uint64_t flags, int cgroup_fd, int *pidfd);

/* pid and time namespaces apply to children only: join them (fds, -1 to
 * skip) before clone3 and restore ours after, so that hooks and helpers the
 * runtime forks later stay outside. saved[2] must go to spawn_restore. */
error *spawn_enter_for_children(int pid_ns_fd, int time_ns_fd, int saved[2]);
error *spawn_restore_for_children(int saved[2]);

/* spawn_clone3 for an unprivileged caller (not root, or root of a user
 * namespace such as rootless podman's): setns into the target pid or time
 * namespace needs CAP_SYS_ADMIN in its owning user namespace (user_ns_fd, -1
 * or ours: stay), and going back to our own needs it in the namespace that
 * owns ours, which we lack. A forked helper joins the user namespace, then
 * pid/time for children, and clones the child with CLONE_PARENT so it is
 * still ours to wait for; the helper exits and we never move. Returns like
 * fork() (the child is in the user namespace already); *pidfd is opened by
 * us. */
pid_t spawn_clone3_in_userns(int user_ns_fd, int pid_ns_fd, int time_ns_fd, int cgroup_fd,
			     int *pidfd);

/* process.oomScoreAdj, given to the child by inheritance: we write our own
 * before the clone. An unprivileged child cannot open its /proc/self files
 * once it is not dumpable (they belong to root then), but it inherits the
 * value; the child's own write then finds it set (runc's nsexec writes it
 * in the process it forks, too). Best effort: raising always works,
 * lowering needs CAP_SYS_RESOURCE and the child reports that. */
void spawn_inherit_oom_score_adj(bool set, long long value);

/* The pid file engines read with Atoi: digits only, no newline, written to a
 * temp file and renamed so a reader never sees half of it (runc). */
error *write_pid_file(const char *path, pid_t pid);

/* --pidfd-socket (runc 1.2+): connected before anything is made, so a bad
 * path fails with nothing to undo; then one message with the process's pidfd
 * (SCM_RIGHTS) and runc's payload, "standard" for an init and "setns" for an
 * exec'd process, the framing of --console-socket. */
error *pidfd_socket_connect(const char *path, int *sock_out);
error *pidfd_socket_send(int sock, const char *path, int pidfd, const char *payload);

/* 128+signal when killed, else the exit status (runc's ExitStatus). */
int wait_status_to_exit_code(int status);

/* Every signal a foreground run/exec forwards (all but synchronous faults). */
void forwarded_signal_set(sigset_t *mask);

/* With mask blocked since before clone3 (so nothing is lost): forwards every
 * signal but SIGCHLD to pidfd and reaps until pid exits. reap_any also reaps
 * other children (run is a subreaper for orphans of the container). */
error *forward_signals_until_exit(pid_t pid, int pidfd, const sigset_t *mask, bool reap_any,
				  int *exit_code);

#endif
