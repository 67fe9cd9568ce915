/* Terminals: the container's pty (from its own devpts), the console socket
 * protocol of runc, and the foreground proxy of `run` with a terminal. */
#ifndef ISORUN_RUNTIME_CONSOLE_H
#define ISORUN_RUNTIME_CONSOLE_H

#include "common/error.h"
#include "spec/config.h"

/* In the child after pivot: opens /dev/pts/ptmx (verified to be the container's
 * devpts ptmx), unlocks it, gets the peer with TIOCGPTPEER, applies consoleSize,
 * bind mounts the slave over /dev/console. */
error *console_create(const struct oci_process *p, int *master_out, int *slave_out);
/* In the child: setsid, TIOCSCTTY on slave, dup2 to 0/1/2. */
error *console_make_controlling(int slave);

/* Connects to the --console-socket path, sends master with SCM_RIGHTS and a
 * non-empty payload, closes; never waits for a reply. */
error *console_send_master(const char *socket_path, int master);
/* Unix socket fd passing used between the runtime processes. */
int fd_send(int sock, int fd, const void *payload, size_t len);
int fd_recv(int sock, int *fd_out, void *payload, size_t *len);

/* Foreground `run` with a terminal: raw mode on our stdin tty, copy both ways
 * between our stdio and master until the container exits (pidfd readable),
 * forward SIGWINCH sizes. Restores the tty on return. */
error *console_proxy(int master, int child_pidfd);

#endif
