/* isorun update [flags] ID: new cgroup limits for a running container. The
 * shim sends `update --resources=- ID` with a LinuxResources JSON on stdin;
 * people use the single-value flags. With --resources the limit flags are
 * ignored and the RDT schema flags are not, as in runc. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "spec/config.h"

static const struct flag_def update_flags[] = {
    {"resources", "r", FLAG_STRING,
     "path to the file containing the resources to update or '-' to read from the standard "
     "input\n\n"
     "The accepted format is as follow (unchanged values can be omitted):\n\n"
     "{\n  \"memory\": {\n    \"limit\": 0,\n    \"reservation\": 0,\n    \"swap\": 0\n  },\n"
     "  \"cpu\": {\n    \"shares\": 0,\n    \"quota\": 0,\n    \"period\": 0,\n"
     "    \"realtimeRuntime\": 0,\n    \"realtimePeriod\": 0,\n    \"cpus\": \"\",\n"
     "    \"mems\": \"\"\n  },\n  \"blockIO\": {\n    \"weight\": 0\n  }\n}\n\n"
     "Note: if data is to be read from a file or the standard input, all\n"
     "other options are ignored."},
    {"blkio-weight", NULL, FLAG_INT,
     "Specifies per cgroup weight, range is from 10 to 1000 (default: 0)"},
    {"cpu-period", NULL, FLAG_STRING,
     "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"},
    {"cpu-quota", NULL, FLAG_STRING,
     "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
    {"cpu-burst", NULL, FLAG_STRING,
     "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally for "
     "burst a given period"},
    {"cpu-share", NULL, FLAG_STRING, "CPU shares (relative weight vs. other containers)"},
    {"cpu-rt-period", NULL, FLAG_STRING,
     "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"},
    {"cpu-rt-runtime", NULL, FLAG_STRING,
     "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"},
    {"cpuset-cpus", NULL, FLAG_STRING, "CPU(s) to use"},
    {"cpuset-mems", NULL, FLAG_STRING, "Memory node(s) to use"},
    {"kernel-memory", NULL, FLAG_STRING, "Kernel memory limit (in bytes) (ignored)"},
    {"kernel-memory-tcp", NULL, FLAG_STRING,
     "Kernel memory limit for tcp buffer (in bytes) (ignored)"},
    {"memory", NULL, FLAG_STRING, "Memory limit (in bytes)"},
    {"cpu-idle", NULL, FLAG_STRING,
     "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE"},
    {"memory-reservation", NULL, FLAG_STRING, "Memory reservation or soft_limit (in bytes)"},
    {"memory-swap", NULL, FLAG_STRING,
     "Total memory usage (memory + swap); set '-1' to enable unlimited swap"},
    {"pids-limit", NULL, FLAG_INT, "Maximum number of pids allowed in the container (default: 0)"},
    {"l3-cache-schema", NULL, FLAG_STRING, "The string of Intel RDT/CAT L3 cache schema"},
    {"mem-bw-schema", NULL, FLAG_STRING, "The string of Intel RDT/MBA memory bandwidth schema"},
};

/* docker/go-units RAMInBytes: "64m", "1.5g", "512KiB", "100" (binary units). */
static error *parse_ram(const char *opt, const char *s, int64_t *out)
{
	if (!strcmp(s, "-1")) {
		*out = -1;
		return NULL;
	}
	const char *p = s;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (p == s || !isdigit((unsigned char)*s))
		goto bad;
	char *end;
	double v = strtod(s, &end);
	if (end != p)
		goto bad;
	if (*p == ' ')
		p++;
	double mult = 1;
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mult = 1024.0;
		p++;
		break;
	case 'm':
		mult = 1024.0 * 1024;
		p++;
		break;
	case 'g':
		mult = 1024.0 * 1024 * 1024;
		p++;
		break;
	case 't':
		mult = 1024.0 * 1024 * 1024 * 1024;
		p++;
		break;
	case 'p':
		mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
		p++;
		break;
	default:
		break;
	}
	if (mult > 1 && tolower((unsigned char)*p) == 'i')
		p++;
	if (tolower((unsigned char)*p) == 'b')
		p++;
	if (*p || v * mult >= 9.2e18)
		goto bad;
	*out = (int64_t)(v * mult);
	return NULL;
bad:
	return err_new("invalid value for %s: invalid size: '%s'", opt, s);
}

static error *parse_u64_flag(const struct parsed_args *pa, const char *opt, opt_u64 *dst)
{
	const char *s = args_str(pa, opt);
	if (!s || !*s)
		return NULL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end)
		return err_new("invalid value for %s: strconv.ParseUint: parsing \"%s\": invalid "
			       "syntax",
			       opt, s);
	if (errno == ERANGE)
		return err_new("invalid value for %s: strconv.ParseUint: parsing \"%s\": value "
			       "out of range",
			       opt, s);
	*dst = (opt_u64){true, v};
	return NULL;
}

