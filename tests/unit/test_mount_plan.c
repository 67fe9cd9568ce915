/* Mount plans from hand-built configs and host layouts: runc's default spec
 * mounts on hybrid, v1-with-cgroupns and v2 hosts, binds, ro, recursive
 * attributes, errors that name the entry. No root needed. */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/util.h"
#include "runtime/child/devices.h"
#include "runtime/child/mount_plan.h"
#include "tests/unit/runc_mounts.h"
#include "tests/unit/unit.h"

/* runc spec's mounts, verbatim. */
static struct oci_mount default_mounts[] = {RUNC_MOUNTS_TO_SYS, RUNC_CGROUP_MOUNT};

static const char hybrid_mountinfo[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "35 31 0:32 /sub /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "42 31 0:39 / /mnt/with\\040space rw - cgroup cgroup rw,memory\n";
static const char hybrid_cgroup[] = "9:name=systemd:/isorun/c1\n"
				    "4:memory:/isorun/c1\n"
				    "3:pids:/sub/isorun/c1\n"
				    "2:cpu,cpuacct:/isorun/c1\n"
				    "0::/isorun/c1\n";
static const char v2_mountinfo[] =
    "25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
static const char v2_cgroup[] = "0::/user.slice/c2\n";

static struct oci_config make_cfg(struct oci_mount *m, size_t n)
{
	struct oci_config c = {0};
	c.bundle = "/bundle";
	c.mounts = m;
	c.n_mounts = n;
	return c;
}

static const struct mount_op *find(const struct mount_plan *p, const char *dest, int nth)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->ops[i].dest, dest) == 0 && nth-- == 0)
			return &p->ops[i];
	return NULL;
}

