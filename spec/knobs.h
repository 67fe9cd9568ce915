/* Knobs of `isorun spec`: each flag turns one knob of runc's default config
 * (share a namespace with the host, a memory/pids/cpu limit, a seccomp
 * profile, capabilities, a user namespace, the command...). The result is
 * still a plain OCI config.json that runc runs too. Parsing the flag values
 * is pure (unit-tested); spec_default_json_knobs() writes the document. */
#ifndef ISORUN_SPEC_KNOBS_H
#define ISORUN_SPEC_KNOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

/* Namespaces --share removes from the default (so the host's is kept). */
enum {
	KNOB_NS_PID = 1,
	KNOB_NS_NET = 2,
	KNOB_NS_IPC = 4,
	KNOB_NS_UTS = 8,
	KNOB_NS_CGROUP = 16,
};

enum knob_seccomp {
	KNOB_SECCOMP_UNSET, /* the default config has no linux.seccomp */
	KNOB_SECCOMP_NONE,
	KNOB_SECCOMP_DEFAULT, /* the built-in deny list */
	KNOB_SECCOMP_FILE,    /* a file's JSON as linux.seccomp */
};

struct spec_knobs {
	unsigned share;	   /* KNOB_NS_* */
	int64_t memory;	   /* bytes, 0: unset */
	int64_t pids;	   /* 0: unset */
	int64_t cpu_quota; /* 0: unset; with cpu_period */
	uint64_t cpu_period;
	char *cpuset; /* cpus, NULL: unset */
	int readonly; /* -1 unset, 0 writable, 1 readonly */
	enum knob_seccomp seccomp;
	void *seccomp_tree; /* KNOB_SECCOMP_FILE: the parsed file (opaque outside spec/) */
	char **caps;	    /* final capability list (all sets), NULL: the default */
	bool userns;
	char *hostname;
	char **args; /* process.args, NULL: the default "sh" (and terminal stays true) */
};

/* The host ids --userns maps container root to. */
#define KNOB_USERNS_HOST_ID 100000u
#define KNOB_USERNS_SIZE    65536u

void knobs_init(struct spec_knobs *k);
void knobs_free(struct spec_knobs *k);

/* "--share pid,net": adds to k->share. mount is refused (the rootfs lives in
 * the container's mount namespace), unknown names too. */
error *knobs_parse_share(const char *list, unsigned *share);
/* "64M", "512k", "1G", "1048576" (binary units, optional trailing B). */
error *knobs_parse_size(const char *s, int64_t *out);
/* "0.5" -> quota 50000, period 100000. */
error *knobs_parse_cpus(const char *s, int64_t *quota, uint64_t *period);
/* "0", "0-1", "0,1": checked for shape only. */
error *knobs_check_cpuset(const char *s);
/* Splits a command line the way a shell would for simple quoting: blanks
 * separate words, '...' is literal, "..." allows \" \\ \$ \`, a backslash
 * outside quotes escapes the next character. No expansions. */
error *knobs_split_args(const char *s, char ***out);
/* "--seccomp default|none|FILE". */
error *knobs_set_seccomp(struct spec_knobs *k, const char *v);
/* --cap-add/--cap-drop on top of the default capabilities: "NET_ADMIN" or
 * "CAP_NET_ADMIN", any case; drops win over adds. Fills k->caps. */
error *knobs_set_caps(struct spec_knobs *k, const char *const *add, const char *const *drop);
/* Cross-flag checks (e.g. --hostname with --share uts, --userns with --rootless). */
error *knobs_validate(const struct spec_knobs *k, bool rootless);

/* The default config (runc's, as spec_default_json) with the knobs applied;
 * k NULL: exactly spec_default_json(rootless). malloc'd, NULL on ENOMEM. */
char *spec_default_json_knobs(bool rootless, const struct spec_knobs *k);

/* For default_spec.c: writes linux.seccomp for k (nothing when unset/none). */
struct go_json;
void knobs_write_seccomp(struct go_json *w, const struct spec_knobs *k);

#endif
