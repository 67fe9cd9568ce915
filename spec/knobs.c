/* Parsing the knob flags of `isorun spec` and writing the parts of the
 * document that do not come from runc's default tables (the seccomp profile).
 * See spec/knobs.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <yajl/yajl_tree.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/go_json.h"
#include "spec/json_util.h"
#include "spec/knobs.h"

void knobs_init(struct spec_knobs *k)
{
	memset(k, 0, sizeof(*k));
	k->readonly = -1;
}

void knobs_free(struct spec_knobs *k)
{
	free(k->cpuset);
	free(k->hostname);
	strv_free(k->caps);
	strv_free(k->args);
	if (k->seccomp_tree)
		yajl_tree_free(k->seccomp_tree);
	knobs_init(k);
}

error *knobs_parse_share(const char *list, unsigned *share)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	    {"pid", KNOB_NS_PID}, {"network", KNOB_NS_NET}, {"net", KNOB_NS_NET},
	    {"ipc", KNOB_NS_IPC}, {"uts", KNOB_NS_UTS},	    {"cgroup", KNOB_NS_CGROUP},
	};
	_cleanup_free_ char *copy = strdup(list);
	if (!copy)
		return err_errno("--share");
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "mount") || !strcmp(tok, "mnt"))
			return err_kind_new(
			    ERR_BAD_CONFIG,
			    "--share %s: refused: the container's rootfs is set up with "
			    "pivot_root in its own mount namespace",
			    tok);
		if (!strcmp(tok, "user"))
			return err_kind_new(
			    ERR_BAD_CONFIG,
			    "--share user: the default config already uses the host's "
			    "user namespace (--userns adds a private one)");
		bool found = false;
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcmp(tok, names[i].name)) {
				*share |= names[i].bit;
				found = true;
			}
		if (!found)
			return err_kind_new(
			    ERR_BAD_CONFIG,
			    "--share %s: unknown namespace (want pid, net, ipc, uts, "
			    "cgroup)",
			    tok);
	}
	return NULL;
}

error *knobs_parse_size(const char *s, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	if (!s || !isdigit((unsigned char)*s))
		return err_kind_new(ERR_BAD_CONFIG, "invalid size \"%s\" (want e.g. 64M, 512K, 1G)",
				    s ? s : "");
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return err_kind_new(ERR_BAD_CONFIG, "invalid size \"%s\": out of range", s);
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		break;
	}
	if (shift && !strcasecmp(end, "ib"))
		end += 2;
	else if (toupper((unsigned char)*end) == 'B')
		end++;
	if (*end)
		return err_kind_new(ERR_BAD_CONFIG, "invalid size \"%s\" (want e.g. 64M, 512K, 1G)",
				    s);
	if (v == 0)
		return err_kind_new(ERR_BAD_CONFIG, "invalid size \"%s\": must be above 0", s);
	if (v > ((unsigned long long)INT64_MAX >> shift))
		return err_kind_new(ERR_BAD_CONFIG, "invalid size \"%s\": out of range", s);
	*out = (int64_t)(v << shift);
	return NULL;
}

error *knobs_parse_cpus(const char *s, int64_t *quota, uint64_t *period)
{
	/* Fixed point by hand: "0.5" must give exactly 50000, whatever the
	 * float rounding would do. */
	const uint64_t per = 100000;
	uint64_t whole = 0, frac = 0, scale = per;
	const char *p = s;
	bool digits = false;
	for (; isdigit((unsigned char)*p); p++, digits = true) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 1000000)
			return err_kind_new(ERR_BAD_CONFIG, "--cpus %s: out of range", s);
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, digits = true) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p || !digits)
		return err_kind_new(ERR_BAD_CONFIG,
				    "--cpus %s: want a decimal number of CPUs, e.g. 0.5", s);
	uint64_t q = whole * per + frac;
	if (q < 1000)
		return err_kind_new(ERR_BAD_CONFIG,
				    "--cpus %s: below the kernel's minimum quota (0.01)", s);
	*quota = (int64_t)q;
	*period = per;
	return NULL;
}

error *knobs_check_cpuset(const char *s)
{
	if (!*s)
		return err_kind_new(ERR_BAD_CONFIG, "--cpuset: empty");
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ',' && *p != '-')
			return err_kind_new(ERR_BAD_CONFIG,
					    "--cpuset %s: want a list like 0 or 0-1 or 0,2", s);
	return NULL;
}