static void test_host_parse_hybrid(void)
{
	struct mount_host h;
	CHECK_OK(mount_host_parse(hybrid_mountinfo, hybrid_cgroup, &h));
	CHECK(!h.unified);
	CHECK(h.n_v1 == 4); /* the second memory mount is a duplicate */
	if (h.n_v1 == 4) {
		CHECK_STR(h.v1[0].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
		CHECK_STR(h.v1[0].subsystems, "cpu,cpuacct");
		CHECK_STR(h.v1[0].own_dir, "/sys/fs/cgroup/cpu,cpuacct/isorun/c1");
		CHECK_STR(h.v1[1].own_dir, "/sys/fs/cgroup/memory/isorun/c1");
		CHECK_STR(h.v1[2].own_dir, "/sys/fs/cgroup/pids/isorun/c1"); /* root /sub */
		CHECK_STR(h.v1[3].subsystems, "name=systemd");
		CHECK_STR(h.v1[3].own_dir, "/sys/fs/cgroup/systemd/isorun/c1");
	}
	mount_host_free(&h);
}

static void test_host_parse_v2(void)
{
	struct mount_host h;
	CHECK_OK(mount_host_parse(v2_mountinfo, v2_cgroup, &h));
	CHECK(h.unified && h.n_v1 == 0);
	CHECK_STR(h.v2_own_dir, "/sys/fs/cgroup/user.slice/c2");
	mount_host_free(&h);
}

static void test_default_spec_hybrid(void)
{
	struct mount_host h;
	CHECK_OK(mount_host_parse(hybrid_mountinfo, hybrid_cgroup, &h));
	struct oci_config cfg = make_cfg(default_mounts, ARRAY_SIZE(default_mounts));
	struct mount_plan p;
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.setup_dev && !p.dev_ro && p.has_devpts);

	const struct mount_op *op = find(&p, "/proc", 0);
	CHECK(op && op->kind == MOUNT_OP_MOUNT && op->flags == 0 && !op->remount);
	if (op) {
		CHECK_STR(op->fstype, "proc");
		CHECK_STR(op->source, "proc");
		CHECK(op->data == NULL && op->spec_index == 0);
	}
	op = find(&p, "/dev", 0);
	CHECK(op && op->flags == (MS_NOSUID | MS_STRICTATIME) && op->keep_mode);
	if (op)
		CHECK_STR(op->data, "mode=755,size=65536k");
	op = find(&p, "/dev/pts", 0);
	CHECK(op && op->flags == (MS_NOSUID | MS_NOEXEC));
	if (op)
		CHECK_STR(op->data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	op = find(&p, "/dev/shm", 0);
	CHECK(op && op->flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV));
	if (op)
		CHECK_STR(op->source, "shm");
	op = find(&p, "/dev/mqueue", 0);
	CHECK(op && op->kind == MOUNT_OP_MOUNT);
	op = find(&p, "/sys", 0);
	/* sysfs is mounted ro directly, no remount. */
	CHECK(op && op->flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY) && !op->remount);

	/* cgroup: tmpfs, a bind per hierarchy, symlinks, a ro remount. */
	op = find(&p, "/sys/fs/cgroup", 0);
	CHECK(op && op->kind == MOUNT_OP_MOUNT && op->spec_index == 6);
	if (op) {
		CHECK_STR(op->fstype, "tmpfs");
		CHECK_STR(op->data, "mode=755");
		CHECK(op->flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV));
	}
	op = find(&p, "/sys/fs/cgroup/cpu,cpuacct", 0);
	CHECK(op && op->kind == MOUNT_OP_BIND);
	if (op) {
		CHECK_STR(op->source, "/sys/fs/cgroup/cpu,cpuacct/isorun/c1");
		CHECK(op->flags & MS_REC);
		CHECK(op->remount && (op->remount_flags & MS_RDONLY) &&
		      (op->remount_flags & MS_REMOUNT) && (op->remount_flags & MS_BIND));
	}
	op = find(&p, "/sys/fs/cgroup/systemd", 0);
	CHECK(op && op->kind == MOUNT_OP_BIND);
	op = find(&p, "/sys/fs/cgroup/cpu", 0);
	CHECK(op && op->kind == MOUNT_OP_SYMLINK);
	if (op)
		CHECK_STR(op->source, "cpu,cpuacct");
	op = find(&p, "/sys/fs/cgroup/cpuacct", 0);
	CHECK(op && op->kind == MOUNT_OP_SYMLINK);
	CHECK(find(&p, "/sys/fs/cgroup/unified", 0) == NULL);
	op = find(&p, "/sys/fs/cgroup", 1);
	CHECK(op && op->kind == MOUNT_OP_REMOUNT && (op->flags & MS_RDONLY) &&
	      (op->flags & MS_BIND));
	CHECK(p.n == 6 + 1 + 4 + 2 + 1);
	/* The last op is the remount: ordering matters. */
	CHECK(p.ops[p.n - 1].kind == MOUNT_OP_REMOUNT);
	char line[512];
	mount_op_describe(&p.ops[0], line, sizeof(line));
	CHECK_STR(line, "mounts[0]: mount proc on /proc type proc (rw)");
	mount_op_describe(&p.ops[1], line, sizeof(line));
	CHECK_STR(line, "mounts[1]: mount tmpfs on /dev type tmpfs (rw,nosuid,strictatime) "
			"data=mode=755,size=65536k");
	mount_plan_free(&p);
	mount_host_free(&h);
}

