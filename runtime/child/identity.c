/* Who the container process is: supplementary groups, gid, uid, and the
 * capability sets, in the only order that works: bounding set while we still
 * have CAP_SETPCAP, keepcaps across setuid, then capset and ambient. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/child/capabilities.h"
#include "runtime/child/process.h"
#include "runtime/child/process_internal.h"

/* "deny" in /proc/self/setgroups (an unprivileged user namespace) makes
 * setgroups(2) fail with EPERM whatever the list. */
static bool setgroups_denied(void)
{
	_cleanup_close_ int fd = -1;
	error *e = proc_self_open("setgroups", O_RDONLY, &fd);
	if (e) {
		/* Pre-3.19 kernels have no such file: setgroups is allowed. */
		err_free(e);
		return false;
	}
	char buf[16] = {0};
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	return n > 0 && strncmp(buf, "deny", 4) == 0;
}

/* runc's fixStdioPermissions: the process must be able to reopen its own
 * stdio (/dev/stdout, /proc/self/fd/1) after setuid, so stdio not owned by the
 * target uid is chowned to it -- except /dev/null, and failures that only mean
 * "not ours to change" (unmapped owner, read-only /dev) are ignored. */
static error *fix_stdio_owner(uid_t uid)
{
	struct stat null_st;
	if (stat("/dev/null", &null_st) < 0)
		return err_errno("stat /dev/null");
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0) {
			if (errno == EBADF)
				continue;
			return err_errno("fstat stdio fd %d", fd);
		}
		if (st.st_uid == uid || (S_ISCHR(st.st_mode) && st.st_rdev == null_st.st_rdev))
			continue;
		if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM &&
		    errno != EROFS)
			return err_errno("chown stdio fd %d to uid %u", fd, uid);
	}
	return NULL;
}

static error *set_user(const struct oci_user *u)
{
	error *e = fix_stdio_owner(u->uid);
	if (e)
		return e;
	if (setgroups_denied()) {
		if (u->n_additional_gids > 0)
			return err_new("process.user.additionalGids: setgroups is denied in this "
				       "user namespace");
		log_debug("setgroups denied in this user namespace; no additionalGids to set");
	} else if (setgroups(u->n_additional_gids, u->additional_gids) < 0) {
		/* An empty list too: the runtime's own groups must not leak in. */
		return err_errno("process.user.additionalGids: setgroups");
	}
	if (setgid(u->gid) < 0)
		return err_errno("process.user.gid: setgid(%u)", u->gid);
	if (setuid(u->uid) < 0)
		return err_errno("process.user.uid: setuid(%u)", u->uid);
	return NULL;
}

static error *apply_identity(const struct oci_process *p, bool keep_sys_admin)
{
	int last = cap_last_cap();
	struct cap_sets sets;
	caps_compute(&p->capabilities, p->has_capabilities, last, &sets);

	error *e = caps_apply_bounding(&sets, last);
	if (e)
		return e;
	/* Without keepcaps, setuid(0 -> N) empties the permitted set and capset
	 * could not give the listed caps back. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_errno("prctl(PR_SET_KEEPCAPS, 1)");
	if ((e = set_user(&p->user)))
		return e;
	if (process_cwd_deferred && (e = process_chdir_now(p, false)))
		return e;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_errno("prctl(PR_SET_KEEPCAPS, 0)");
	if (keep_sys_admin) {
		/* Still permitted (keepcaps); the bounding set does not limit
		 * capset of the permitted set. No ambient yet: the final capset
		 * after the filter would clear it again. */
		const uint64_t admin = UINT64_C(1) << CAP_SYS_ADMIN;
		struct cap_sets interim = sets;
		interim.effective |= admin;
		interim.permitted |= admin;
		interim.ambient = 0;
		return caps_apply_sets(&interim, last);
	}
	return caps_apply_sets(&sets, last);
}

error *process_apply_identity(const struct oci_process *p)
{
	return apply_identity(p, false);
}

bool process_filter_needs_sys_admin(const struct oci_process *p)
{
	if (p->no_new_privileges)
		return false;
	struct cap_sets sets;
	caps_compute(&p->capabilities, p->has_capabilities, cap_last_cap(), &sets);
	return !(sets.effective & (UINT64_C(1) << CAP_SYS_ADMIN));
}

error *process_apply_identity_before_filter(const struct oci_process *p)
{
	return apply_identity(p, process_filter_needs_sys_admin(p));
}

error *process_finish_identity_after_filter(const struct oci_process *p)
{
	if (!process_filter_needs_sys_admin(p))
		return NULL;
	int last = cap_last_cap();
	struct cap_sets sets;
	caps_compute(&p->capabilities, p->has_capabilities, last, &sets);
	return caps_apply_sets(&sets, last);
}
