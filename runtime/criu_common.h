/* What checkpoint and restore share: the image and work dirs, the bind mounts
 * CRIU must treat as external, and the words for a failed request. */
#ifndef ISORUN_RUNTIME_CRIU_COMMON_H
#define ISORUN_RUNTIME_CRIU_COMMON_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/container.h"
#include "runtime/criu_swrk.h"
#include "spec/config.h"

struct criu_dirs {
	int images_fd, work_fd;
	char *work_path; /* for messages */
};
/* Opens (create: makes, 0700, as runc) the image dir and the work dir. */
error *criu_dirs_open(const struct criu_flags *f, bool create, struct criu_dirs *d);
void criu_dirs_close(struct criu_dirs *d);

/* A bind mount of the config (type "bind" or a bind/rbind option). */
bool criu_mount_is_bind(const struct oci_mount *m);

/* The error for a request CRIU answered with success=false: when CRIU's own
 * check fails too, the kernel (or CRIU) lacks something, and the message says
 * what ("this kernel lacks what criu needs: vdso: ... (criu check)");
 * otherwise CRIU's errno and the first error of its log. */
error *criu_failure(const struct criu_call *call, const struct criu_dirs *d, const char *log,
		    const struct criu_resp *resp, const char *what);

/* FEATURE_CHECK for --pre-dump (memory tracking) and --lazy-pages. */
error *criu_need_features(const struct criu_call *call, const struct criu_dirs *d, bool mem_track,
			  bool lazy_pages);

#endif