static void test_cgroup_v1_with_cgroupns(void)
{
	struct mount_host h;
	CHECK_OK(mount_host_parse(hybrid_mountinfo, hybrid_cgroup, &h));
	struct oci_config cfg = make_cfg(&default_mounts[6], 1);
	struct mount_plan p;
	CHECK_OK(mount_plan_build(&cfg, &h, true, &p));
	const struct mount_op *op = find(&p, "/sys/fs/cgroup/memory", 0);
	CHECK(op && op->kind == MOUNT_OP_MOUNT);
	if (op) {
		CHECK_STR(op->fstype, "cgroup");
		CHECK_STR(op->data, "memory");
		CHECK(op->flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
	}
	op = find(&p, "/sys/fs/cgroup/systemd", 0);
	CHECK(op && op->kind == MOUNT_OP_MOUNT);
	if (op) {
		CHECK_STR(op->source, "systemd");
		CHECK_STR(op->data, "name=systemd");
	}
	mount_plan_free(&p);
	mount_host_free(&h);
}

static void test_cgroup_v2(void)
{
	struct mount_host h;
	CHECK_OK(mount_host_parse(v2_mountinfo, v2_cgroup, &h));
	struct oci_config cfg = make_cfg(&default_mounts[6], 1);
	struct mount_plan p;
	CHECK_OK(mount_plan_build(&cfg, &h, true, &p));
	CHECK(p.n == 1);
	if (p.n == 1) {
		CHECK(p.ops[0].kind == MOUNT_OP_MOUNT);
		CHECK_STR(p.ops[0].fstype, "cgroup2");
		CHECK_STR(p.ops[0].fallback_bind, "/sys/fs/cgroup/user.slice/c2");
		CHECK(p.ops[0].flags ==
		      (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY));
	}
	mount_plan_free(&p);
	mount_host_free(&h);
}

static void test_binds(void)
{
	struct oci_mount m[] = {
	    {.destination = "/data", .source = "/srv/data", .options = OPTS("rbind", "ro")},
	    {.destination = "/etc/resolv.conf",
	     .type = "none",
	     .source = "resolv.conf",
	     .options = OPTS("bind", "rprivate")},
	    {.destination = "/x", .type = "bind", .source = "/x"},
	    {.destination = "//y/./z/../w/",
	     .source = "/s",
	     .options = OPTS("rbind", "rro", "rnosuid", "nodev")},
	};
	struct oci_config cfg = make_cfg(m, ARRAY_SIZE(m));
	struct mount_host h = {0};
	struct mount_plan p;
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 4);
	if (p.n != 4) {
		mount_plan_free(&p);
		return;
	}
	CHECK(p.ops[0].kind == MOUNT_OP_BIND && p.ops[0].flags == (MS_BIND | MS_REC | MS_RDONLY));
	CHECK(p.ops[0].remount &&
	      p.ops[0].remount_flags == (MS_BIND | MS_REC | MS_RDONLY | MS_REMOUNT));
	CHECK(p.ops[1].kind == MOUNT_OP_BIND && !p.ops[1].remount);
	CHECK_STR(p.ops[1].source, "/bundle/resolv.conf");
	CHECK(p.ops[1].fstype == NULL);
	CHECK(p.ops[1].n_propagation == 1 && p.ops[1].propagation[0] == (MS_PRIVATE | MS_REC));
	CHECK(p.ops[2].kind == MOUNT_OP_BIND && p.ops[2].flags == MS_BIND && !p.ops[2].remount);
	CHECK_STR(p.ops[3].dest, "/y/w");
	CHECK(p.ops[3].attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
	CHECK(p.ops[3].remount &&
	      p.ops[3].remount_flags == (MS_BIND | MS_REC | MS_NODEV | MS_REMOUNT));
	CHECK(p.setup_dev);
	mount_plan_free(&p);
}

static void test_dev_bind_and_ro(void)
{
	struct oci_mount m[] = {
	    {.destination = "/dev", .source = "/dev", .options = OPTS("rbind", "ro")},
	};
	struct oci_config cfg = make_cfg(m, 1);
	struct mount_host h = {0};
	struct mount_plan p;
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(!p.setup_dev && p.dev_ro);
	mount_plan_free(&p);
	struct oci_mount t[] = {
	    {.destination = "/dev", .type = "tmpfs", .source = "tmpfs", .options = OPTS("ro")},
	    {.destination = "/tmp", .type = "tmpfs", .source = "tmpfs", .options = OPTS("ro")},
	};
	cfg = make_cfg(t, 2);
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.setup_dev && p.dev_ro);
	/* /dev stays rw until finalize; /tmp is remounted ro right after. */
	CHECK(p.ops[0].flags == 0 && !p.ops[0].remount);
	CHECK(p.ops[1].flags == 0 && p.ops[1].remount &&
	      p.ops[1].remount_flags == (MS_RDONLY | MS_REMOUNT));
	mount_plan_free(&p);
}