static error *parse_i64_flag(const struct parsed_args *pa, const char *opt, opt_i64 *dst)
{
	const char *s = args_str(pa, opt);
	if (!s || !*s)
		return NULL;
	long long v;
	if (parse_int64(s, &v) < 0)
		return err_new("invalid value for %s: strconv.ParseInt: parsing \"%s\": invalid "
			       "syntax",
			       opt, s);
	*dst = (opt_i64){true, v};
	return NULL;
}

static error *parse_ram_flag(const struct parsed_args *pa, const char *opt, opt_i64 *dst)
{
	const char *s = args_str(pa, opt);
	if (!s || !*s)
		return NULL;
	int64_t v = 0;
	error *e = parse_ram(opt, s, &v);
	if (!e)
		*dst = (opt_i64){true, v};
	return e;
}

static error *from_flags(const struct parsed_args *pa, struct oci_resources *r)
{
	error *e;
	struct oci_cpu *c = &r->cpu;
	struct oci_memory *m = &r->memory;
	if ((e = parse_u64_flag(pa, "cpu-period", &c->period)) ||
	    (e = parse_u64_flag(pa, "cpu-burst", &c->burst)) ||
	    (e = parse_i64_flag(pa, "cpu-idle", &c->idle)) ||
	    (e = parse_u64_flag(pa, "cpu-rt-period", &c->realtime_period)) ||
	    (e = parse_u64_flag(pa, "cpu-share", &c->shares)) ||
	    (e = parse_i64_flag(pa, "cpu-quota", &c->quota)) ||
	    (e = parse_i64_flag(pa, "cpu-rt-runtime", &c->realtime_runtime)) ||
	    (e = parse_ram_flag(pa, "memory", &m->limit)) ||
	    (e = parse_ram_flag(pa, "memory-swap", &m->swap)) ||
	    (e = parse_ram_flag(pa, "kernel-memory", &m->kernel)) ||
	    (e = parse_ram_flag(pa, "kernel-memory-tcp", &m->kernel_tcp)) ||
	    (e = parse_ram_flag(pa, "memory-reservation", &m->reservation)))
		return e;
	const char *cpus = args_str(pa, "cpuset-cpus"), *mems = args_str(pa, "cpuset-mems");
	if ((cpus && *cpus && !(c->cpus = strdup(cpus))) ||
	    (mems && *mems && !(c->mems = strdup(mems))))
		return err_sys(ENOMEM, "update");
	r->has_cpu = true;
	r->has_memory = true;
	long long w = args_int(pa, "blkio-weight");
	if (w != 0) {
		if (w < 0 || w > UINT16_MAX)
			return err_new("invalid value for blkio-weight: %lld", w);
		r->has_block_io = true;
		r->block_io.weight = (opt_u64){true, (uint64_t)w};
	}
	/* runc 1.1 takes --pids-limit 0 (the default) as "unchanged". */
	long long pids = args_int(pa, "pids-limit");
	if (pids != 0) {
		r->has_pids = true;
		r->pids_limit = pids;
	}
	return NULL;
}

static error *read_resources(const char *in, struct oci_resources **out)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e;
	if (!strcmp(in, "-")) {
		FILE *m = open_memstream(&text, &len);
		if (!m)
			return err_sys(ENOMEM, "stdin");
		char buf[4096];
		ssize_t r;
		while ((r = read(0, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
			if (r > 0)
				fwrite(buf, 1, (size_t)r, m);
		int rerr = r < 0 ? errno : 0;
		fclose(m);
		if (rerr)
			return err_sys(rerr, "read /dev/stdin");
		if (!text)
			return err_sys(ENOMEM, "stdin");
		return spec_parse_resources(text, len, "resources", out);
	}
	if ((e = read_file(in, &text, &len)))
		return e;
	return spec_parse_resources(text, len, "resources", out);
}

static error *run_update(struct cmd_ctx *ctx, const struct command *cmd,
			 const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	if (e)
		return e;
	/* runc looks the container up before reading the new limits. */
	struct container_info ci;
	if ((e = container_state(&ctx->rt, id, &ci)))
		return e;
	container_info_free(&ci);
	struct oci_resources *r = NULL;
	const char *in = args_str(pa, "resources");
	if (in && *in) {
		e = read_resources(in, &r);
	} else {
		r = calloc(1, sizeof(*r));
		e = r ? from_flags(pa, r) : err_sys(ENOMEM, "update");
	}
	/* The RDT flags count with --resources too, and are checked before any
	 * limit changes, as runc does. */
	if (!e)
		e = container_update_intel_rdt(&ctx->rt, id, args_str(pa, "l3-cache-schema"),
					       args_str(pa, "mem-bw-schema"));
	if (!e)
		e = container_update(&ctx->rt, id, r);
	spec_resources_free(r);
	return e;
}

const struct command cmd_update = {
    .name = "update",
    .summary = "update container resource constraints",
    .args_usage = "<container-id>",
    .flags = update_flags,
    .n_flags = ARRAY_SIZE(update_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_update,
};
