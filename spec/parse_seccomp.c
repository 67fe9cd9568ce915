/* linux.seccomp: names are checked here so a typo fails at parse time with a
 * path, not later inside libseccomp with no context. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/json_util.h"

/* The kernel's filter takes at most six syscall arguments. */
#define SECCOMP_MAX_ARGS 6
/* runc ORs conditions that name the same argument as separate rules, so a
 * syscall may list more conditions than it has arguments; bound them anyway. */
#define SECCOMP_MAX_CONDITIONS (SECCOMP_MAX_ARGS * 8)

static const struct {
	const char *name;
	enum oci_seccomp_action action;
} actions[] = {
    {"SCMP_ACT_KILL", OCI_SECCOMP_KILL},
    {"SCMP_ACT_KILL_PROCESS", OCI_SECCOMP_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", OCI_SECCOMP_KILL_THREAD},
    {"SCMP_ACT_TRAP", OCI_SECCOMP_TRAP},
    {"SCMP_ACT_ERRNO", OCI_SECCOMP_ERRNO},
    {"SCMP_ACT_TRACE", OCI_SECCOMP_TRACE},
    {"SCMP_ACT_ALLOW", OCI_SECCOMP_ALLOW},
    {"SCMP_ACT_LOG", OCI_SECCOMP_LOG},
    {"SCMP_ACT_NOTIFY", OCI_SECCOMP_NOTIFY},
};

static const struct {
	const char *name;
	enum oci_seccomp_op op;
} operators[] = {
    {"SCMP_CMP_NE", OCI_SECCOMP_OP_NE},
    {"SCMP_CMP_LT", OCI_SECCOMP_OP_LT},
    {"SCMP_CMP_LE", OCI_SECCOMP_OP_LE},
    {"SCMP_CMP_EQ", OCI_SECCOMP_OP_EQ},
    {"SCMP_CMP_GE", OCI_SECCOMP_OP_GE},
    {"SCMP_CMP_GT", OCI_SECCOMP_OP_GT},
    {"SCMP_CMP_MASKED_EQ", OCI_SECCOMP_OP_MASKED_EQ},
};

static const char *const architectures[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",	"SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",	 "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",
};

static const char *const filter_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static error *parse_action(const struct jpath *p, yajl_val obj, const char *key,
			   enum oci_seccomp_action *out)
{
	_cleanup_free_ char *name = NULL;
	error *e = jget_string_req(p, obj, key, &name);
	if (e)
		return e;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) == 0) {
			*out = actions[i].action;
			return NULL;
		}
	}
	struct jpath kp = JKEY(p, key);
	return jerr(&kp, "unknown action \"%s\"", name);
}

static error *parse_arg(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_seccomp_arg *a = elem;
	_cleanup_free_ char *op = NULL;
	error *e = jobject(p, v);
	if (!e && !jget(v, "index")) {
		struct jpath ip = JKEY(p, "index");
		e = jerr(&ip, "missing");
	}
	if (!e)
		e = jget_u32(p, v, "index", &a->index);
	if (!e)
		e = jget_u64(p, v, "value", &a->value);
	if (!e)
		e = jget_u64(p, v, "valueTwo", &a->value_two);
	if (!e)
		e = jget_string_req(p, v, "op", &op);
	if (e)
		return e;
	if (a->index >= SECCOMP_MAX_ARGS) {
		struct jpath ip = JKEY(p, "index");
		return jerr(&ip, "must be less than %d, got %u", SECCOMP_MAX_ARGS, a->index);
	}
	for (size_t i = 0; i < ARRAY_SIZE(operators); i++) {
		if (strcmp(operators[i].name, op) == 0) {
			a->op = operators[i].op;
			return NULL;
		}
	}
	struct jpath opp = JKEY(p, "op");
	return jerr(&opp, "unknown operator \"%s\"", op);
}

static error *parse_syscall(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_seccomp_syscall *s = elem;
	error *e = jobject(p, v);
	if (e)
		return e;
	if ((e = jget_strv(p, v, "names", &s->names)))
		return e;
	if (!s->names || !s->names[0]) {
		struct jpath np = JKEY(p, "names");
		return jerr(&np, "must be a non-empty array of strings");
	}
	if ((e = parse_action(p, v, "action", &s->action)) ||
	    (e = jget_opt_u64(p, v, "errnoRet", UINT32_MAX, &s->errno_ret)))
		return e;
	yajl_val args = jget(v, "args");
	if (args && YAJL_IS_ARRAY(args) && args->u.array.len > SECCOMP_MAX_CONDITIONS) {
		struct jpath ap = JKEY(p, "args");
		return jerr(&ap, "too many arguments (%zu, at most %d)", args->u.array.len,
			    SECCOMP_MAX_CONDITIONS);
	}
	return jget_array(p, v, "args", sizeof(*s->args), parse_arg, (void **)&s->args, &s->n_args);
}

static error *check_names(const struct jpath *p, const char *key, char **names,
			  const char *const *known, size_t n_known, const char *what)
{
	struct jpath kp = JKEY(p, key);
	for (size_t i = 0; names && names[i]; i++) {
		if (!in_list(known, n_known, names[i])) {
			struct jpath ip = JIDX(&kp, i);
			return jerr(&ip, "unknown %s \"%s\"", what, names[i]);
		}
	}
	return NULL;
}

error *spec_parse_seccomp_obj(const struct jpath *p, yajl_val v, struct oci_seccomp *s)
{
	error *e = jobject(p, v);
	if (e)
		return e;
	if ((e = parse_action(p, v, "defaultAction", &s->default_action)) ||
	    (e = jget_opt_u64(p, v, "defaultErrnoRet", UINT32_MAX, &s->default_errno_ret)) ||
	    (e = jget_strv(p, v, "architectures", &s->architectures)) ||
	    (e = check_names(p, "architectures", s->architectures, architectures,
			     ARRAY_SIZE(architectures), "architecture")) ||
	    (e = jget_strv(p, v, "flags", &s->flags)) ||
	    (e = check_names(p, "flags", s->flags, filter_flags, ARRAY_SIZE(filter_flags),
			     "seccomp flag")) ||
	    (e = jget_string(p, v, "listenerPath", &s->listener_path)) ||
	    (e = jget_string(p, v, "listenerMetadata", &s->listener_metadata)) ||
	    (e = jget_array(p, v, "syscalls", sizeof(*s->syscalls), parse_syscall,
			    (void **)&s->syscalls, &s->n_syscalls)))
		return e;
	/* A notify default would hand every syscall, including the ones the
	 * runtime itself still makes, to the listener (runc refuses it too). */
	if (s->default_action == OCI_SECCOMP_NOTIFY) {
		struct jpath dp = JKEY(p, "defaultAction");
		return jerr(&dp, "SCMP_ACT_NOTIFY cannot be used as the default action");
	}
	bool notify = false;
	for (size_t i = 0; i < s->n_syscalls; i++)
		notify = notify || s->syscalls[i].action == OCI_SECCOMP_NOTIFY;
	if (notify && (!s->listener_path || !*s->listener_path)) {
		struct jpath lp = JKEY(p, "listenerPath");
		return jerr(&lp, "must be set when an SCMP_ACT_NOTIFY rule is used");
	}
	return NULL;
}
