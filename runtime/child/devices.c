#include "runtime/child/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/sys.h"
#include "common/util.h"
#include "runtime/child/mount_plan.h"
#include "runtime/child/safe_path.h"

/* runc's AllowedDevices that have a path, in its order. */
static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3}, {"/dev/random", 1, 8}, {"/dev/full", 1, 7},
    {"/dev/tty", 5, 0},	 {"/dev/zero", 1, 5},	{"/dev/urandom", 1, 9},
};

void device_plan_free(struct device_plan *p)
{
	for (size_t i = 0; i < p->n_nodes; i++)
		free(p->nodes[i].path);
	for (size_t i = 0; i < p->n_links; i++) {
		free(p->links[i].path);
		free(p->links[i].target);
	}
	free(p->nodes);
	free(p->links);
	memset(p, 0, sizeof(*p));
}

static struct device_node *push_node(struct device_plan *p)
{
	struct device_node *n = realloc(p->nodes, (p->n_nodes + 1) * sizeof(*n));
	if (!n)
		return NULL;
	p->nodes = n;
	n = &p->nodes[p->n_nodes++];
	memset(n, 0, sizeof(*n));
	return n;
}

static error *push_link(struct device_plan *p, const char *path, const char *target, bool replace)
{
	struct device_link *l = realloc(p->links, (p->n_links + 1) * sizeof(*l));
	if (!l)
		return err_sys(ENOMEM, "device plan");
	p->links = l;
	l = &p->links[p->n_links];
	l->path = strdup(path);
	l->target = strdup(target);
	l->replace = replace;
	if (!l->path || !l->target) {
		free(l->path);
		free(l->target);
		return err_sys(ENOMEM, "device plan");
	}
	p->n_links++;
	return NULL;
}

error *device_plan_build(const struct oci_config *cfg, bool host_has_kcore, struct device_plan *out)
{
	memset(out, 0, sizeof(*out));
	const struct oci_device *devs = cfg->linux_.devices;
	size_t n_devs = cfg->linux_.n_devices;
	error *e = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices) && !e; i++) {
		bool overridden = false;
		for (size_t j = 0; j < n_devs && !overridden; j++)
			overridden =
			    devs[j].path && strcmp(devs[j].path, default_devices[i].path) == 0;
		if (overridden)
			continue;
		struct device_node *n = push_node(out);
		if (!n || !(n->path = strdup(default_devices[i].path))) {
			e = err_sys(ENOMEM, "device plan");
			break;
		}
		n->type = S_IFCHR;
		n->major = default_devices[i].major;
		n->minor = default_devices[i].minor;
		n->mode = 0666;
	}
	for (size_t j = 0; j < n_devs && !e; j++) {
		const struct oci_device *d = &devs[j];
		_cleanup_free_ char *clean = d->path ? path_join_clean("/", d->path) : NULL;
		if (!d->path || !*d->path || (clean && strcmp(clean, "/") == 0)) {
			e = err_new("linux.devices[%zu]: path must name a file below /", j);
			break;
		}
		mode_t type;
		switch (d->type) {
		case 'c':
		case 'u':
			type = S_IFCHR;
			break;
		case 'b':
			type = S_IFBLK;
			break;
		case 'p':
			type = S_IFIFO;
			break;
		default:
			e = err_new("linux.devices[%zu] (%s): unknown device type '%c'", j, d->path,
				    d->type ? d->type : '?');
			continue;
		}
		if (type != S_IFIFO &&
		    (d->major < 0 || d->minor < 0 || d->major > 0xfff || d->minor > 0xfffff)) {
			e = err_new("linux.devices[%zu] (%s): major/minor out of range", j,
				    d->path);
			break;
		}
		struct device_node *n = push_node(out);
		if (!n || !clean) {
			e = err_sys(ENOMEM, "device plan");
			break;
		}
		n->path = steal_ptr(clean);
		n->type = type;
		n->major = type == S_IFIFO ? 0 : (unsigned)d->major;
		n->minor = type == S_IFIFO ? 0 : (unsigned)d->minor;
		/* runc: 0666 unless given; the file type bits are ours to set. */
		n->mode = d->file_mode.set ? (mode_t)(d->file_mode.value & 07777) : 0666;
		n->uid = d->uid.set ? (uid_t)d->uid.value : 0;
		n->gid = d->gid.set ? (gid_t)d->gid.value : 0;
	}
	/* runc's setupPtmx and setupDevSymlinks. */
	if (!e)
		e = push_link(out, "/dev/ptmx", "pts/ptmx", true);
	if (!e)
		e = push_link(out, "/dev/fd", "/proc/self/fd", false);
	if (!e)
		e = push_link(out, "/dev/stdin", "/proc/self/fd/0", false);
	if (!e)
		e = push_link(out, "/dev/stdout", "/proc/self/fd/1", false);
	if (!e)
		e = push_link(out, "/dev/stderr", "/proc/self/fd/2", false);
	if (!e && host_has_kcore)
		e = push_link(out, "/dev/core", "/proc/kcore", false);
	if (e)
		device_plan_free(out);
	return e;
}