static void test_errors_name_the_entry(void)
{
	struct mount_host h = {0};
	struct mount_plan p;
	struct oci_mount a[] = {
	    {.destination = "/proc", .type = "proc", .source = "proc"},
	    {.destination = "/proc/kcore", .source = "/dev/null", .options = OPTS("bind")},
	};
	struct oci_config cfg = make_cfg(a, 2);
	error *e = mount_plan_build(&cfg, &h, false, &p);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e), "mounts[1] (/proc/kcore): \"/proc/kcore\" cannot be mounted "
				      "because it is inside /proc");
	err_free(e);
	struct oci_mount b[] = {{.destination = "/proc", .type = "tmpfs", .source = "x"}};
	cfg = make_cfg(b, 1);
	e = mount_plan_build(&cfg, &h, false, &p);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e),
			  "mounts[0] (/proc): \"/proc\" cannot be mounted because it is "
			  "not of type proc");
	err_free(e);
	/* A bind onto /proc (the host's, for rootless or a shared pid
	 * namespace) is planned; applying it checks the source is a procfs. */
	struct oci_mount hostproc[] = {{.destination = "/proc",
					.type = "none",
					.source = "/proc",
					.options = OPTS("rbind", "nosuid")}};
	cfg = make_cfg(hostproc, 1);
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 1 && p.ops[0].kind == MOUNT_OP_BIND && p.ops[0].proc_source &&
	      p.ops[0].spec_source);
	mount_plan_free(&p);
	struct oci_mount c[] = {{.destination = "/mnt", .source = "x"}};
	cfg = make_cfg(c, 1);
	e = mount_plan_build(&cfg, &h, false, &p);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e), "mounts[0] (/mnt): mount type is missing");
	err_free(e);
	struct oci_mount ok[] = {{.destination = "/proc/cpuinfo",
				  .source = "/var/lib/lxcfs/proc/cpuinfo",
				  .options = OPTS("bind")}};
	cfg = make_cfg(ok, 1);
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	mount_plan_free(&p);
}

/* The kernel ignores mount data with MS_BIND: refused (runc 1.2), not dropped. */
/* A mount over "/" (an overlay of layers) is planned like any other, with "/" as its
 * destination ("/.." is "/" too); it must come first, since it would hide the mounts
 * before it (/proc with them); an overlay needs its lowerdir, and upperdir and workdir
 * together: said before anything is created. */
static void test_mount_over_root(void)
{
	struct mount_host h = {0};
	struct mount_plan p;
	struct oci_mount a[] = {
	    {.destination = "/..",
	     .type = "overlay",
	     .source = "overlay",
	     .options = OPTS("lowerdir=/l2:/l1", "upperdir=/u", "workdir=/w")},
	    {.destination = "/proc", .type = "proc", .source = "proc"},
	};
	struct oci_config cfg = make_cfg(a, 2);
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 2 && p.ops[0].kind == MOUNT_OP_MOUNT);
	if (p.n == 2) {
		CHECK_STR(p.ops[0].dest, "/");
		CHECK_STR(p.ops[0].fstype, "overlay");
		CHECK_STR(p.ops[0].data, "lowerdir=/l2:/l1,upperdir=/u,workdir=/w");
		CHECK_STR(p.ops[1].dest, "/proc");
	}
	mount_plan_free(&p);
	struct oci_mount later[] = {a[1], a[0]};
	cfg = make_cfg(later, 2);
	error *e = mount_plan_build(&cfg, &h, false, &p);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e),
			  "mounts[1] (/..): a mount over the container's root must come before the "
			  "other mounts: it would cover mounts[0] (/proc)");
	err_free(e);
	struct oci_mount twice[] = {a[0], a[0], a[1]};
	cfg = make_cfg(twice, 3);
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	mount_plan_free(&p);
	struct oci_mount nolower[] = {{.destination = "/",
				       .type = "overlay",
				       .source = "overlay",
				       .options = OPTS("upperdir=/u", "workdir=/w")}};
	cfg = make_cfg(nolower, 1);
	CHECK(e = mount_plan_validate(&cfg));
	if (e)
		CHECK_STR(err_msg(e),
			  "mounts[0] (/): overlay needs a lowerdir= option (the read-only layers)");
	err_free(e);
	struct oci_mount nowork[] = {{.destination = "/srv",
				      .type = "overlay",
				      .source = "overlay",
				      .options = OPTS("lowerdir=/l", "upperdir=/u")}};
	cfg = make_cfg(nowork, 1);
	CHECK(e = mount_plan_validate(&cfg));
	if (e)
		CHECK_STR(
		    err_msg(e),
		    "mounts[0] (/srv): overlay needs both upperdir= and workdir=, or neither");
	err_free(e);
}

