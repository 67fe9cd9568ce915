/* config.json "process" (also the lone document of `exec --process`). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"
#include "spec/json_util.h"

struct name_value {
	const char *name;
	int value;
};

static const struct name_value rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

/* Kernel IOPRIO_CLASS_* values (linux/ioprio.h). */
static const struct name_value ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

/* Kernel SCHED_* policy values (linux/sched.h); glibc lacks SCHED_DEADLINE. */
static const struct name_value sched_policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},	  {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},	{"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};

static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",	 "SCHED_FLAG_RECLAIM",	   "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",	 "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};

static const struct name_value *lookup(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

int spec_rlimit_resource(const char *type)
{
	const struct name_value *nv =
	    type ? lookup(rlimit_names, ARRAY_SIZE(rlimit_names), type) : NULL;
	return nv ? nv->value : -1;
}

static error *parse_user(const struct jpath *p, yajl_val v, struct oci_user *u)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_u32(p, v, "uid", &u->uid);
	if (!e)
		e = jget_u32(p, v, "gid", &u->gid);
	if (!e)
		e = jget_opt_u64(p, v, "umask", UINT32_MAX, &u->umask);
	if (!e)
		e = jget_string(p, v, "username", &u->username);
	yajl_val gids = jget(v, "additionalGids");
	if (e || !gids)
		return e;
	struct jpath gp = JKEY(p, "additionalGids");
	if ((e = jarray(&gp, gids)))
		return e;
	size_t n = gids->u.array.len;
	if (!n)
		return NULL;
	u->additional_gids = calloc(n, sizeof(uint32_t));
	if (!u->additional_gids)
		return err_sys(ENOMEM, "config");
	u->n_additional_gids = n;
	for (size_t i = 0; i < n; i++) {
		struct jpath ip = JIDX(&gp, i);
		uint64_t g = 0;
		if ((e = jint_u64(&ip, gids->u.array.values[i], UINT32_MAX, &g)))
			return e;
		u->additional_gids[i] = (uint32_t)g;
	}
	return NULL;
}

/* runc 1.1 warns about and drops capability names it does not know, so that
 * a config written for a newer kernel still runs. */
static bool capability_known(const char *name)
{
	if (strncmp(name, "CAP_", 4) != 0 || !name[4])
		return false;
	for (const char *c = name + 4; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	cap_value_t cap;
	return cap_from_name(name, &cap) == 0;
}

static error *parse_cap_set(const struct jpath *p, yajl_val v, const char *key, char ***out)
{
	error *e = jget_strv(p, v, key, out);
	if (e || !*out)
		return e;
	char **w = *out;
	for (char **r = *out; *r; r++) {
		if (capability_known(*r)) {
			*w++ = *r;
		} else {
			log_warn("ignoring unknown or unavailable capabilities: [%s]", *r);
			free(*r);
		}
	}
	*w = NULL;
	return NULL;
}

static error *parse_capabilities(const struct jpath *p, yajl_val v, struct oci_capabilities *c)
{
	error *e = jobject(p, v);
	if (!e)
		e = parse_cap_set(p, v, "bounding", &c->bounding);
	if (!e)
		e = parse_cap_set(p, v, "effective", &c->effective);
	if (!e)
		e = parse_cap_set(p, v, "inheritable", &c->inheritable);
	if (!e)
		e = parse_cap_set(p, v, "permitted", &c->permitted);
	if (!e)
		e = parse_cap_set(p, v, "ambient", &c->ambient);
	return e;
}

static error *parse_rlimit(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_rlimit *r = elem;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "type", &r->type);
	if (!e)
		e = jget_u64(p, v, "hard", &r->hard);
	if (!e)
		e = jget_u64(p, v, "soft", &r->soft);
	if (e)
		return e;
	r->resource = spec_rlimit_resource(r->type);
	if (r->resource < 0) {
		struct jpath tp = JKEY(p, "type");
		return jerr(&tp, "unknown rlimit type \"%s\"", r->type);
	}
	return NULL;
}