error *knobs_split_args(const char *s, char ***out)
{
	_cleanup_strv_ char **v = calloc(1, sizeof(char *));
	size_t cap = strlen(s) + 1;
	_cleanup_free_ char *word = malloc(cap);
	if (!v || !word)
		return err_errno("--args");
	size_t n = 0;
	bool in_word = false;
	const char *p = s;
	while (*p) {
		char c = *p++;
		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				word[n] = 0;
				if (strv_push(&v, word) < 0)
					return err_errno("--args");
				n = 0;
				in_word = false;
			}
			continue;
		}
		in_word = true;
		if (c == '\'') {
			while (*p && *p != '\'')
				word[n++] = *p++;
			if (!*p)
				return err_kind_new(ERR_BAD_CONFIG, "--args: unterminated ' quote");
			p++;
		} else if (c == '"') {
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				word[n++] = *p++;
			}
			if (!*p)
				return err_kind_new(ERR_BAD_CONFIG,
						    "--args: unterminated \" quote");
			p++;
		} else if (c == '\\') {
			if (!*p)
				return err_kind_new(ERR_BAD_CONFIG, "--args: trailing backslash");
			word[n++] = *p++;
		} else {
			word[n++] = c;
		}
	}
	if (in_word) {
		word[n] = 0;
		if (strv_push(&v, word) < 0)
			return err_errno("--args");
	}
	if (!v[0])
		return err_kind_new(ERR_BAD_CONFIG, "--args: empty command");
	*out = steal_ptr(v);
	return NULL;
}

error *knobs_set_seccomp(struct spec_knobs *k, const char *v)
{
	if (k->seccomp_tree) {
		yajl_tree_free(k->seccomp_tree);
		k->seccomp_tree = NULL;
	}
	if (!strcmp(v, "none")) {
		k->seccomp = KNOB_SECCOMP_NONE;
		return NULL;
	}
	if (!strcmp(v, "default")) {
		k->seccomp = KNOB_SECCOMP_DEFAULT;
		return NULL;
	}
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file(v, &text, &len);
	if (e)
		return err_wrap(e, "--seccomp");
	yajl_val tree = NULL;
	if ((e = jparse(text, len, &tree)))
		return err_wrap(e, "--seccomp %s", v);
	/* Checked with the runtime's own parser, so a profile that isorun would
	 * refuse fails here, at spec time, with the field named. */
	struct oci_seccomp sc;
	memset(&sc, 0, sizeof(sc));
	struct jpath root = JROOT, lin = JKEY(&root, "linux"), path = JKEY(&lin, "seccomp");
	e = spec_parse_seccomp_obj(&path, tree, &sc);
	spec_seccomp_clear(&sc);
	if (e) {
		yajl_tree_free(tree);
		return err_wrap(e, "--seccomp %s", v);
	}
	k->seccomp = KNOB_SECCOMP_FILE;
	k->seccomp_tree = tree;
	return NULL;
}

/* "net_admin" / "CAP_NET_ADMIN" -> "CAP_NET_ADMIN", checked against libcap's
 * names (which are lower case). */
static error *cap_canonical(const char *in, char **out)
{
	_cleanup_free_ char *up = str_printf("%s%s", strncasecmp(in, "CAP_", 4) ? "CAP_" : "", in);
	if (!up)
		return err_errno("capability %s", in);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	_cleanup_free_ char *lower = strdup(up);
	if (!lower)
		return err_errno("capability %s", in);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	cap_value_t cv;
	if (cap_from_name(lower, &cv) < 0)
		return err_kind_new(ERR_BAD_CONFIG, "unknown capability \"%s\"", in);
	*out = steal_ptr(up);
	return NULL;
}

error *knobs_set_caps(struct spec_knobs *k, const char *const *add, const char *const *drop)
{
	static const char *const defaults[] = {"CAP_AUDIT_WRITE", "CAP_KILL",
					       "CAP_NET_BIND_SERVICE", NULL};
	_cleanup_strv_ char **caps = strv_dup((char *const *)defaults);
	_cleanup_strv_ char **drops = calloc(1, sizeof(char *));
	if (!caps || !drops)
		return err_errno("capabilities");
	for (size_t i = 0; drop && drop[i]; i++) {
		_cleanup_free_ char *c = NULL;
		error *e = cap_canonical(drop[i], &c);
		if (e)
			return err_wrap(e, "--cap-drop");
		if (strv_push(&drops, c) < 0)
			return err_errno("--cap-drop");
	}
	for (size_t i = 0; add && add[i]; i++) {
		_cleanup_free_ char *c = NULL;
		error *e = cap_canonical(add[i], &c);
		if (e)
			return err_wrap(e, "--cap-add");
		if (!strv_contains(caps, c) && strv_push(&caps, c) < 0)
			return err_errno("--cap-add");
	}
	/* Drops win: remove them in place. */
	size_t w = 0;
	for (size_t r = 0; caps[r]; r++) {
		if (strv_contains(drops, caps[r]))
			free(caps[r]);
		else
			caps[w++] = caps[r];
	}
	caps[w] = NULL;
	strv_free(k->caps);
	k->caps = steal_ptr(caps);
	return NULL;
}

