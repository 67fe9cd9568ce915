/* Messages between the runtime (parent) and the container init (child) over a
 * SOCK_SEQPACKET socketpair: one message = one header + optional text + at most
 * one fd. Each number has its own field in the header, so a pid is never read
 * as an errno. The child reports errors as SYNC_ERROR with errno, kind and
 * text, so the parent gets exactly the error that was made inside. */
#ifndef ISORUN_RUNTIME_CHILD_SYNC_H
#define ISORUN_RUNTIME_CHILD_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

enum sync_type {
	SYNC_ERROR = 1,	   /* child -> parent: errnum + kind + message; child exits */
	SYNC_NS_READY,	   /* child -> parent: namespaces made, write id maps now */
	SYNC_GO,	   /* parent -> child: continue; pid = host pid of init when
			    * it answers SYNC_NS_READY or SYNC_REPARENT */
	SYNC_RUN_HOOKS,	   /* child -> parent: run prestart + createRuntime hooks */
	SYNC_CONSOLE,	   /* child -> parent: the pty master (fd) */
	SYNC_SECCOMP_FD,   /* child -> parent: remote_fd = the notify fd's number in
			    * the child (taken with pidfd_getfd) */
	SYNC_READY,	   /* child -> parent: set up, about to wait for start */
	SYNC_REPARENT,	   /* child -> parent: pid = the real init (CLONE_PARENT
			    * sibling in a pid namespace made after joining a user ns);
			    * the sender exits, the new init waits for SYNC_GO */
	SYNC_MOUNT_SOURCE, /* parent -> child, before the SYNC_GO that answers
			    * SYNC_NS_READY: fd = bind source of mounts[index],
			    * opened in the child's mount namespace */
};

#define SYNC_TEXT_MAX 8192

/* The wire header. Fields a type does not use are 0. */
struct sync_header {
	uint32_t type;
	int32_t errnum;	   /* SYNC_ERROR: errno of the root cause, 0 if none */
	int32_t kind;	   /* SYNC_ERROR: enum err_kind */
	int32_t pid;	   /* SYNC_GO, SYNC_REPARENT */
	int32_t index;	   /* SYNC_MOUNT_SOURCE: index into mounts[] */
	int32_t remote_fd; /* SYNC_SECCOMP_FD: fd number in the sender */
};

struct sync_msg {
	uint32_t type;
	int32_t errnum, kind, pid, index, remote_fd; /* as in struct sync_header */
	int fd;					     /* received fd or -1 */
	char text[SYNC_TEXT_MAX];
};

/* Sends type with optional text (NULL ok) and fd (-1: none), no numbers. */
error *sync_send(int sock, enum sync_type type, const char *text, int fd);
/* SYNC_GO carrying the init's host pid. */
error *sync_send_go_pid(int sock, pid_t pid);
/* SYNC_REPARENT: pid is the new init. */
error *sync_send_reparent(int sock, pid_t pid);
/* SYNC_MOUNT_SOURCE: fd is the bind source of mounts[index]. */
error *sync_send_mount_source(int sock, size_t index, int fd);
/* SYNC_SECCOMP_FD with write(2) only: after the filter is loaded, sendmsg may
 * be a notified syscall (see seccomp_handover.h). */
error *sync_write_seccomp_fd(int sock, int notify_fd);
/* Child side: sends e (errnum, kind and message) to the parent. Best effort. */
void sync_send_error(int sock, const error *e);

/* Receives one message; EOF (peer gone) is an error with errnum EPIPE. A
 * message or control data that did not fit (MSG_TRUNC, MSG_CTRUNC) or is
 * shorter than the header is an error, and an fd that came with it is closed. */
error *sync_recv(int sock, struct sync_msg *msg);
/* Child side: expects `want`; a SYNC_ERROR or other type is an error. */
error *sync_expect(int sock, enum sync_type want, struct sync_msg *msg);
/* The error a SYNC_ERROR message carries, as it was made in the sender
 * (message, errno and kind). */
error *sync_msg_error(const struct sync_msg *msg);

#endif
