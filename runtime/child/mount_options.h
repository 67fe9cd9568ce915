/* Mount option strings (config.json mounts[].options) -> what mount(2) and
 * mount_setattr(2) need. Pure: no syscalls, unit tested. */
#ifndef ISORUN_RUNTIME_CHILD_MOUNT_OPTIONS_H
#define ISORUN_RUNTIME_CHILD_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define MOUNT_MAX_PROPAGATION 8

/* The idmap / ridmap options (runtime-spec 1.2): never passed to mount(2). */
enum mount_idmap {
	MOUNT_IDMAP_NONE,
	MOUNT_IDMAP_TOP,       /* idmap: only the top mount of the tree is mapped */
	MOUNT_IDMAP_RECURSIVE, /* ridmap: every mount of an rbind tree is mapped */
};

struct mount_options {
	unsigned long flags;				  /* MS_* for mount(2), no propagation */
	unsigned long propagation[MOUNT_MAX_PROPAGATION]; /* MS_SHARED|MS_REC ..., in order */
	size_t n_propagation;
	/* Recursive attributes (rro, rnosuid, ...) for mount_setattr(AT_RECURSIVE). */
	uint64_t attr_set, attr_clr;
	bool bind; /* bind or rbind was given */
	bool tmpcopyup;
	enum mount_idmap idmap; /* the last of idmap/ridmap given */
	char *data;		/* everything unrecognised, comma-joined; NULL when none */
};

/* Parses a NULL-terminated option list (NULL is fine). Later options override
 * earlier ones, as in runc ("ro,rw" is rw). Unknown options go to ->data. */
error *mount_options_parse(char *const *opts, struct mount_options *out);
void mount_options_free(struct mount_options *o);

/* "rw,nosuid,..." style rendering of MS_* flags, for --debug plans. Writes
 * into buf (always NUL-terminated). */
void mount_flags_describe(unsigned long flags, char *buf, size_t len);
/* "rprivate", "shared", ... for one propagation value; "?" if unknown. */
const char *mount_propagation_name(unsigned long prop);
/* Parses a linux.rootfsPropagation value ("rslave", "private", ...), 0 on failure. */
unsigned long mount_propagation_parse(const char *name);

#endif