static void test_bind_with_fs_options_refused(void)
{
	struct mount_host h = {0};
	struct mount_plan p;
	struct oci_mount a[] = {
	    {.destination = "/ok", .source = "/s", .options = OPTS("rbind", "ro", "nosuid")},
	    {.destination = "/b",
	     .source = "/s",
	     .options = OPTS("rbind", "size=10m", "ro", "mode=755")},
	};
	struct oci_config cfg = make_cfg(a, 2);
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[1] (/b): bind mounts cannot have filesystem-specific options: "
		  "\"size=10m,mode=755\"");
	CHECK_ERR(mount_plan_validate(&cfg), "mounts[1] (/b): bind mounts cannot have "
					     "filesystem-specific options: \"size=10m,mode=755\"");
	struct oci_mount t[] = {
	    {.destination = "/b", .type = "bind", .source = "/s", .options = OPTS("uid=0")}};
	cfg = make_cfg(t, 1);
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[0] (/b): bind mounts cannot have filesystem-specific options: \"uid=0\"");
	/* the same options on a fresh mount are the filesystem's */
	struct oci_mount f[] = {{.destination = "/t",
				 .type = "tmpfs",
				 .source = "tmpfs",
				 .options = OPTS("size=10m", "mode=755")}};
	cfg = make_cfg(f, 1);
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 1 && p.ops[0].data && strcmp(p.ops[0].data, "size=10m,mode=755") == 0);
	mount_plan_free(&p);
	CHECK_OK(mount_plan_validate(&cfg));
}

