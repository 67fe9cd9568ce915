/* `exec`: a new process inside a running container. The runtime joins the
 * init's namespaces (pid and time "for children" around clone3, the rest in
 * the child), puts the child in the container's cgroup, and the child applies
 * the process spec (limits, LSM label, seccomp, identity, cwd) and execs. No
 * monitor is left behind: a detached exec returns once the process runs. */
#ifndef ISORUN_RUNTIME_EXEC_H
#define ISORUN_RUNTIME_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "runtime/container.h"

struct exec_opts {
	const char *id;
	/* --process FILE: a full OCI process; the flag form below is ignored. */
	const char *process_path;
	/* Flag form, applied to the container's own process (runc's getProcess). */
	char *const *args; /* required without process_path */
	const char *cwd;
	char *const *env; /* appended */
	bool has_user, has_gid;
	uint32_t uid, gid;
	const uint32_t *additional_gids;
	size_t n_additional_gids;
	char *const *caps; /* added to all five sets */
	bool no_new_privs_set, no_new_privs;
	bool tty;
	const char *apparmor;
	const char *process_label;
	/* Both forms. */
	bool detach;
	const char *pid_file; /* absolute */
	const char *console_socket;
	const char *pidfd_socket; /* receives a pidfd of the exec'd process */
	int preserve_fds;
	bool ignore_paused;
	/* --cgroup, runc's "PATH" or "CONTROLLER[,CONTROLLER]:PATH" forms: the
	 * process joins that existing sub-cgroup of the container's cgroup. */
	char *const *cgroups;
	size_t n_cgroups;
};

/* Runs the process; foreground waits and stores its exit status (128+signal
 * when killed), detached returns after execve with *exit_status 0. Errors use
 * runc's wording ("cannot exec in a stopped container", "unable to start
 * container process: exec: \"foo\": executable file not found in $PATH"). */
error *container_exec(const struct runtime_ctx *rt, const struct exec_opts *o, int *exit_status);

/* Strict `--user uid[:gid]` (CVE-2026-30892 class: "1000abc" or "-1" must not
 * become some other user): decimal digits only, each part < 2^32-1. */
error *exec_parse_user(const char *s, uint32_t *uid, bool *has_gid, uint32_t *gid);

#endif