static error *parse_io_priority(const struct jpath *p, yajl_val v, struct oci_io_priority *io)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "class", &io->class_name);
	int64_t prio = 0;
	if (!e)
		e = jget_i64(p, v, "priority", &prio);
	if (e)
		return e;
	const struct name_value *nv =
	    lookup(ioprio_classes, ARRAY_SIZE(ioprio_classes), io->class_name);
	if (!nv) {
		struct jpath cp = JKEY(p, "class");
		return jerr(&cp, "unknown ioPriority class \"%s\"", io->class_name);
	}
	if (prio < 0 || prio > 7) {
		struct jpath pp = JKEY(p, "priority");
		return jerr(&pp, "must be between 0 and 7, got %lld", (long long)prio);
	}
	io->set = true;
	io->klass = nv->value;
	io->priority = (int)prio;
	return NULL;
}

static error *parse_scheduler(const struct jpath *p, yajl_val v, struct oci_scheduler *s)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "policy", &s->policy);
	if (!e)
		e = jget_i32(p, v, "nice", &s->nice);
	if (!e)
		e = jget_i32(p, v, "priority", &s->priority);
	if (!e)
		e = jget_strv(p, v, "flags", &s->flags);
	if (!e)
		e = jget_u64(p, v, "runtime", &s->runtime);
	if (!e)
		e = jget_u64(p, v, "deadline", &s->deadline);
	if (!e)
		e = jget_u64(p, v, "period", &s->period);
	if (e)
		return e;
	const struct name_value *nv = lookup(sched_policies, ARRAY_SIZE(sched_policies), s->policy);
	if (!nv) {
		struct jpath pp = JKEY(p, "policy");
		return jerr(&pp, "unknown scheduler policy \"%s\"", s->policy);
	}
	s->policy_value = nv->value;
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		bool known = false;
		for (size_t j = 0; j < ARRAY_SIZE(sched_flags); j++)
			known = known || strcmp(s->flags[i], sched_flags[j]) == 0;
		if (!known) {
			struct jpath fp = JKEY(p, "flags"), ip = JIDX(&fp, i);
			return jerr(&ip, "unknown scheduler flag \"%s\"", s->flags[i]);
		}
	}
	s->set = true;
	return NULL;
}

/* The lists are checked here so that a bad value fails create/exec before
 * anything starts; the child parses them again into a mask. */
static error *parse_cpu_list_field(const struct jpath *p, yajl_val v, const char *key, char **out)
{
	error *e = jget_string(p, v, key, out);
	if (e || !*out)
		return e;
	unsigned long mask[SPEC_CPU_LIST_MAX / (8 * sizeof(unsigned long))];
	const char *why = NULL;
	if (spec_cpu_list_parse(*out, mask, SPEC_CPU_LIST_MAX, &why) < 0) {
		struct jpath kp = JKEY(p, key);
		return jerr(&kp, "invalid CPU list \"%s\": %s", *out, why);
	}
	return NULL;
}

static error *parse_exec_cpu_affinity(const struct jpath *p, yajl_val v,
				      struct oci_exec_cpu_affinity *a)
{
	error *e = jobject(p, v);
	if (!e)
		e = parse_cpu_list_field(p, v, "initial", &a->initial);
	if (!e)
		e = parse_cpu_list_field(p, v, "final", &a->final);
	return e;
}

static error *check_env(const struct jpath *p, char **env)
{
	struct jpath ep = JKEY(p, "env");
	for (size_t i = 0; env && env[i]; i++) {
		struct jpath ip = JIDX(&ep, i);
		const char *eq = strchr(env[i], '=');
		if (!eq)
			return jerr(&ip, "invalid environment variable \"%s\": missing '='",
				    env[i]);
		if (eq == env[i])
			return jerr(&ip, "invalid environment variable \"%s\": empty name", env[i]);
	}
	return NULL;
}