static void test_idmap_plan(void)
{
	struct mount_host h = {0};
	struct mount_plan p;
	struct oci_id_mapping um[] = {{1000, 0, 1}}, gm[] = {{2000, 0, 1}};
	struct oci_mount m[] = {
	    {.destination = "/a",
	     .source = "/s",
	     .options = OPTS("bind", "idmap"),
	     .uid_mappings = um,
	     .n_uid_mappings = 1,
	     .gid_mappings = gm,
	     .n_gid_mappings = 1},
	    {.destination = "/r",
	     .source = "/s",
	     .options = OPTS("rbind", "ridmap", "ro"),
	     .uid_mappings = um,
	     .n_uid_mappings = 1,
	     .gid_mappings = gm,
	     .n_gid_mappings = 1},
	    /* mappings without the option: applied to the top mount (runc 1.2) */
	    {.destination = "/n",
	     .source = "/s",
	     .options = OPTS("rbind"),
	     .uid_mappings = um,
	     .n_uid_mappings = 1,
	     .gid_mappings = gm,
	     .n_gid_mappings = 1},
	    {.destination = "/plain", .source = "/s", .options = OPTS("rbind")},
	};
	struct oci_config cfg = make_cfg(m, ARRAY_SIZE(m));
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 4);
	if (p.n == 4) {
		CHECK(p.ops[0].idmap == MOUNT_IDMAP_TOP && p.ops[0].uid_map == um &&
		      p.ops[0].n_uid_map == 1 && p.ops[0].gid_map == gm && p.ops[0].n_gid_map == 1);
		CHECK(p.ops[0].tree_fd == -1 && p.ops[0].data == NULL);
		CHECK(p.ops[1].idmap == MOUNT_IDMAP_RECURSIVE && (p.ops[1].flags & MS_REC));
		CHECK(p.ops[1].remount && (p.ops[1].remount_flags & MS_RDONLY));
		CHECK(p.ops[2].idmap == MOUNT_IDMAP_TOP && p.ops[2].uid_map == um);
		CHECK(p.ops[3].idmap == MOUNT_IDMAP_NONE && p.ops[3].uid_map == NULL);
		char line[512];
		mount_op_describe(&p.ops[1], line, sizeof(line));
		CHECK(strstr(line, " ridmap") != NULL);
	}
	mount_plan_free(&p);

	/* No mappings of its own: the container's user namespace. */
	struct oci_id_mapping cu[] = {{0, 100000, 65536}}, cg[] = {{0, 200000, 65536}};
	struct oci_namespace userns[] = {{.type = OCI_NS_USER}};
	struct oci_mount c[] = {
	    {.destination = "/c", .source = "/s", .options = OPTS("bind", "idmap")}};
	cfg = make_cfg(c, 1);
	cfg.has_linux = true;
	cfg.linux_.namespaces = userns;
	cfg.linux_.n_namespaces = 1;
	cfg.linux_.uid_mappings = cu;
	cfg.linux_.n_uid_mappings = 1;
	cfg.linux_.gid_mappings = cg;
	cfg.linux_.n_gid_mappings = 1;
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 1 && p.ops[0].idmap == MOUNT_IDMAP_TOP && p.ops[0].uid_map == cu &&
	      p.ops[0].gid_map == cg);
	mount_plan_free(&p);
	/* joined by path: that namespace is used (no mappings in the plan) */
	userns[0].path = "/proc/1/ns/user";
	CHECK_OK(mount_plan_build(&cfg, &h, false, &p));
	CHECK(p.n == 1 && p.ops[0].idmap == MOUNT_IDMAP_TOP && p.ops[0].uid_map == NULL);
	mount_plan_free(&p);
	userns[0].path = NULL;
	cfg.linux_.n_uid_mappings = 0;
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[0] (/c): option \"idmap\" without uidMappings and gidMappings: "
		  "linux.uidMappings and linux.gidMappings are needed");
}

static void test_idmap_errors(void)
{
	struct mount_host h = {0};
	struct mount_plan p;
	struct oci_id_mapping um[] = {{1000, 0, 1}};
	/* runtime-spec: idmap/ridmap without mappings and without a user namespace MUST fail */
	struct oci_mount a[] = {
	    {.destination = "/m", .source = "/s", .options = OPTS("rbind", "ridmap")}};
	struct oci_config cfg = make_cfg(a, 1);
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[0] (/m): option \"ridmap\" without uidMappings and gidMappings maps like "
		  "the container's user namespace, and the container has none");
	CHECK_ERR(mount_plan_validate(&cfg),
		  "mounts[0] (/m): option \"ridmap\" without uidMappings and gidMappings maps like "
		  "the container's user namespace, and the container has none");
	/* uidMappings MUST come with gidMappings */
	struct oci_mount b[] = {{.destination = "/m",
				 .source = "/s",
				 .options = OPTS("bind", "idmap"),
				 .uid_mappings = um,
				 .n_uid_mappings = 1}};
	cfg = make_cfg(b, 1);
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[0] (/m): uidMappings given without gidMappings: an idmapped mount needs "
		  "both");
	struct oci_mount b2[] = {{.destination = "/m",
				  .source = "/s",
				  .options = OPTS("bind"),
				  .gid_mappings = um,
				  .n_gid_mappings = 1}};
	cfg = make_cfg(b2, 1);
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[0] (/m): gidMappings given without uidMappings: an idmapped mount needs "
		  "both");
	/* not a bind: refused, mappings or option */
	struct oci_mount c[] = {{.destination = "/t",
				 .type = "tmpfs",
				 .source = "tmpfs",
				 .options = OPTS("idmap"),
				 .uid_mappings = um,
				 .n_uid_mappings = 1,
				 .gid_mappings = um,
				 .n_gid_mappings = 1}};
	cfg = make_cfg(c, 1);
	CHECK_ERR(
	    mount_plan_build(&cfg, &h, false, &p),
	    "mounts[0] (/t): uidMappings: idmapped mounts are supported for bind mounts only");
	struct oci_mount d[] = {{.destination = "/sys/fs/cgroup",
				 .type = "cgroup",
				 .source = "cgroup",
				 .options = OPTS("ridmap")}};
	cfg = make_cfg(d, 1);
	CHECK_ERR(mount_plan_build(&cfg, &h, false, &p),
		  "mounts[0] (/sys/fs/cgroup): ridmap: idmapped mounts are supported for bind "
		  "mounts only");
}