error *knobs_validate(const struct spec_knobs *k, bool rootless)
{
	if (k->hostname && (k->share & KNOB_NS_UTS))
		return err_kind_new(
		    ERR_BAD_CONFIG,
		    "--hostname needs a private UTS namespace: not with --share uts");
	if (k->userns && rootless)
		return err_kind_new(ERR_BAD_CONFIG,
				    "--userns: --rootless already maps the container to your user");
	return NULL;
}

/* A yajl tree through the Go-style writer, so the inserted profile is
 * indented like the rest of the document. */
static void write_tree(struct go_json *w, const char *key, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		go_json_begin_object(w, key);
		for (size_t i = 0; i < v->u.object.len; i++)
			write_tree(w, v->u.object.keys[i], v->u.object.values[i]);
		go_json_end_object(w);
	} else if (YAJL_IS_ARRAY(v)) {
		go_json_begin_array(w, key);
		for (size_t i = 0; i < v->u.array.len; i++)
			write_tree(w, NULL, v->u.array.values[i]);
		go_json_end_array(w);
	} else if (YAJL_IS_STRING(v)) {
		go_json_string(w, key, v->u.string);
	} else if (YAJL_IS_INTEGER(v)) {
		go_json_int(w, key, v->u.number.i);
	} else if (YAJL_IS_NUMBER(v)) {
		/* Seccomp profiles hold integers only; the parser refused anything
		 * else that matters, so a stray fraction is truncated. */
		go_json_int(w, key, (long long)v->u.number.d);
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		go_json_bool(w, key, YAJL_IS_TRUE(v));
	}
	/* null: omitted, which Go reads the same way */
}

/* Syscalls no ordinary container needs and that reach kernel state shared
 * with the host (modules, kexec, clocks, keyrings, other processes' memory,
 * new namespaces, mounts): a short cousin of Docker's default profile. */
static const char *const denied_syscalls[] = {
    "acct",
    "add_key",
    "bpf",
    "clock_adjtime",
    "clock_settime",
    "delete_module",
    "finit_module",
    "init_module",
    "ioperm",
    "iopl",
    "kcmp",
    "kexec_file_load",
    "kexec_load",
    "keyctl",
    "lookup_dcookie",
    "mount",
    "move_mount",
    "fsopen",
    "fsmount",
    "open_tree",
    "name_to_handle_at",
    "open_by_handle_at",
    "perf_event_open",
    "pivot_root",
    "process_vm_readv",
    "process_vm_writev",
    "ptrace",
    "quotactl",
    "reboot",
    "request_key",
    "setns",
    "settimeofday",
    "swapon",
    "swapoff",
    "syslog",
    "umount2",
    "unshare",
    "userfaultfd",
};

void knobs_write_seccomp(struct go_json *w, const struct spec_knobs *k)
{
	if (!k)
		return;
	if (k->seccomp == KNOB_SECCOMP_FILE && k->seccomp_tree) {
		write_tree(w, "seccomp", k->seccomp_tree);
		return;
	}
	if (k->seccomp != KNOB_SECCOMP_DEFAULT)
		return;
	static const char *const arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
					     "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
	go_json_begin_object(w, "seccomp");
	go_json_string(w, "defaultAction", "SCMP_ACT_ALLOW");
	go_json_begin_array(w, "architectures");
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		go_json_string(w, NULL, arches[i]);
	go_json_end_array(w);
	go_json_begin_array(w, "syscalls");
	go_json_begin_object(w, NULL);
	go_json_begin_array(w, "names");
	for (size_t i = 0; i < ARRAY_SIZE(denied_syscalls); i++)
		go_json_string(w, NULL, denied_syscalls[i]);
	go_json_end_array(w);
	go_json_string(w, "action", "SCMP_ACT_ERRNO");
	go_json_int(w, "errnoRet", EPERM);
	go_json_end_object(w);
	go_json_end_array(w);
	go_json_end_object(w);
}
