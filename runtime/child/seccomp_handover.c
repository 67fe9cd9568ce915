#include "runtime/child/seccomp_handover.h"

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

bool seccomp_profile_notifies(const struct oci_seccomp *sc)
{
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == OCI_SECCOMP_NOTIFY)
			return true;
	return false;
}

error *seccomp_load_and_hand_over(struct seccomp_program *prog, int sync_fd)
{
	int notify_fd = -1;
	error *e = seccomp_program_load(prog, &notify_fd);
	if (e || notify_fd < 0)
		return e;
	if ((e = sync_write_seccomp_fd(sync_fd, notify_fd))) {
		close(notify_fd);
		return e;
	}
	char ack[sizeof(struct sync_header) + SYNC_TEXT_MAX];
	ssize_t n = read(sync_fd, ack, sizeof(ack));
	close(notify_fd);
	if (n < (ssize_t)sizeof(struct sync_header))
		return err_new("seccomp notify fd: runtime did not take it");
	return NULL;
}

error *seccomp_take_over(const struct sync_msg *msg, int pidfd, int sync_fd,
			 const struct oci_config *cfg, pid_t pid, const char *state_json)
{
	if (pidfd < 0)
		return err_new("seccomp notify fd: no pidfd of the container process (pidfd_open "
			       "unavailable: Linux 5.6 or later needed for a seccomp listener)");
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_getfd, pidfd, msg->remote_fd, 0);
	if (fd < 0)
		return err_errno("seccomp notify fd: pidfd_getfd");
	error *e = sync_send(sync_fd, SYNC_GO, NULL, -1);
	if (e || !cfg->linux_.seccomp.listener_path)
		return e;
	/* runtime-spec's container process state, as runc sends it. */
	_cleanup_free_ char *payload = seccomp_listener_payload(
	    cfg->oci_version, pid, cfg->linux_.seccomp.listener_metadata, state_json);
	if (!payload)
		return err_sys(ENOMEM, "linux.seccomp.listenerPath");
	return seccomp_send_listener(cfg->linux_.seccomp.listener_path, fd, payload);
}
