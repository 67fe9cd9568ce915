/* The one reader of /proc/PID/mountinfo (proc(5)). A line is
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * mount id, parent id, major:minor, root, mount point, mount options, zero or
 * more optional fields, "-", fs type, source, super options. The kernel escapes
 * space, tab, newline and backslash in paths as \ooo; the entries hold them
 * decoded. */
#ifndef ISORUN_COMMON_MOUNTINFO_H
#define ISORUN_COMMON_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct mountinfo_entry {
	unsigned mount_id, parent_id;
	unsigned major, minor;
	char *root;	     /* decoded */
	char *mount_point;   /* decoded */
	char *mount_options; /* per-mount: "rw,nosuid,relatime" */
	char *optional;	     /* "shared:1 master:2", "" when none */
	char *fstype;	     /* decoded */
	char *source;	     /* decoded; may be "" (a mount made with an empty source) */
	char *super_options; /* per-superblock: "rw,size=65536k", "rw,cpu,cpuacct" */
};

/* Parses one line (without its newline) in place: the strings of *out point
 * into line. A malformed line is an error that says what is wrong with it. */
error *mountinfo_parse_line(char *line, struct mountinfo_entry *out);

/* A whole mountinfo file; the entries point into buf. */
struct mountinfo {
	struct mountinfo_entry *v;
	size_t n;
	size_t skipped; /* malformed lines left out (the kernel writes none) */
	char *buf;
};

/* Every well-formed line of text, in order (later mounts stack on earlier). */
error *mountinfo_parse(const char *text, struct mountinfo *out);
/* The same from a file, e.g. "/proc/self/mountinfo". */
error *mountinfo_read(const char *path, struct mountinfo *out);
void mountinfo_free(struct mountinfo *m);
static inline void mountinfo_freep(struct mountinfo *m)
{
	mountinfo_free(m);
}
#define _cleanup_mountinfo_ __attribute__((cleanup(mountinfo_freep)))

/* Whether the optional field tag ("shared", "master", "propagate_from",
 * "unbindable") is present; *value (if not NULL) gets its number, 0 if none. */
bool mountinfo_optional(const struct mountinfo_entry *e, const char *tag, unsigned *value);
/* (Options are comma lists: str_list_has in common/util.h.) */
/* The mount that holds the absolute, clean path: the last entry whose mount
 * point is path or one of its parents (mounts at the same point stack). NULL
 * when none (no "/" entry). */
const struct mountinfo_entry *mountinfo_mount_of(const struct mountinfo *m, const char *path);

#endif