static void test_clean_path(void)
{
	char *s;
	CHECK_STR((s = path_join_clean("/", "a//b/../c/")), "/a/c");
	free(s);
	CHECK_STR((s = path_join_clean("/", "/../..")), "/");
	free(s);
	CHECK_STR((s = path_join_clean("/", "/dev/./pts")), "/dev/pts");
	free(s);
}

static void test_device_plan_defaults(void)
{
	struct oci_config cfg = {0};
	struct device_plan d;
	CHECK_OK(device_plan_build(&cfg, true, &d));
	CHECK(d.n_nodes == 6);
	static const char *const want[] = {"/dev/null", "/dev/random", "/dev/full",
					   "/dev/tty",	"/dev/zero",   "/dev/urandom"};
	for (size_t i = 0; i < d.n_nodes && i < 6; i++) {
		CHECK_STR(d.nodes[i].path, want[i]);
		CHECK(d.nodes[i].type == S_IFCHR && d.nodes[i].mode == 0666);
		CHECK(d.nodes[i].uid == 0 && d.nodes[i].gid == 0);
	}
	CHECK(d.nodes[0].major == 1 && d.nodes[0].minor == 3);
	CHECK(d.nodes[3].major == 5 && d.nodes[3].minor == 0);
	CHECK(d.n_links == 6);
	if (d.n_links == 6) {
		CHECK_STR(d.links[0].path, "/dev/ptmx");
		CHECK_STR(d.links[0].target, "pts/ptmx");
		CHECK(d.links[0].replace);
		CHECK_STR(d.links[1].target, "/proc/self/fd");
		CHECK_STR(d.links[2].path, "/dev/stdin");
		CHECK_STR(d.links[4].target, "/proc/self/fd/2");
		CHECK_STR(d.links[5].path, "/dev/core");
		CHECK_STR(d.links[5].target, "/proc/kcore");
	}
	device_plan_free(&d);
	CHECK_OK(device_plan_build(&cfg, false, &d));
	CHECK(d.n_links == 5); /* no /proc/kcore on the host: no /dev/core */
	device_plan_free(&d);
}

