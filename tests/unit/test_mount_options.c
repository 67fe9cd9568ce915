/* mount_options_parse: runc's option table, last word wins, r* attributes,
 * propagation in order, the rest as data. */
#include <sys/mount.h>

#include "runtime/child/mount_options.h"
#include "tests/unit/unit.h"

#define OPTS(...) ((char *const[]){__VA_ARGS__, NULL})

static void test_empty(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(NULL, &o));
	CHECK(o.flags == 0 && o.n_propagation == 0 && !o.data && !o.bind);
	mount_options_free(&o);
}

static void test_flags(void)
{
	struct mount_options o;
	CHECK_OK(
	    mount_options_parse(OPTS("ro", "nosuid", "nodev", "noexec", "sync", "dirsync", "mand",
				     "noatime", "nodiratime", "relatime", "strictatime", "lazytime",
				     "nosymfollow", "remount", "silent", "acl", "iversion"),
				&o));
	unsigned long want = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS |
			     MS_DIRSYNC | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME | MS_RELATIME |
			     MS_STRICTATIME | MS_LAZYTIME | 256 /* MS_NOSYMFOLLOW */ | MS_REMOUNT |
			     MS_SILENT | MS_POSIXACL | MS_I_VERSION;
	CHECK(o.flags == want);
	CHECK(!o.data);
	mount_options_free(&o);
}

static void test_clearing_words(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(OPTS("ro", "nosuid", "nodev", "noexec", "sync", "mand",
					  "noatime", "nodiratime", "relatime", "strictatime",
					  "lazytime", "nosymfollow", "rw", "suid", "dev", "exec",
					  "async", "nomand", "atime", "diratime", "norelatime",
					  "nostrictatime", "nolazytime", "symfollow"),
				     &o));
	CHECK(o.flags == 0);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rw", "ro"), &o));
	CHECK(o.flags == MS_RDONLY);
	mount_options_free(&o);
}

static void test_bind(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(OPTS("bind"), &o));
	CHECK(o.bind && o.flags == MS_BIND);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rbind", "ro"), &o));
	CHECK(o.bind && o.flags == (MS_BIND | MS_REC | MS_RDONLY));
	mount_options_free(&o);
}

static void test_propagation(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(OPTS("private", "rshared", "slave", "runbindable", "rprivate",
					  "shared", "rslave", "unbindable"),
				     &o));
	CHECK(o.n_propagation == 8);
	CHECK(o.propagation[0] == MS_PRIVATE);
	CHECK(o.propagation[1] == (MS_SHARED | MS_REC));
	CHECK(o.propagation[2] == MS_SLAVE);
	CHECK(o.propagation[3] == (MS_UNBINDABLE | MS_REC));
	CHECK(o.propagation[4] == (MS_PRIVATE | MS_REC));
	CHECK(o.propagation[5] == MS_SHARED);
	CHECK(o.propagation[6] == (MS_SLAVE | MS_REC));
	CHECK(o.propagation[7] == MS_UNBINDABLE);
	CHECK(o.flags == 0);
	mount_options_free(&o);
	CHECK_STR(mount_propagation_name(MS_SLAVE | MS_REC), "rslave");
	CHECK(mount_propagation_parse("rprivate") == (MS_PRIVATE | MS_REC));
	CHECK(mount_propagation_parse("bogus") == 0);
	CHECK(mount_propagation_parse(NULL) == 0);
}

static void test_recursive_attrs(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(
	    OPTS("rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"), &o));
	CHECK(o.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | 0x00200000));
	CHECK(o.attr_clr == 0);
	CHECK(o.flags == 0);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(
	    OPTS("rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"), &o));
	CHECK(o.attr_set == 0);
	CHECK(o.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | 0x00200000));
	mount_options_free(&o);
}

static void test_atime_attrs(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(OPTS("rnoatime"), &o));
	CHECK(o.attr_set == MOUNT_ATTR_NOATIME && o.attr_clr == MOUNT_ATTR__ATIME);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rnoatime", "rstrictatime"), &o));
	CHECK(o.attr_set == MOUNT_ATTR_STRICTATIME && o.attr_clr == MOUNT_ATTR__ATIME);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rnoatime", "ratime"), &o));
	CHECK(o.attr_set == 0 && o.attr_clr == MOUNT_ATTR__ATIME);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rrelatime"), &o));
	CHECK(o.attr_set == MOUNT_ATTR_RELATIME && o.attr_clr == MOUNT_ATTR__ATIME);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rnorelatime"), &o));
	CHECK(o.attr_clr == MOUNT_ATTR__ATIME);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rnostrictatime"), &o));
	CHECK(o.attr_clr == MOUNT_ATTR__ATIME);
	mount_options_free(&o);
}

static void test_data_and_tmpcopyup(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(
	    OPTS("nosuid", "mode=755", "size=65536k", "tmpcopyup", "newinstance", "defaults"), &o));
	CHECK(o.flags == MS_NOSUID);
	CHECK(o.tmpcopyup);
	CHECK_STR(o.data, "mode=755,size=65536k,newinstance");
	mount_options_free(&o);
	CHECK(o.data == NULL);
}

/* idmap / ridmap are the runtime's, never mount data; the last one given wins. */
static void test_idmap_options(void)
{
	struct mount_options o;
	CHECK_OK(mount_options_parse(OPTS("rbind", "idmap"), &o));
	CHECK(o.idmap == MOUNT_IDMAP_TOP && o.data == NULL && o.bind);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("rbind", "ridmap", "ro"), &o));
	CHECK(o.idmap == MOUNT_IDMAP_RECURSIVE && o.data == NULL);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("ridmap", "idmap"), &o));
	CHECK(o.idmap == MOUNT_IDMAP_TOP);
	mount_options_free(&o);
	CHECK_OK(mount_options_parse(OPTS("bind"), &o));
	CHECK(o.idmap == MOUNT_IDMAP_NONE);
	mount_options_free(&o);
	/* crun's "idmap=uids=..." syntax is not ours: it stays data */
	CHECK_OK(mount_options_parse(OPTS("idmap=uids=0-1-10"), &o));
	CHECK(o.idmap == MOUNT_IDMAP_NONE);
	CHECK_STR(o.data, "idmap=uids=0-1-10");
	mount_options_free(&o);
}

static void test_describe(void)
{
	char buf[128];
	mount_flags_describe(MS_RDONLY | MS_NOSUID | MS_BIND, buf, sizeof(buf));
	CHECK_STR(buf, "ro,bind,nosuid");
	mount_flags_describe(0, buf, sizeof(buf));
	CHECK_STR(buf, "rw");
	char tiny[4];
	mount_flags_describe(MS_RDONLY | MS_NOSUID | MS_NODEV, tiny, sizeof(tiny));
	CHECK(strlen(tiny) < sizeof(tiny));
}

int main(void)
{
	RUN_TEST(test_empty);
	RUN_TEST(test_flags);
	RUN_TEST(test_clearing_words);
	RUN_TEST(test_bind);
	RUN_TEST(test_propagation);
	RUN_TEST(test_recursive_attrs);
	RUN_TEST(test_atime_attrs);
	RUN_TEST(test_data_and_tmpcopyup);
	RUN_TEST(test_idmap_options);
	RUN_TEST(test_describe);
	UNIT_MAIN_END();
}
