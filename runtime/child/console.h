/* Terminals: the container's pty (from its own devpts), the console socket
 * protocol of runc, and the foreground proxy of `run` with a terminal. */
#ifndef ISORUN_RUNTIME_CHILD_CONSOLE_H
#define ISORUN_RUNTIME_CHILD_CONSOLE_H

#include <signal.h>

#include "common/error.h"
#include "spec/config.h"

/* Opens the container's /dev/pts/ptmx (verified: devpts, char 5:2), unlocks
 * it, takes the peer with TIOCGPTPEER (no path lookup of /dev/pts/N) and
 * applies consoleSize. Used by init (via console_create) and by exec. */
error *console_open_pty(const struct oci_process *p, int *master_out, int *slave_out);
/* In the child after pivot: opens /dev/pts/ptmx (verified to be the container's
 * devpts ptmx), unlocks it, gets the peer with TIOCGPTPEER, applies consoleSize,
 * bind mounts the slave over /dev/console. */
error *console_create(const struct oci_process *p, int *master_out, int *slave_out);
/* Checks that fd is the ptmx of a devpts instance (f_type DEVPTS_SUPER_MAGIC,
 * char 5:2), not a host device node or file planted by the image. `what`
 * prefixes errors. */
error *console_verify_ptmx(int fd, const char *what);
/* In the child: setsid, TIOCSCTTY on slave, dup2 to 0/1/2. */
error *console_make_controlling(int slave);

/* A connected SOCK_STREAM unix socket to path (close-on-exec) in *out;
 * `what` ("console socket", "pidfd socket") prefixes errors. */
error *unix_socket_connect(const char *what, const char *socket_path, int *out);
/* Connects to the --console-socket path, sends master with SCM_RIGHTS and a
 * non-empty payload, closes; never waits for a reply. */
error *console_send_master(const char *socket_path, int master);
/* Unix socket fd passing used between the runtime processes (SOCK_STREAM or
 * SOCK_SEQPACKET): one sendmsg/recvmsg, retried on EINTR; 0 or -1 + errno.
 * fd_send: fd < 0 sends the payload alone; an empty payload is sent as one
 * NUL byte (a stream needs a data byte to carry SCM_RIGHTS).
 * fd_recv: *len is the buffer size in, bytes received out; *fd_out is the
 * received fd (O_CLOEXEC) or -1 when none came. Errors: ECONNABORTED (peer
 * closed, nothing received), EMSGSIZE (payload or control data truncated),
 * EBADMSG (more than one fd; all of them are closed). */
int fd_send(int sock, int fd, const void *payload, size_t len);
int fd_recv(int sock, int *fd_out, void *payload, size_t *len);

/* Foreground `run` with a terminal: raw mode on our stdin tty, copy both ways
 * between our stdio and master until the container exits (pidfd readable, or
 * without a pidfd: child, our child, seen exited by waitid WNOWAIT),
 * forward SIGWINCH sizes. Restores the tty on return. */
error *console_proxy(int master, pid_t child, int child_pidfd);
/* console_proxy that also forwards, like runc's signal handler while a
 * terminal is attached, every signal in `forward` except SIGCHLD and SIGWINCH
 * to the process (pidfd_send_signal). The caller blocks `forward` before the
 * process starts so none is lost; the proxy never reaps. NULL: forward none. */
error *console_proxy_signals(int master, pid_t child, int child_pidfd, const sigset_t *forward);

#endif
