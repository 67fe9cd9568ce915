#include "runtime/child/mount_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

/* The same table as runc's specconv (parseMountOptions): "clear" options
 * undo a flag an earlier option set, so the last word wins. */
static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} flag_table[] = {
    {"acl", false, MS_POSIXACL},
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noacl", true, MS_POSIXACL},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"sync", false, MS_SYNCHRONOUS},
};

static const struct {
	const char *name;
	unsigned long flag;
} prop_table[] = {
    {"private", MS_PRIVATE},
    {"shared", MS_SHARED},
    {"slave", MS_SLAVE},
    {"unbindable", MS_UNBINDABLE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"rshared", MS_SHARED | MS_REC},
    {"rslave", MS_SLAVE | MS_REC},
    {"runbindable", MS_UNBINDABLE | MS_REC},
};

static const struct {
	const char *name;
	bool clear;
	uint64_t attr;
} rattr_table[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

static bool is_atime_attr(uint64_t a)
{
	return (a & MOUNT_ATTR__ATIME) == a;
}

static error *data_append(char **data, const char *opt)
{
	char *n = NULL;
	if (asprintf(&n, "%s%s%s", *data ? *data : "", *data ? "," : "", opt) < 0)
		return err_sys(ENOMEM, "mount options");
	free(*data);
	*data = n;
	return NULL;
}

error *mount_options_parse(char *const *opts, struct mount_options *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		bool done = false;
		for (size_t k = 0; k < sizeof(flag_table) / sizeof(flag_table[0]) && !done; k++) {
			if (strcmp(o, flag_table[k].name) != 0)
				continue;
			if (flag_table[k].clear)
				out->flags &= ~flag_table[k].flag;
			else
				out->flags |= flag_table[k].flag;
			if (flag_table[k].flag & MS_BIND)
				out->bind = true;
			done = true;
		}
		for (size_t k = 0; k < sizeof(prop_table) / sizeof(prop_table[0]) && !done; k++) {
			if (strcmp(o, prop_table[k].name) != 0)
				continue;
			if (out->n_propagation == MOUNT_MAX_PROPAGATION) {
				mount_options_free(out);
				return err_new("mount options: too many propagation options");
			}
			out->propagation[out->n_propagation++] = prop_table[k].flag;
			done = true;
		}
		for (size_t k = 0; k < sizeof(rattr_table) / sizeof(rattr_table[0]) && !done; k++) {
			if (strcmp(o, rattr_table[k].name) != 0)
				continue;
			uint64_t a = rattr_table[k].attr;
			/* The kernel takes the atime mode as one field: setting
			 * any of it must clear the whole field, and clearing part
			 * of it is EINVAL, so "ratime"/"rnorelatime" reset the
			 * field to the default (relatime). */
			if (is_atime_attr(a)) {
				out->attr_clr |= MOUNT_ATTR__ATIME;
				out->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
				if (!rattr_table[k].clear)
					out->attr_set |= a;
			} else if (rattr_table[k].clear) {
				out->attr_clr |= a;
				out->attr_set &= ~a;
			} else {
				out->attr_set |= a;
				out->attr_clr &= ~a;
			}
			done = true;
		}
		if (!done && strcmp(o, "tmpcopyup") == 0) {
			out->tmpcopyup = true;
			done = true;
		}
		if (!done && (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0)) {
			out->idmap = o[0] == 'r' ? MOUNT_IDMAP_RECURSIVE : MOUNT_IDMAP_TOP;
			done = true;
		}
		if (!done) {
			error *e = data_append(&out->data, o);
			if (e) {
				mount_options_free(out);
				return e;
			}
		}
	}
	return NULL;
}

void mount_options_free(struct mount_options *o)
{
	free(o->data);
	o->data = NULL;
}

void mount_flags_describe(unsigned long flags, char *buf, size_t len)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} names[] = {
	    {MS_BIND, "bind"},
	    {MS_REC, "rec"},
	    {MS_REMOUNT, "remount"},
	    {MS_NOSUID, "nosuid"},
	    {MS_NODEV, "nodev"},
	    {MS_NOEXEC, "noexec"},
	    {MS_SYNCHRONOUS, "sync"},
	    {MS_DIRSYNC, "dirsync"},
	    {MS_MANDLOCK, "mand"},
	    {MS_NOATIME, "noatime"},
	    {MS_NODIRATIME, "nodiratime"},
	    {MS_RELATIME, "relatime"},
	    {MS_STRICTATIME, "strictatime"},
	    {MS_LAZYTIME, "lazytime"},
	    {MS_NOSYMFOLLOW, "nosymfollow"},
	    {MS_SILENT, "silent"},
	    {MS_POSIXACL, "acl"},
	    {MS_I_VERSION, "iversion"},
	    {MS_MOVE, "move"},
	};
	size_t used = 0;
	if (len == 0)
		return;
	int n = snprintf(buf, len, "%s", (flags & MS_RDONLY) ? "ro" : "rw");
	used = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && used < len; i++) {
		if (!(flags & names[i].flag))
			continue;
		n = snprintf(buf + used, len - used, ",%s", names[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

const char *mount_propagation_name(unsigned long prop)
{
	for (size_t k = 0; k < sizeof(prop_table) / sizeof(prop_table[0]); k++)
		if (prop_table[k].flag == prop)
			return prop_table[k].name;
	return "?";
}

unsigned long mount_propagation_parse(const char *name)
{
	for (size_t k = 0; name && k < sizeof(prop_table) / sizeof(prop_table[0]); k++)
		if (strcmp(prop_table[k].name, name) == 0)
			return prop_table[k].flag;
	return 0;
}
