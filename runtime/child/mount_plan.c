#include "runtime/child/mount_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/mountinfo.h"
#include "common/util.h"

/* What runc gives the cgroup v1 tmpfs and its per-controller mounts. */
#define CGROUP_DEFAULT_FLAGS (MS_NOEXEC | MS_NOSUID | MS_NODEV)

/* ---- host facts ---------------------------------------------------------- */

struct cg_line {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for v2 */
	char *path;
};

void mount_host_free(struct mount_host *h)
{
	for (size_t i = 0; i < h->n_v1; i++) {
		free(h->v1[i].mountpoint);
		free(h->v1[i].subsystems);
		free(h->v1[i].own_dir);
	}
	free(h->v1);
	free(h->v2_own_dir);
	memset(h, 0, sizeof(*h));
}

static char *own_dir_for(const char *mountpoint, const char *root, const char *path)
{
	size_t rl = strlen(root);
	const char *rel = path;
	if (strcmp(root, "/") != 0) {
		/* The hierarchy is mounted from a subtree (e.g. inside another
		 * container): our path must be below it. */
		if (strncmp(path, root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0'))
			rel = path + rl;
		else
			rel = "";
	}
	return path_join_clean(mountpoint, rel);
}

error *mount_host_parse(const char *mountinfo, const char *proc_cgroup, struct mount_host *out)
{
	memset(out, 0, sizeof(*out));
	struct cg_line lines[64];
	size_t n_lines = 0;
	_cleanup_free_ char *cg = strdup(proc_cgroup ? proc_cgroup : "");
	if (!cg)
		return err_sys(ENOMEM, "cgroup mounts");
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	error *e = mountinfo_parse(mountinfo, &mi);
	if (e)
		return e;
	char *save = NULL;
	for (char *l = strtok_r(cg, "\n", &save); l && n_lines < ARRAY_SIZE(lines);
	     l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		lines[n_lines].controllers = c1 + 1;
		lines[n_lines].path = c2 + 1;
		n_lines++;
	}
	char *v2_mountpoint = NULL, *v2_root = NULL;
	for (size_t k = 0; k < mi.n && !e; k++) {
		const char *fstype = mi.v[k].fstype;
		char *root = mi.v[k].root, *mp = mi.v[k].mount_point,
		     *super = mi.v[k].super_options;
		if (strcmp(fstype, "cgroup2") == 0) {
			/* Prefer the canonical location when there are several. */
			if (!v2_mountpoint || strcmp(mp, "/sys/fs/cgroup") == 0) {
				v2_mountpoint = mp;
				v2_root = root;
			}
			continue;
		}
		if (strcmp(fstype, "cgroup") != 0)
			continue;
		/* Keep the subsystems (and name=) from the super options; the
		 * rest (rw, xattr, release_agent=...) are not ours to repeat. */
		_cleanup_free_ char *subs = NULL;
		const struct cg_line *match = NULL;
		for (char *p = super; *p;) {
			char *end = strchrnul(p, ',');
			char saved = *end;
			*end = '\0';
			bool keep = str_has_prefix(p, "name=");
			for (size_t i = 0; i < n_lines && !keep; i++)
				keep = str_list_has(lines[i].controllers, p);
			if (keep) {
				for (size_t i = 0; i < n_lines && !match; i++)
					if (str_list_has(lines[i].controllers, p))
						match = &lines[i];
				char *n =
				    str_printf("%s%s%s", subs ? subs : "", subs ? "," : "", p);
				if (!n) {
					*end = saved;
					return err_sys(ENOMEM, "cgroup mounts");
				}
				free(subs);
				subs = n;
			}
			*end = saved;
			p = saved ? end + 1 : end;
		}
		if (!subs || !match)
			continue;
		/* One mount per hierarchy, like runc's GetCgroupMounts(false). */
		bool dup = false;
		for (size_t i = 0; i < out->n_v1 && !dup; i++)
			dup = strcmp(out->v1[i].subsystems, subs) == 0;
		if (dup)
			continue;
		struct mount_cgroup_v1 *nv = realloc(out->v1, (out->n_v1 + 1) * sizeof(*nv));
		if (!nv) {
			e = err_sys(ENOMEM, "cgroup mounts");
			break;
		}
		out->v1 = nv;
		struct mount_cgroup_v1 *h = &out->v1[out->n_v1++];
		h->mountpoint = strdup(mp);
		h->subsystems = steal_ptr(subs);
		h->own_dir = own_dir_for(mp, root, match->path);
		if (!h->mountpoint || !h->own_dir)
			e = err_sys(ENOMEM, "cgroup mounts");
	}
	if (!e && out->n_v1 == 0 && v2_mountpoint) {
		out->unified = true;
		const char *path = "/";
		for (size_t i = 0; i < n_lines; i++)
			if (!*lines[i].controllers)
				path = lines[i].path;
		out->v2_own_dir = own_dir_for(v2_mountpoint, v2_root, path);
		if (!out->v2_own_dir)
			e = err_sys(ENOMEM, "cgroup mounts");
	}
	if (e)
		mount_host_free(out);
	return e;
}

error *mount_host_detect(struct mount_host *out)
{
	_cleanup_free_ char *mi = NULL, *cg = NULL;
	error *e = read_file("/proc/self/mountinfo", &mi, NULL);
	if (!e)
		e = read_file("/proc/self/cgroup", &cg, NULL);
	if (!e)
		e = mount_host_parse(mi, cg, out);
	return e;
}

/* ---- the plan ------------------------------------------------------------ */

void mount_plan_free(struct mount_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct mount_op *op = &p->ops[i];
		free(op->source);
		free(op->dest);
		free(op->fstype);
		free(op->data);
		free(op->fallback_bind);
	}
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

static struct mount_op *plan_push(struct mount_plan *p, enum mount_op_kind kind, int index)
{
	struct mount_op *n = realloc(p->ops, (p->n + 1) * sizeof(*n));
	if (!n)
		return NULL;
	p->ops = n;
	struct mount_op *op = &p->ops[p->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->spec_index = index;
	op->tree_fd = -1;
	return op;
}

static bool dup_into(char **dst, const char *src)
{
	if (!src)
		return true;
	*dst = strdup(src);
	return *dst != NULL;
}

static void copy_propagation(struct mount_op *op, const struct mount_options *o)
{
	memcpy(op->propagation, o->propagation, sizeof(op->propagation));
	op->n_propagation = o->n_propagation;
}

/* runc's checkProcMount: nothing but a procfs on /proc, and below /proc only
 * the files lxcfs emulates. */
static error *check_proc_dest(const char *dest, const char *fstype, bool bind)
{
	static const char *const lxcfs[] = {
	    "/proc/cpuinfo", "/proc/diskstats",
	    "/proc/meminfo", "/proc/stat",
	    "/proc/swaps",   "/proc/uptime",
	    "/proc/loadavg", "/proc/slabinfo",
	    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	if (strcmp(dest, "/proc") == 0) {
		/* A bind is checked when applied: its source must be a procfs
		 * (the host's /proc, for rootless or a shared pid namespace). */
		if (bind || (fstype && strcmp(fstype, "proc") == 0))
			return NULL;
		return err_new("\"%s\" cannot be mounted because it is not of type proc", dest);
	}
	if (!str_has_prefix(dest, "/proc/"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(lxcfs); i++)
		if (strcmp(dest, lxcfs[i]) == 0)
			return NULL;
	return err_new("\"%s\" cannot be mounted because it is inside /proc", dest);
}

static error *plan_cgroup(struct mount_plan *p, int index, const char *dest,
			  const struct mount_options *o, const struct mount_host *host,
			  bool new_cgroupns)
{
	bool ro = o->flags & MS_RDONLY;
	if (host->unified) {
		struct mount_op *op = plan_push(p, MOUNT_OP_MOUNT, index);
		if (!op || !dup_into(&op->source, "cgroup") || !dup_into(&op->dest, dest) ||
		    !dup_into(&op->fstype, "cgroup2") || !dup_into(&op->data, o->data) ||
		    !dup_into(&op->fallback_bind, host->v2_own_dir))
			return err_sys(ENOMEM, "plan");
		op->flags = o->flags & ~(unsigned long)(MS_BIND | MS_REC);
		copy_propagation(op, o);
		return NULL;
	}
	/* v1 (and hybrid, whose cgroup2 mount has no controllers and is left
	 * out as runc does): a tmpfs holding one mount per hierarchy. */
	struct mount_op *op = plan_push(p, MOUNT_OP_MOUNT, index);
	if (!op || !dup_into(&op->source, "tmpfs") || !dup_into(&op->dest, dest) ||
	    !dup_into(&op->fstype, "tmpfs") || !dup_into(&op->data, "mode=755"))
		return err_sys(ENOMEM, "plan");
	op->flags = CGROUP_DEFAULT_FLAGS;
	copy_propagation(op, o);
	for (size_t i = 0; i < host->n_v1; i++) {
		const struct mount_cgroup_v1 *h = &host->v1[i];
		const char *base = strrchr(h->mountpoint, '/');
		base = base ? base + 1 : h->mountpoint;
		_cleanup_free_ char *sub = str_printf("%s/%s", strcmp(dest, "/") ? dest : "", base);
		if (!sub)
			return err_sys(ENOMEM, "plan");
		if (new_cgroupns) {
			bool systemd = str_has_prefix(h->subsystems, "name=systemd");
			op = plan_push(p, MOUNT_OP_MOUNT, index);
			if (!op || !dup_into(&op->source, systemd ? "systemd" : "cgroup") ||
			    !dup_into(&op->dest, sub) || !dup_into(&op->fstype, "cgroup") ||
			    !dup_into(&op->data, h->subsystems))
				return err_sys(ENOMEM, "plan");
			op->flags = CGROUP_DEFAULT_FLAGS | (ro ? MS_RDONLY : 0);
		} else {
			op = plan_push(p, MOUNT_OP_BIND, index);
			if (!op || !dup_into(&op->source, h->own_dir) || !dup_into(&op->dest, sub))
				return err_sys(ENOMEM, "plan");
			op->flags = MS_BIND | MS_REC | o->flags;
			if (o->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT)) {
				op->remount = true;
				op->remount_flags = op->flags | MS_REMOUNT;
			}
		}
		copy_propagation(op, o);
	}
	/* "cpu" and "cpuacct" next to "cpu,cpuacct", as on the host. */
	for (size_t i = 0; i < host->n_v1; i++) {
		const char *base = strrchr(host->v1[i].mountpoint, '/');
		base = base ? base + 1 : host->v1[i].mountpoint;
		if (!strchr(base, ','))
			continue;
		_cleanup_free_ char *copy = strdup(base);
		if (!copy)
			return err_sys(ENOMEM, "plan");
		char *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			op = plan_push(p, MOUNT_OP_SYMLINK, index);
			if (!op || !dup_into(&op->source, base) ||
			    !(op->dest = str_printf("%s/%s", strcmp(dest, "/") ? dest : "", t)))
				return err_sys(ENOMEM, "plan");
		}
	}
	if (ro) {
		op = plan_push(p, MOUNT_OP_REMOUNT, index);
		if (!op || !dup_into(&op->dest, dest))
			return err_sys(ENOMEM, "plan");
		op->flags = CGROUP_DEFAULT_FLAGS | MS_RDONLY | MS_BIND | MS_REMOUNT;
	}
	return NULL;
}

/* runtime-spec 1.2 mounts[].uidMappings/gidMappings with the idmap/ridmap options. */
static error *plan_idmap(struct mount_op *op, const struct oci_mount *m, enum mount_idmap mode,
			 bool bind, const struct oci_config *cfg)
{
	bool has_uid = m->n_uid_mappings > 0, has_gid = m->n_gid_mappings > 0;
	if (has_uid != has_gid)
		return err_new("%s given without %s: an idmapped mount needs both",
			       has_uid ? "uidMappings" : "gidMappings",
			       has_uid ? "gidMappings" : "uidMappings");
	/* The spec asks for the option with the mappings so that older runtimes
	 * fail instead of ignoring them; without it the mappings still apply, to
	 * the top mount, as in runc 1.2. */
	if (mode == MOUNT_IDMAP_NONE && has_uid)
		mode = MOUNT_IDMAP_TOP;
	if (mode == MOUNT_IDMAP_NONE)
		return NULL;
	const char *opt = mode == MOUNT_IDMAP_RECURSIVE ? "ridmap" : "idmap";
	if (!bind)
		return err_new("%s: idmapped mounts are supported for bind mounts only",
			       has_uid ? "uidMappings" : opt);
	if (has_uid) {
		op->uid_map = m->uid_mappings;
		op->n_uid_map = m->n_uid_mappings;
		op->gid_map = m->gid_mappings;
		op->n_gid_map = m->n_gid_mappings;
	} else {
		const struct oci_namespace *ns = spec_find_namespace(cfg, OCI_NS_USER);
		if (!ns)
			return err_new(
			    "option \"%s\" without uidMappings and gidMappings maps like "
			    "the container's user namespace, and the container has none",
			    opt);
		if (!ns->path) {
			const struct oci_linux *l = &cfg->linux_;
			if (!l->n_uid_mappings || !l->n_gid_mappings)
				return err_new("option \"%s\" without uidMappings and gidMappings: "
					       "linux.uidMappings and linux.gidMappings are needed",
					       opt);
			op->uid_map = l->uid_mappings;
			op->n_uid_map = l->n_uid_mappings;
			op->gid_map = l->gid_mappings;
			op->n_gid_map = l->n_gid_mappings;
		}
	}
	op->idmap = mode;
	return NULL;
}

/* The kernel says only EINVAL for an overlay without lowerdir, or with an upperdir but no
 * workdir: said here, before anything is created. */
static error *check_overlay_data(const char *data)
{
	bool lower = false, upper = false, work = false;
	for (const char *s = data; s && *s;) {
		size_t n = strcspn(s, ",");
		lower |= n > 9 && strncmp(s, "lowerdir=", 9) == 0;
		upper |= n > 9 && strncmp(s, "upperdir=", 9) == 0;
		work |= n > 8 && strncmp(s, "workdir=", 8) == 0;
		s += n + (s[n] == ',');
	}
	if (!lower)
		return err_new("overlay needs a lowerdir= option (the read-only layers)");
	if (upper != work)
		return err_new("overlay needs both upperdir= and workdir=, or neither");
	return NULL;
}

static error *plan_one(struct mount_plan *p, int index, const struct oci_mount *m,
		       const struct oci_config *cfg, const struct mount_host *host,
		       bool new_cgroupns)
{
	if (!m->destination || !*m->destination)
		return err_new("destination is empty");
	/* runc accepts relative destinations (deprecated) as relative to /. */
	_cleanup_free_ char *dest = path_join_clean("/", m->destination);
	if (!dest)
		return err_sys(ENOMEM, "plan");
	const char *type = m->type && *m->type ? m->type : NULL;
	struct mount_options o;
	error *e = mount_options_parse(m->options, &o);
	if (e)
		return e;
	if (type && strcmp(type, "overlay") == 0 && (e = check_overlay_data(o.data))) {
		mount_options_free(&o);
		return e;
	}
	/* Any type is ignored for binds (runc); "bind" as a type is a bind. */
	bool bind = o.bind || (type && strcmp(type, "bind") == 0);
	if (bind)
		o.flags |= MS_BIND;
	else if (!type) {
		mount_options_free(&o);
		return err_new("mount type is missing");
	}
	e = check_proc_dest(dest, type, bind);
	/* The kernel ignores mount data with MS_BIND, and a remount cannot
	 * change a superblock option for this mount alone: refused, as runc 1.2
	 * does, rather than silently dropped. */
	if (!e && bind && o.data)
		e = err_new("bind mounts cannot have filesystem-specific options: \"%s\"", o.data);
	/* Checked for every type: mappings on a mount that cannot take them are
	 * an error, not ignored. */
	struct mount_op idm = {0};
	if (!e)
		e = plan_idmap(&idm, m, o.idmap, bind, cfg);
	if (!e && type && strcmp(type, "cgroup") == 0 && !bind) {
		e = plan_cgroup(p, index, dest, &o, host, new_cgroupns);
		mount_options_free(&o);
		return e;
	}
	struct mount_op *op = e ? NULL : plan_push(p, bind ? MOUNT_OP_BIND : MOUNT_OP_MOUNT, index);
	if (!e && !op)
		e = err_sys(ENOMEM, "plan");
	if (e) {
		mount_options_free(&o);
		return e;
	}
	op->dest = steal_ptr(dest);
	op->data = steal_ptr(o.data);
	op->flags = o.flags;
	copy_propagation(op, &o);
	op->attr_set = o.attr_set;
	op->attr_clr = o.attr_clr;
	op->idmap = idm.idmap;
	op->uid_map = idm.uid_map;
	op->n_uid_map = idm.n_uid_map;
	op->gid_map = idm.gid_map;
	op->n_gid_map = idm.n_gid_map;
	bool is_dev = strcmp(op->dest, "/dev") == 0;
	if (bind) {
		const char *src = m->source ? m->source : "";
		if (src[0] != '/' && cfg->bundle)
			op->source = str_printf("%s/%s", cfg->bundle, src);
		else
			op->source = strdup(src);
		if (!op->source)
			return err_sys(ENOMEM, "plan");
		op->spec_source = true;
		op->proc_source = strcmp(op->dest, "/proc") == 0;
		/* A bind takes no flags but MS_REC; the rest needs a remount. */
		if (o.flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT)) {
			op->remount = true;
			op->remount_flags = o.flags | MS_REMOUNT;
		}
		if (is_dev) {
			p->setup_dev = false;
			if (op->remount && (op->remount_flags & MS_RDONLY)) {
				/* still ro at the end, like runc's finalizeRootfs */
				p->dev_ro = true;
			}
		}
		return NULL;
	}
	if (!dup_into(&op->source, m->source ? m->source : type) || !dup_into(&op->fstype, type))
		return err_sys(ENOMEM, "plan");
	if (strcmp(type, "tmpfs") == 0) {
		op->keep_mode = true;
		op->tmpcopyup = o.tmpcopyup;
		/* Filled (devices, copy-up, chmod) before it may turn ro. */
		if (op->flags & MS_RDONLY) {
			op->flags &= ~(unsigned long)MS_RDONLY;
			if (is_dev)
				p->dev_ro = true;
			else {
				op->remount = true;
				op->remount_flags = o.flags | MS_REMOUNT;
			}
		}
	} else if (is_dev && (op->flags & MS_RDONLY)) {
		op->flags &= ~(unsigned long)MS_RDONLY;
		p->dev_ro = true;
	}
	if (strcmp(type, "devpts") == 0 && strcmp(op->dest, "/dev/pts") == 0)
		p->has_devpts = true;
	return NULL;
}

error *mount_plan_build(const struct oci_config *cfg, const struct mount_host *host,
			bool new_cgroupns, struct mount_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->setup_dev = true;
	const char *covered = NULL; /* the first destination that is not the root */
	size_t covered_i = 0;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		error *e = plan_one(out, (int)i, m, cfg, host, new_cgroupns);
		_cleanup_free_ char *dest =
		    m->destination ? path_join_clean("/", m->destination) : NULL;
		bool on_root = !e && dest && strcmp(dest, "/") == 0;
		/* A mount over the root becomes the container's root (runc's behaviour):
		 * after another mount it would hide that one, /proc with it, which runc
		 * 1.1.5 only notices when it fails to open /proc/self/fd. */
		if (on_root && covered)
			e = err_new("a mount over the container's root must come before the other "
				    "mounts: it would cover mounts[%zu] (%s)",
				    covered_i, covered);
		else if (!e && !on_root && !covered) {
			covered = m->destination ? m->destination : "";
			covered_i = i;
		}
		if (e) {
			mount_plan_free(out);
			return err_wrap(e, "mounts[%zu] (%s)", i,
					m->destination ? m->destination : "");
		}
	}
	return NULL;
}

error *mount_plan_validate(const struct oci_config *cfg)
{
	struct mount_host no_host = {0};
	struct mount_plan p;
	error *e = mount_plan_build(cfg, &no_host, false, &p);
	if (!e)
		mount_plan_free(&p);
	return e;
}

void mount_op_describe(const struct mount_op *op, char *buf, size_t len)
{
	char flags[256], rflags[256] = "";
	mount_flags_describe(op->flags, flags, sizeof(flags));
	if (op->remount)
		mount_flags_describe(op->remount_flags, rflags, sizeof(rflags));
	char prop[128] = "";
	size_t used = 0;
	for (size_t i = 0; i < op->n_propagation && used < sizeof(prop); i++) {
		int n = snprintf(prop + used, sizeof(prop) - used, " %s",
				 mount_propagation_name(op->propagation[i]));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	static const char *const kinds[] = {"mount", "bind", "remount", "symlink"};
	static const char *const idmaps[] = {"", " idmap", " ridmap"};
	snprintf(buf, len, "mounts[%d]: %s %s on %s%s%s (%s)%s%s%s%s%s%s%s", op->spec_index,
		 kinds[op->kind], op->source ? op->source : "-", op->dest,
		 op->fstype ? " type " : "", op->fstype ? op->fstype : "", flags,
		 op->data ? " data=" : "", op->data ? op->data : "",
		 op->remount ? " then remount " : "", rflags, *prop ? " propagation" : "", prop,
		 idmaps[op->idmap]);
}

void mount_plan_log(const struct mount_plan *p)
{
	if (!log_debug_enabled())
		return;
	for (size_t i = 0; i < p->n; i++) {
		char line[1024];
		mount_op_describe(&p->ops[i], line, sizeof(line));
		log_debug("mount plan [%zu] %s", i, line);
	}
	log_debug("mount plan: setup_dev=%d dev_ro=%d devpts=%d", p->setup_dev, p->dev_ro,
		  p->has_devpts);
}

/* True when path is dir or below it ("/a/b" is below "/a", "/ab" is not). */
static bool path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

error *mount_no_pivot_hide_plan(const char *mountinfo, const char *rootfs, char ***out,
				size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	error *e = mountinfo_parse(mountinfo ? mountinfo : "", &mi);
	if (e)
		return e;
	char **v = calloc(mi.n + 1, sizeof(*v));
	if (!v)
		return err_sys(ENOMEM, "mountinfo");
	size_t n = 0;
	for (size_t i = 0; i < mi.n; i++) {
		const struct mountinfo_entry *m = &mi.v[i];
		if (strcmp(m->fstype, "proc") != 0 && strcmp(m->fstype, "sysfs") != 0)
			continue;
		/* Only a mount of the whole filesystem lets the kernel allow a new one. */
		if (strcmp(m->root, "/") != 0 || path_below(m->mount_point, rootfs))
			continue;
		if (!(v[n] = strdup(m->mount_point))) {
			for (size_t j = 0; j < n; j++)
				free(v[j]);
			free(v);
			return err_sys(ENOMEM, "mountinfo");
		}
		n++;
	}
	*out = v;
	*n_out = n;
	return NULL;
}
