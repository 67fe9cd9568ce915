/* Messages between the runtime (parent) and the container init (child) over a
 * SOCK_SEQPACKET socketpair: one message = one header + optional text + at most
 * one fd. The child reports errors as SYNC_ERROR with errno and text, so the
 * parent can log exactly what failed inside the container. */
#ifndef ISORUN_RUNTIME_CHILD_SYNC_H
#define ISORUN_RUNTIME_CHILD_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum sync_type {
	SYNC_ERROR = 1,	   /* child -> parent: errnum + message; child exits */
	SYNC_NS_READY,	   /* child -> parent: namespaces made, write id maps now */
	SYNC_GO,	   /* parent -> child: continue; text = state JSON for hooks */
	SYNC_RUN_HOOKS,	   /* child -> parent: run prestart + createRuntime hooks */
	SYNC_CONSOLE,	   /* child -> parent: the pty master (fd) */
	SYNC_SECCOMP_FD,   /* child -> parent: seccomp notify fd + container state */
	SYNC_READY,	   /* child -> parent: set up, about to wait for start */
	SYNC_REPARENT,	   /* child -> parent: errnum = pid of the real init (CLONE_PARENT
			    * sibling in a pid namespace made after joining a user ns);
			    * the sender exits, the new init waits for SYNC_GO */
	SYNC_MOUNT_SOURCE, /* parent -> child, before the SYNC_GO that answers
			    * SYNC_NS_READY: fd = bind source of mounts[errnum],
			    * opened in the child's mount namespace */
};

#define SYNC_TEXT_MAX 8192

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	int fd; /* received fd or -1 */
	char text[SYNC_TEXT_MAX];
};

/* Sends type with optional text (NULL ok) and fd (-1: none). */
error *sync_send(int sock, enum sync_type type, int errnum, const char *text, int fd);
/* Receives one message; EOF (peer gone) is an error with errnum EPIPE. */
error *sync_recv(int sock, struct sync_msg *msg);
/* Child side: expects `want`; a SYNC_ERROR or other type is an error. */
error *sync_expect(int sock, enum sync_type want, struct sync_msg *msg);
/* Child side: sends e (errnum + message) to the parent. Best effort. */
void sync_send_error(int sock, const error *e);

#endif
