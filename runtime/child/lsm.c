/* Verified /proc/self access and the AppArmor/SELinux exec labels. A malicious
 * image can put a fake /proc (tmpfs, symlink, bind mount over attr/) in the
 * rootfs; label writes that land there silently leave the container
 * unconfined (CVE-2019-16884, CVE-2019-19921, CVE-2025-52881). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "runtime/child/process_internal.h"

static bool is_procfs(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* Both fds on one mount; false when the kernel cannot tell (< 5.8), which
 * the caller treats as a refusal. */
static bool same_mount(int a, int b)
{
	struct statx sa, sb;
	if (statx(a, "", AT_EMPTY_PATH, STATX_MNT_ID, &sa) < 0 ||
	    statx(b, "", AT_EMPTY_PATH, STATX_MNT_ID, &sb) < 0)
		return false;
	if (!(sa.stx_mask & STATX_MNT_ID) || !(sb.stx_mask & STATX_MNT_ID))
		return false;
	return sa.stx_mnt_id == sb.stx_mnt_id;
}

error *proc_self_open(const char *rel, int flags, int *fd_out)
{
	*fd_out = -1;
	_cleanup_free_ char *sub = str_printf("self/%s", rel);
	if (!sub)
		return err_sys(ENOMEM, "open /proc/self/%s", rel);
	_cleanup_close_ int procfd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (procfd < 0)
		return err_errno("open /proc");
	if (!is_procfs(procfd))
		return err_new("open /proc/self/%s: /proc is not a procfs mount", rel);

	/* No mount crossing (a bind over attr/exec) and no magic links; "self"
	 * itself is an ordinary symlink within the same mount. */
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
	    .resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, procfd, sub, &how, sizeof(how));
	bool fallback = false;
	if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* No openat2 (old kernel, or a seccomp profile loaded early that
		 * refuses it): plain openat crosses mounts, so check below that
		 * the file is on the very mount /proc is. */
		fd = openat(procfd, sub, flags | O_CLOEXEC | O_NOFOLLOW);
		fallback = true;
	}
	if (fd < 0)
		return err_errno("open /proc/self/%s", rel);
	if (fallback && !same_mount(procfd, fd))
		return err_new(
		    "open /proc/self/%s: crosses a mount over /proc (or the mount cannot "
		    "be checked)",
		    rel);
	if (!is_procfs(fd))
		return err_new("open /proc/self/%s: not on procfs", rel);
	*fd_out = steal_fd(fd);
	return NULL;
}

error *proc_self_write(const char *rel, const char *data)
{
	_cleanup_close_ int fd = -1;
	error *e = proc_self_open(rel, O_WRONLY, &fd);
	if (e)
		return e;
	/* attr files take the label in one write; a short write is a failure. */
	ssize_t n = write(fd, data, strlen(data));
	if (n < 0)
		return err_errno("write /proc/self/%s", rel);
	if ((size_t)n != strlen(data))
		return err_new("write /proc/self/%s: short write", rel);
	return NULL;
}

/* Reads attr/<rel>; NULL content with errno when the LSM refuses. */
static int proc_self_read(const char *rel, char *buf, size_t len)
{
	_cleanup_close_ int fd = -1;
	error *e = proc_self_open(rel, O_RDONLY, &fd);
	if (e) {
		int en = err_errnum(e) ? err_errnum(e) : EINVAL;
		err_free(e);
		return -en;
	}
	ssize_t n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* AppArmor answers attr/apparmor/current (5.8+) or, as the major LSM,
 * attr/current with "unconfined" or "name (mode)"; without it the read
 * fails with EINVAL (no LSM) or ENOENT (no apparmor dir). */
static bool apparmor_enabled(bool *per_lsm_dir)
{
	char buf[256];
	*per_lsm_dir = false;
	if (proc_self_read("attr/apparmor/current", buf, sizeof(buf)) == 0) {
		*per_lsm_dir = true;
		return true;
	}
	if (proc_self_read("attr/current", buf, sizeof(buf)) != 0)
		return false;
	/* SELinux contexts look like user:role:type[:level]. */
	return strchr(buf, ':') == NULL && buf[0] != '\0';
}

static bool selinux_enabled(void)
{
	char buf[256];
	if (proc_self_read("attr/current", buf, sizeof(buf)) != 0)
		return false;
	/* "kernel" is SELinux's label before policy load, i.e. disabled. */
	return strchr(buf, ':') != NULL;
}

error *lsm_apply_exec_labels(const struct oci_process *p)
{
	if (p->apparmor_profile && p->apparmor_profile[0]) {
		bool per_lsm_dir;
		if (!apparmor_enabled(&per_lsm_dir))
			return err_new(
			    "process.apparmorProfile: AppArmor is not enabled on this host");
		_cleanup_free_ char *cmd = str_printf("exec %s", p->apparmor_profile);
		if (!cmd)
			return err_sys(ENOMEM, "process.apparmorProfile");
		error *e = proc_self_write(per_lsm_dir ? "attr/apparmor/exec" : "attr/exec", cmd);
		if (e)
			return err_wrap(e, "process.apparmorProfile (%s)", p->apparmor_profile);
		log_debug("apparmor exec profile %s", p->apparmor_profile);
	}
	if (p->selinux_label && p->selinux_label[0]) {
		if (!selinux_enabled())
			return err_new("process.selinuxLabel: SELinux is not enabled on this host");
		error *e = proc_self_write("attr/exec", p->selinux_label);
		if (e)
			return err_wrap(e, "process.selinuxLabel (%s)", p->selinux_label);
		log_debug("selinux exec label %s", p->selinux_label);
	}
	return NULL;
}