error *spec_parse_process_obj(const struct jpath *p, yajl_val v, struct oci_process *out)
{
	error *e = jobject(p, v);
	if (e)
		return e;
	if ((e = jget_bool(p, v, "terminal", &out->terminal)))
		return e;
	yajl_val cs = jget(v, "consoleSize");
	if (cs) {
		struct jpath cp = JKEY(p, "consoleSize");
		if ((e = jobject(&cp, cs)) ||
		    (e = jget_u32(&cp, cs, "height", &out->console_height)) ||
		    (e = jget_u32(&cp, cs, "width", &out->console_width)))
			return e;
		out->has_console_size = true;
	}
	yajl_val user = jget(v, "user");
	if (user) {
		struct jpath up = JKEY(p, "user");
		if ((e = parse_user(&up, user, &out->user)))
			return e;
	}
	struct jpath ap = JKEY(p, "args");
	yajl_val args = jget(v, "args");
	if (!args || !YAJL_IS_ARRAY(args) || args->u.array.len == 0)
		return jerr(&ap, "must be a non-empty array of strings");
	for (size_t i = 0; i < args->u.array.len; i++)
		if (!YAJL_IS_STRING(args->u.array.values[i]))
			return jerr(&ap, "must be a non-empty array of strings");
	if ((e = jget_strv(p, v, "args", &out->args)) ||
	    (e = jget_string(p, v, "commandLine", &out->command_line)) ||
	    (e = jget_strv(p, v, "env", &out->env)) || (e = check_env(p, out->env)) ||
	    (e = jget_string(p, v, "cwd", &out->cwd)))
		return e;
	if (!out->cwd || out->cwd[0] != '/') {
		struct jpath cp = JKEY(p, "cwd");
		return jerr(&cp, "must be an absolute path");
	}
	yajl_val caps = jget(v, "capabilities");
	if (caps) {
		struct jpath cp = JKEY(p, "capabilities");
		if ((e = parse_capabilities(&cp, caps, &out->capabilities)))
			return e;
		out->has_capabilities = true;
	}
	if ((e = jget_array(p, v, "rlimits", sizeof(*out->rlimits), parse_rlimit,
			    (void **)&out->rlimits, &out->n_rlimits)) ||
	    (e = jget_bool(p, v, "noNewPrivileges", &out->no_new_privileges)) ||
	    (e = jget_string(p, v, "apparmorProfile", &out->apparmor_profile)) ||
	    (e = jget_string(p, v, "selinuxLabel", &out->selinux_label)) ||
	    (e = jget_opt_i64(p, v, "oomScoreAdj", &out->oom_score_adj)))
		return e;
	yajl_val io = jget(v, "ioPriority");
	if (io) {
		struct jpath ip = JKEY(p, "ioPriority");
		if ((e = parse_io_priority(&ip, io, &out->io_priority)))
			return e;
	}
	yajl_val sched = jget(v, "scheduler");
	if (sched) {
		struct jpath sp = JKEY(p, "scheduler");
		if ((e = parse_scheduler(&sp, sched, &out->scheduler)))
			return e;
	}
	yajl_val aff = jget(v, "execCPUAffinity");
	if (aff) {
		struct jpath ap2 = JKEY(p, "execCPUAffinity");
		if ((e = parse_exec_cpu_affinity(&ap2, aff, &out->exec_cpu_affinity)))
			return e;
	}
	return NULL;
}

error *spec_parse_process(const char *json, size_t len, const char *name, struct oci_process **out)
{
	*out = NULL;
	yajl_val tree = NULL;
	error *e = jparse(json, len, &tree);
	if (e)
		return err_wrap(e, "%s", name);
	struct oci_process *p = calloc(1, sizeof(*p));
	if (!p) {
		yajl_tree_free(tree);
		return err_sys(ENOMEM, "%s", name);
	}
	struct jpath root = JROOT;
	e = spec_refuse_fields(&root, tree, "process.");
	if (!e)
		e = spec_parse_process_obj(&root, tree, p);
	yajl_tree_free(tree);
	if (e) {
		spec_process_free(p);
		return err_wrap(e, "%s", name);
	}
	*out = p;
	return NULL;
}
