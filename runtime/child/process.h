/* The container process itself: identity, privileges and limits, applied in
 * the child after pivot_root, then execve. Order follows runc. */
#ifndef ISORUN_RUNTIME_CHILD_PROCESS_H
#define ISORUN_RUNTIME_CHILD_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

/* Resolves args[0] against the container's PATH (from process.env, default
 * PATH when absent) after pivot. Error text as runc's:
 * `exec: "foo": executable file not found in $PATH`. */
error *process_find_executable(const struct oci_process *p, char **path_out);

/* Before dropping privileges: rlimits, oomScoreAdj, ioPriority, scheduler,
 * personality, umask, AppArmor/SELinux exec labels (a clear error when asked
 * and the LSM is unavailable). */
error *process_apply_limits(const struct oci_process *p, const struct oci_linux *lnx);

/* After the process joined the container's cgroup: final set (exec's
 * process.execCPUAffinity.final) pins it to those CPUs; NULL or "" resets
 * the affinity inherited from the caller to every CPU the cgroup's cpuset
 * allows (init, and exec without final). */
error *process_apply_cpu_affinity(const char *final);

/* linux.memoryPolicy with set_mempolicy(2), when set. */
error *process_apply_memory_policy(const struct oci_linux *lnx);

/* setgroups/setgid/setuid keeping the capabilities the spec lists, then the
 * five capability sets (inheritable empty unless asked), ambient last. */
error *process_apply_identity(const struct oci_process *p);

/* For a process that gets a seccomp filter: process_apply_identity, except
 * that when the filter needs CAP_SYS_ADMIN to load (no no_new_privs) and the
 * process will not have it, it stays effective until
 * process_finish_identity_after_filter sets the final capability sets (one
 * capset and the ambient prctls, the only runtime syscalls after the filter
 * besides execve; runc makes the same ones). */
error *process_apply_identity_before_filter(const struct oci_process *p);
error *process_finish_identity_after_filter(const struct oci_process *p);
/* Whether loading the filter needs the interim CAP_SYS_ADMIN above. */
bool process_filter_needs_sys_admin(const struct oci_process *p);

/* mkdir -p process.cwd (0755, never through a /proc magic link), as runc
 * does while preparing the rootfs: call it BEFORE the rootfs is made
 * read-only and before masked paths are applied (root.readonly with a cwd
 * missing from the image must work). Silently leaves a component root may
 * not create to process_chdir's retry as the container user. */
error *process_create_cwd(const struct oci_process *p);

/* chdir(cwd), creating it if missing (before dropping privileges is the
 * caller's choice), then getcwd() to verify it is inside the root
 * (CVE-2024-21626). */
error *process_chdir(const struct oci_process *p);

/* no_new_privs when the spec asks. */
error *process_set_no_new_privs(const struct oci_process *p);

/* Marks every fd >= 3 except the keep list close-on-exec, and clears
 * close-on-exec on the kept ones. close_range when it works; when it fails
 * (whatever the errno: an old kernel, or a seccomp profile), by walking
 * /proc/self/fd with fcntl. Call it before loading a seccomp filter; every fd
 * opened afterwards must be O_CLOEXEC. */
error *process_close_fds_on_exec(const int *keep, int n_keep);

/* The environment execve gets, as runc builds it: process.env with repeated
 * keys collapsed (first position, last value) and HOME added when absent
 * (the uid's home in passwd_path, the container's /etc/passwd; "/" when not
 * found). *out is a strv the caller frees. */
error *process_build_env(char *const *env, uid_t uid, const char *passwd_path, char ***out);

/* execve(path, args, process_build_env(env, getuid(), "/etc/passwd"));
 * returns only on failure, with runc's wording: `exec /bin/x: exec format
 * error` (runc prefixes "exec failed: unable to start container process: "). */
error *process_exec(const char *path, const struct oci_process *p);
/* execve with an environment built earlier (process_build_env before the
 * seccomp filter: building it opens /etc/passwd). Same errors. */
error *process_exec_env(const char *path, const struct oci_process *p, char **env);

#endif
