/* Handing a seccomp notify fd from the process that loaded the filter (init
 * or an exec'd process, inside the container) to the runtime, which passes it
 * to the agent at linux.seccomp.listenerPath. After the load only write(2)
 * and read(2) are used on the child side and the runtime takes the fd with
 * pidfd_getfd, so a profile that notifies on sendmsg/recvmsg cannot deadlock
 * the hand-over. */
#ifndef ISORUN_RUNTIME_CHILD_SECCOMP_HANDOVER_H
#define ISORUN_RUNTIME_CHILD_SECCOMP_HANDOVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "runtime/child/seccomp.h"
#include "runtime/child/sync.h"
#include "spec/config.h"

/* Whether any rule of the profile uses SCMP_ACT_NOTIFY: such a filter is
 * loaded early, while the runtime is still there to take its fd. */
bool seccomp_profile_notifies(const struct oci_seccomp *sc);

/* Child: loads prog; with a notify fd, announces it on sync_fd
 * (SYNC_SECCOMP_FD, remote_fd = its number) and waits until the runtime took it. */
error *seccomp_load_and_hand_over(struct seccomp_program *prog, int sync_fd);

/* Runtime, on SYNC_SECCOMP_FD from the child behind pidfd: takes the fd,
 * releases the child, and sends the runtime-spec container process state
 * (pid, state_json) with the fd to the listener, when one is configured. */
error *seccomp_take_over(const struct sync_msg *msg, int pidfd, int sync_fd,
			 const struct oci_config *cfg, pid_t pid, const char *state_json);

#endif
