/* Helpers shared by the runtime/process*.c family; not an interface for other
 * folders (they use runtime/process.h). */
#ifndef ISORUN_RUNTIME_CHILD_PROCESS_INTERNAL_H
#define ISORUN_RUNTIME_CHILD_PROCESS_INTERNAL_H

#include <stdbool.h>

#include "common/error.h"
#include "common/util.h"
#include "spec/config.h"

/* Opens /proc/self/<rel> through a verified procfs: /proc itself and the
 * final file must be on a procfs (fstatfs), and the walk may not cross a
 * mount or a magic link (CVE-2019-16884 class: a fake /proc from the image).
 * Returns the fd (O_CLOEXEC) or an error naming the path. */
error *proc_self_open(const char *rel, int flags, int *fd_out);
/* Writes data to /proc/self/<rel> opened with proc_self_open. */
error *proc_self_write(const char *rel, const char *data);

/* AppArmor/SELinux exec labels (runtime/lsm.c), only when set. */
error *lsm_apply_exec_labels(const struct oci_process *p);

/* rlimits, oomScoreAdj, ioPriority, scheduler, personality, umask
 * (runtime/limits.c). */
error *limits_apply(const struct oci_process *p, const struct oci_linux *lnx);

/* Set by process_chdir when root could not enter cwd (EACCES/EPERM, e.g. a
 * volume owned by the container user under root_squash): process_apply_identity
 * retries after setuid, as runc does. */
extern bool process_cwd_deferred;
/* chdir to p->cwd and verify it (shared by process_chdir and the retry). */
error *process_chdir_now(const struct oci_process *p, bool allow_defer);

#endif