static void test_device_plan_spec_devices(void)
{
	struct oci_device devs[] = {
	    {.path = "/dev/null",
	     .type = 'c',
	     .major = 1,
	     .minor = 3,
	     .file_mode = {true, 0620 | S_IFCHR},
	     .uid = {true, 7},
	     .gid = {true, 8}},
	    {.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229},
	    {.path = "/dev/loop0", .type = 'b', .major = 7, .minor = 0, .file_mode = {true, 0660}},
	    {.path = "/dev/x/../fifo", .type = 'p'},
	    {.path = "/dev/u", .type = 'u', .major = 4, .minor = 1},
	};
	struct oci_config cfg = {0};
	cfg.linux_.devices = devs;
	cfg.linux_.n_devices = ARRAY_SIZE(devs);
	struct device_plan d;
	CHECK_OK(device_plan_build(&cfg, false, &d));
	CHECK(d.n_nodes == 5 + 5); /* /dev/null overridden by the spec */
	if (d.n_nodes == 10) {
		CHECK_STR(d.nodes[0].path, "/dev/random");
		CHECK_STR(d.nodes[5].path, "/dev/null");
		CHECK(d.nodes[5].mode == 0620 && d.nodes[5].uid == 7 && d.nodes[5].gid == 8);
		CHECK(d.nodes[6].mode == 0666 && d.nodes[6].major == 10 && d.nodes[6].minor == 229);
		CHECK(d.nodes[7].type == S_IFBLK && d.nodes[7].mode == 0660);
		CHECK(d.nodes[8].type == S_IFIFO);
		CHECK_STR(d.nodes[8].path, "/dev/fifo");
		CHECK(d.nodes[9].type == S_IFCHR);
	}
	device_plan_free(&d);
	struct oci_device bad[] = {{.path = "/dev/q", .type = 'x'}};
	cfg.linux_.devices = bad;
	cfg.linux_.n_devices = 1;
	error *e = device_plan_build(&cfg, false, &d);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e), "linux.devices[0] (/dev/q): unknown device type 'x'");
	err_free(e);
	struct oci_device root[] = {{.path = "/dev/..", .type = 'c'}};
	cfg.linux_.devices = root;
	e = device_plan_build(&cfg, false, &d);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e), "linux.devices[0]: path must name a file below /");
	err_free(e);
}

/* --no-pivot: whole proc and sysfs mounts outside the rootfs, in mountinfo order; not the
 * container's own (below the rootfs, spaces escaped), not partial ones (a bind of a subdir). */
static void test_no_pivot_hide_plan(void)
{
	const char *mi = "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
			 "23 1 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"
			 "24 22 0:40 / /proc/sys/fs/binfmt_misc rw - autofs systemd-1 rw\n"
			 "25 1 0:21 /sys /srv/procsys ro - proc proc rw\n"
			 "26 1 8:1 / /b/my\\040root rw - ext4 /dev/sda1 rw\n"
			 "27 26 0:50 / /b/my\\040root/proc rw - proc proc rw\n"
			 "28 26 0:51 / /b/my\\040root/sys ro - sysfs sysfs ro\n"
			 "29 1 0:52 / /b/my\\040rootfs2/proc rw - proc proc rw\n"
			 "30 1 0:53 / /run/x rw - tmpfs tmpfs rw\n";
	char **v = NULL;
	size_t n = 0;
	CHECK_OK(mount_no_pivot_hide_plan(mi, "/b/my root", &v, &n));
	CHECK(n == 3);
	if (n == 3) {
		CHECK_STR(v[0], "/proc");
		CHECK_STR(v[1], "/sys");
		CHECK_STR(v[2], "/b/my rootfs2/proc");
		CHECK(v[3] == NULL);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	CHECK_OK(mount_no_pivot_hide_plan("", "/r", &v, &n));
	CHECK(n == 0);
	free(v);
}

int main(void)
{
	RUN_TEST(test_host_parse_hybrid);
	RUN_TEST(test_host_parse_v2);
	RUN_TEST(test_default_spec_hybrid);
	RUN_TEST(test_cgroup_v1_with_cgroupns);
	RUN_TEST(test_cgroup_v2);
	RUN_TEST(test_binds);
	RUN_TEST(test_dev_bind_and_ro);
	RUN_TEST(test_errors_name_the_entry);
	RUN_TEST(test_mount_over_root);
	RUN_TEST(test_bind_with_fs_options_refused);
	RUN_TEST(test_idmap_plan);
	RUN_TEST(test_idmap_errors);
	RUN_TEST(test_clean_path);
	RUN_TEST(test_device_plan_defaults);
	RUN_TEST(test_device_plan_spec_devices);
	RUN_TEST(test_no_pivot_hide_plan);
	UNIT_MAIN_END();
}
