/* One conversation with `criu swrk FD`: CRIU's RPC over a SOCK_SEQPACKET
 * socketpair, as runc (go-criu) and crun (libcriu) drive it. */
#ifndef ISORUN_RUNTIME_CRIU_SWRK_H
#define ISORUN_RUNTIME_CRIU_SWRK_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroups/cgroups.h"
#include "common/error.h"
#include "runtime/criu_rpc.h"

/* A notification ("post-restore", "orphan-pts-master", ...); fd is the one
 * that came with it (-1 when none; the callee takes it). An error fails the
 * request: CRIU is told, and undoes what it did. */
typedef error *(*criu_notify_fn)(void *arg, const char *script, int pid, int fd);

struct criu_call {
	const char *criu;    /* the binary, from criu_find */
	const int *pass_fds; /* fds the request names (images dir, inherit_fd ...) */
	size_t n_pass_fds;   /* they are inherited by criu with their numbers */
	struct cgroup *cg;   /* when set, criu runs in it (restore) */
	criu_notify_fn notify;
	void *arg;
	bool quiet; /* criu's stdout/stderr to /dev/null (CHECK prints "Looks good.") */
};

/* The criu binary: a path as given, else looked up in $PATH. ENOENT: "criu is
 * not installed" (the message names what was looked for). */
error *criu_find(const char *flag, char **path_out);

/* Sends req, answers notifications, returns the final response (which may
 * say success=false: the caller words that). */
error *criu_call(const struct criu_call *c, const struct criu_req *req, struct criu_resp *resp);

/* The first "Error (...)" line of a criu log in dirfd, without its prefix;
 * NULL when there is none. For messages that say what failed. */
char *criu_log_first_error(int dirfd, const char *log);

#endif