void device_plan_log(const struct device_plan *p)
{
	if (!log_debug_enabled())
		return;
	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct device_node *n = &p->nodes[i];
		log_debug("device plan: %s %c %u:%u mode %04o uid %u gid %u", n->path,
			  n->type == S_IFCHR   ? 'c'
			  : n->type == S_IFBLK ? 'b'
					       : 'p',
			  n->major, n->minor, (unsigned)n->mode, (unsigned)n->uid,
			  (unsigned)n->gid);
	}
	for (size_t i = 0; i < p->n_links; i++)
		log_debug("device plan: symlink %s -> %s%s", p->links[i].path, p->links[i].target,
			  p->links[i].replace ? " (replacing)" : "");
}

/* An empty file at dir/name with the host's node of the same path bound on
 * it: what runc does where mknod is not allowed (user namespaces). */
static error *bind_device(const struct sys_ops *sys, const struct device_node *n, int dir,
			  const char *name)
{
	_cleanup_close_ int host = open(n->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (host < 0)
		return err_errno("open host %s", n->path);
	struct stat st;
	if (fstat(host, &st) < 0)
		return err_errno("stat host %s", n->path);
	if ((st.st_mode & S_IFMT) != n->type ||
	    (n->type != S_IFIFO && st.st_rdev != makedev(n->major, n->minor)))
		return err_new("host %s is not the device %u:%u", n->path, n->major, n->minor);
	/* O_EXCL: never open (and so never trigger) a node already there. */
	int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0000);
	if (fd < 0 && errno == EEXIST) {
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat have;
		if (fd >= 0 &&
		    (fstat(fd, &have) < 0 || S_ISLNK(have.st_mode) || S_ISDIR(have.st_mode))) {
			close(fd);
			return err_sys(EEXIST, "%s exists and is not a file", n->path);
		}
	}
	if (fd < 0)
		return err_errno("create %s", n->path);
	_cleanup_close_ int target = fd;
	char sp[32], dp[32];
	if (sys->mount(safe_fd_path(host, sp, sizeof(sp)), safe_fd_path(target, dp, sizeof(dp)),
		       NULL, MS_BIND, NULL) < 0)
		return err_errno("bind %s", n->path);
	return NULL;
}

static error *make_node(const struct sys_ops *sys, const struct device_node *n, int rootfd,
			bool bind_devices)
{
	_cleanup_close_ int dir = -1;
	_cleanup_free_ char *buf = NULL;
	const char *name = NULL;
	error *e = safe_open_parent_in_root(rootfd, n->path, true, &dir, &buf, &name);
	if (e)
		return e;
	if (bind_devices)
		return bind_device(sys, n, dir, name);
	if (sys->mknodat(dir, name, n->type | n->mode, makedev(n->major, n->minor)) < 0) {
		if (errno == EEXIST)
			return NULL; /* runc leaves what is there */
		if (errno == EPERM)
			return bind_device(sys, n, dir, name);
		return err_errno("mknod");
	}
	/* mknod's mode went through the umask; the node is ours and fresh, so
	 * the names cannot have moved under us (nothing runs in it yet). */
	_cleanup_close_ int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_errno("open");
	char p[32];
	safe_fd_path(fd, p, sizeof(p));
	if (sys->fchownat(fd, "", n->uid, n->gid, AT_EMPTY_PATH) < 0)
		return err_errno("chown");
	if (chmod(p, n->mode) < 0)
		return err_errno("chmod");
	return NULL;
}

static error *make_link(const struct device_link *l, int rootfd)
{
	_cleanup_close_ int dir = -1;
	_cleanup_free_ char *buf = NULL;
	const char *name = NULL;
	error *e = safe_open_parent_in_root(rootfd, l->path, true, &dir, &buf, &name);
	if (e)
		return e;
	if (l->replace && unlinkat(dir, name, 0) < 0 && errno != ENOENT)
		return err_errno("remove");
	if (symlinkat(l->target, dir, name) < 0 && (l->replace || errno != EEXIST))
		return err_errno("symlink");
	return NULL;
}

error *device_plan_apply(const struct sys_ops *sys, const struct device_plan *p, int rootfd,
			 bool bind_devices)
{
	/* The modes in the plan are the modes wanted, whatever our umask. */
	mode_t old = umask(0);
	error *e = NULL;
	for (size_t i = 0; i < p->n_nodes && !e; i++)
		if ((e = make_node(sys, &p->nodes[i], rootfd, bind_devices)))
			e = err_wrap(e, "device %s", p->nodes[i].path);
	for (size_t i = 0; i < p->n_links && !e; i++)
		if ((e = make_link(&p->links[i], rootfd)))
			e = err_wrap(e, "%s -> %s", p->links[i].path, p->links[i].target);
	umask(old);
	return e;
}
