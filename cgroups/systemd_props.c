/* The systemd driver's unit properties, as data: StartTransientUnit's list
 * from linux.resources and the annotations. No D-Bus here (systemd.c sends
 * it), so it is unit-tested. The mapping is runc's: docs/systemd.md's v2
 * table, and on v1/hybrid runc 1.1's legacy manager (v1.go,
 * genV1ResourcesProperties); what systemd cannot express is still written
 * to the cgroup files afterwards (apply.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/util.h"

#define R	     "linux.resources."
#define INFINITY_U64 UINT64_MAX

/* ---- the property list ---- */

void cgsd_prop_clear(struct cgsd_prop *p)
{
	free(p->name);
	free(p->sig);
	free(p->s);
	free(p->bytes);
	for (size_t i = 0; i < p->n_pairs; i++) {
		free(p->pairs[i].key);
		free(p->pairs[i].str);
	}
	free(p->pairs);
	for (char **s = p->strv; s && *s; s++)
		free(*s);
	free(p->strv);
	memset(p, 0, sizeof(*p));
}

void cgsd_props_free(struct cgsd_props *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		cgsd_prop_clear(&p->p[i]);
	if (p) {
		free(p->p);
		p->p = NULL;
		p->n = 0;
	}
}

static struct cgsd_prop *push(struct cgsd_props *ps, const char *name, const char *sig)
{
	struct cgsd_prop *np = realloc(ps->p, (ps->n + 1) * sizeof(*np));
	if (!np)
		return NULL;
	ps->p = np;
	struct cgsd_prop *p = &ps->p[ps->n];
	memset(p, 0, sizeof(*p));
	p->name = strdup(name);
	p->sig = strdup(sig);
	if (!p->name || !p->sig) {
		cgsd_prop_clear(p);
		return NULL;
	}
	ps->n++;
	return p;
}

#define NOMEM err_sys(ENOMEM, "systemd properties")

static error *add_bool(struct cgsd_props *ps, const char *name, bool v)
{
	struct cgsd_prop *p = push(ps, name, "b");
	if (!p)
		return NOMEM;
	p->b = v;
	return NULL;
}

static error *add_u64(struct cgsd_props *ps, const char *name, uint64_t v)
{
	struct cgsd_prop *p = push(ps, name, "t");
	if (!p)
		return NOMEM;
	p->u = v;
	return NULL;
}

static error *add_str(struct cgsd_props *ps, const char *name, const char *v)
{
	struct cgsd_prop *p = push(ps, name, "s");
	if (!p || !(p->s = strdup(v)))
		return NOMEM;
	return NULL;
}

static error *add_strv1(struct cgsd_props *ps, const char *name, const char *v)
{
	struct cgsd_prop *p = push(ps, name, "as");
	if (!p || !(p->strv = calloc(2, sizeof(char *))) || !(p->strv[0] = strdup(v)))
		return NOMEM;
	return NULL;
}

/* "0-3,5" -> systemd's CPU/NUMA bitmask: byte i bit j is cpu 8i+j. */
static error *add_cpuset(struct cgsd_props *ps, const char *name, const char *field,
			 const char *list)
{
	uint8_t *bits = NULL;
	size_t n = 0;
	for (const char *s = list; *s;) {
		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		char *end;
		errno = 0;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || errno)
			goto bad;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || errno || b < a)
				goto bad;
		}
		if (b >= 8192)
			goto bad;
		if (b / 8 + 1 > n) {
			uint8_t *nb = realloc(bits, b / 8 + 1);
			if (!nb) {
				free(bits);
				return NOMEM;
			}
			memset(nb + n, 0, b / 8 + 1 - n);
			bits = nb;
			n = b / 8 + 1;
		}
		for (unsigned long c = a; c <= b; c++)
			bits[c / 8] |= (uint8_t)(1u << (c % 8));
		s = end;
		while (*s == ' ' || *s == '\n')
			s++;
		if (*s == ',')
			s++;
		else if (*s)
			goto bad;
	}
	struct cgsd_prop *p = push(ps, name, "ay");
	if (!p) {
		free(bits);
		return NOMEM;
	}
	p->bytes = bits;
	p->n_bytes = n;
	return NULL;
bad:
	free(bits);
	return err_new("%s: invalid cpu/node list \"%s\"", field, list);
}

/* runc: CPUQuotaPerSecUSec = quota per second, rounded up to 10 ms (systemd
 * keeps 1% steps); no quota is infinity. */
static error *add_quota(struct cgsd_props *ps, int64_t quota, uint64_t period)
{
	uint64_t per_sec = INFINITY_U64;
	if (quota > 0) {
		uint64_t per = period ? period : 100000;
		per_sec = (uint64_t)quota * 1000000 / per;
		if (per_sec % 10000)
			per_sec = (per_sec / 10000 + 1) * 10000;
	}
	error *e = add_u64(ps, "CPUQuotaPerSecUSec", per_sec);
	if (!e && period)
		e = add_u64(ps, "CPUQuotaPeriodUSec", period);
	return e;
}

static error *add_pairs(struct cgsd_props *ps, const char *name, const char *sig,
			const struct oci_block_io_device *d, size_t n, bool weight)
{
	if (!n)
		return NULL;
	struct cgsd_prop *p = push(ps, name, sig);
	if (!p || !(p->pairs = calloc(n, sizeof(*p->pairs))))
		return NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (weight && !(d[i].weight.set && d[i].weight.value))
			continue;
		struct cgsd_pair *q = &p->pairs[p->n_pairs++];
		q->key = str_printf("/dev/block/%" PRId64 ":%" PRId64, d[i].major, d[i].minor);
		q->num = weight ? cg_blkio_to_io_weight(d[i].weight.value) : d[i].rate;
		if (!q->key)
			return NOMEM;
	}
	return NULL;
}

/* Device rules as DevicePolicy/DeviceAllow. systemd cannot express a deny
 * after an allow, so what it gets is a superset of the rules (every allow,
 * "char-*" for wildcards); the exact rules are isorun's own eBPF program,
 * which is attached as well (both must allow). A default-allow list gives
 * DevicePolicy=auto with no entries. */
static error *add_devices(struct cgsd_props *ps, const struct oci_resources *r)
{
	bool default_allow = true; /* no rules at all: no restriction from systemd */
	size_t first = 0;
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct oci_device_cgroup *d = &r->devices[i];
		if (d->type == 'a' && !d->major.set && !d->minor.set) {
			default_allow = d->allow;
			first = i + 1;
		}
	}
	if (r->n_devices == 0)
		return NULL;
	if (default_allow)
		return add_str(ps, "DevicePolicy", "auto");
	error *e = add_str(ps, "DevicePolicy", "strict");
	if (e)
		return e;
	struct cgsd_prop *p = push(ps, "DeviceAllow", "a(ss)");
	/* An "a" rule takes two entries (char and block). */
	if (!p || !(p->pairs = calloc(2 * r->n_devices, sizeof(*p->pairs))))
		return NOMEM;
	for (size_t i = first; i < r->n_devices; i++) {
		const struct oci_device_cgroup *d = &r->devices[i];
		if (!d->allow)
			continue;
		const char *acc = d->access && *d->access ? d->access : "rwm";
		bool any_num =
		    d->major.set && d->major.value >= 0 && d->minor.set && d->minor.value >= 0;
		for (int k = 0; k < 2; k++) {
			char t = d->type == 'a' ? (k ? 'b' : 'c') : d->type;
			if (k && d->type != 'a')
				break;
			struct cgsd_pair *q = &p->pairs[p->n_pairs++];
			if (any_num && d->type != 'a')
				q->key = str_printf("/dev/%s/%" PRId64 ":%" PRId64,
						    t == 'b' ? "block" : "char", d->major.value,
						    d->minor.value);
			else
				q->key = strdup(t == 'b' ? "block-*" : "char-*");
			q->str = strdup(acc);
		}
	}
	for (size_t i = 0; i < p->n_pairs; i++)
		if (!p->pairs[i].key || !p->pairs[i].str)
			return NOMEM;
	return NULL;
}

/* "max" or a number; for the unified map. */
static error *unified_u64(const char *key, const char *v, uint64_t *out)
{
	long long n;
	if (strcmp(v, "max") == 0 || strcmp(v, "max\n") == 0) {
		*out = INFINITY_U64;
		return NULL;
	}
	if (parse_int64(v, &n) < 0 || n < 0)
		return err_new(R "unified.%s: invalid value \"%s\"", key, v);
	*out = (uint64_t)n;
	return NULL;
}

static error *plan_unified(struct cgsd_props *ps, const struct str_map *u)
{
	static const struct {
		const char *key, *prop;
	} num[] = {
	    {"memory.max", "MemoryMax"},	  {"memory.high", "MemoryHigh"},
	    {"memory.low", "MemoryLow"},	  {"memory.min", "MemoryMin"},
	    {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
	    {"cpu.weight", "CPUWeight"},
	};
	for (size_t i = 0; i < u->n; i++) {
		const char *k = u->keys[i], *v = u->values[i];
		error *e = NULL;
		for (size_t j = 0; j < ARRAY_SIZE(num); j++) {
			if (strcmp(k, num[j].key) != 0)
				continue;
			uint64_t n = 0;
			if (!(e = unified_u64(k, v, &n)))
				e = add_u64(ps, num[j].prop, n);
			if (e)
				return e;
		}
		_cleanup_free_ char *field = str_printf(R "unified.%s", k);
		if (!field)
			return NOMEM;
		if (strcmp(k, "cpuset.cpus") == 0)
			e = add_cpuset(ps, "AllowedCPUs", field, v);
		else if (strcmp(k, "cpuset.mems") == 0)
			e = add_cpuset(ps, "AllowedMemoryNodes", field, v);
		else if (strcmp(k, "cpu.max") == 0) {
			char q[32] = "";
			unsigned long long period = 0;
			int n = sscanf(v, "%31s %llu", q, &period);
			long long quota = -1;
			if (n < 1 || (strcmp(q, "max") != 0 && parse_int64(q, &quota) < 0))
				return err_new("%s: invalid value \"%s\"", field, v);
			e = add_quota(ps, quota, n == 2 ? period : 0);
		}
		if (e)
			return e;
	}
	return NULL;
}

static error *plan_v2_resources(const struct oci_resources *r, bool skip_devices,
				struct cgsd_props *out)
{
	struct cgsd_props ps = {0};
	error *e = NULL;
	if (r->has_memory) {
		const struct oci_memory *m = &r->memory;
		int64_t limit = m->limit.set ? m->limit.value : 0;
		int64_t swap = m->swap.set ? m->swap.value : 0, v2swap = 0;
		if ((e = cg_swap_v2(swap, limit, &v2swap)))
			goto done;
		if (limit != 0 &&
		    (e = add_u64(&ps, "MemoryMax", limit < 0 ? INFINITY_U64 : (uint64_t)limit)))
			goto done;
		if (m->reservation.set && m->reservation.value != 0 &&
		    (e = add_u64(&ps, "MemoryLow",
				 m->reservation.value < 0 ? INFINITY_U64
							  : (uint64_t)m->reservation.value)))
			goto done;
		if ((v2swap != 0 || swap > 0) &&
		    (e = add_u64(&ps, "MemorySwapMax",
				 v2swap < 0 ? INFINITY_U64 : (uint64_t)v2swap)))
			goto done;
	}
	if (r->has_cpu) {
		const struct oci_cpu *c = &r->cpu;
		if (c->shares.set && c->shares.value &&
		    (e = add_u64(&ps, "CPUWeight", cg_shares_to_weight(c->shares.value))))
			goto done;
		int64_t quota = c->quota.set ? c->quota.value : 0;
		uint64_t period = c->period.set ? c->period.value : 0;
		if ((quota != 0 || period != 0) && (e = add_quota(&ps, quota, period)))
			goto done;
		if (c->cpus && *c->cpus &&
		    (e = add_cpuset(&ps, "AllowedCPUs", R "cpu.cpus", c->cpus)))
			goto done;
		if (c->mems && *c->mems &&
		    (e = add_cpuset(&ps, "AllowedMemoryNodes", R "cpu.mems", c->mems)))
			goto done;
	}
	/* systemd has no TasksMax=0: the cgroup file gets the real 0 after. */
	if (r->has_pids &&
	    (e = add_u64(&ps, "TasksMax",
			 r->pids_limit < 0 ? INFINITY_U64
					   : (r->pids_limit == 0 ? 1 : (uint64_t)r->pids_limit))))
		goto done;
	if (r->has_block_io) {
		const struct oci_block_io *b = &r->block_io;
		if (b->weight.set && b->weight.value &&
		    (e = add_u64(&ps, "IOWeight", cg_blkio_to_io_weight(b->weight.value))))
			goto done;
		if ((e = add_pairs(&ps, "IODeviceWeight", "a(st)", b->weight_device,
				   b->n_weight_device, true)) ||
		    (e = add_pairs(&ps, "IOReadBandwidthMax", "a(st)", b->throttle_read_bps,
				   b->n_throttle_read_bps, false)) ||
		    (e = add_pairs(&ps, "IOWriteBandwidthMax", "a(st)", b->throttle_write_bps,
				   b->n_throttle_write_bps, false)) ||
		    (e = add_pairs(&ps, "IOReadIOPSMax", "a(st)", b->throttle_read_iops,
				   b->n_throttle_read_iops, false)) ||
		    (e = add_pairs(&ps, "IOWriteIOPSMax", "a(st)", b->throttle_write_iops,
				   b->n_throttle_write_iops, false)))
			goto done;
	}
	if (!skip_devices && (e = add_devices(&ps, r)))
		goto done;
	e = plan_unified(&ps, &r->unified);
done:
	if (e) {
		cgsd_props_free(&ps);
		return e;
	}
	*out = ps;
	return NULL;
}

/* runc 1.1 genV1ResourcesProperties: the v1 names systemd knows (MemoryLimit,
 * CPUShares, BlockIOWeight), raw v1 values; the quota, cpuset and device
 * properties as on v2. Memory reservation, swap and the blkio device lists
 * have no v1 property there: the cgroup files get them. */
static error *plan_v1_resources(const struct oci_resources *r, bool skip_devices,
				struct cgsd_props *out)
{
	struct cgsd_props ps = {0};
	error *e = NULL;
	if (r->unified.n) {
		e = err_new(R
			    "unified: not supported on cgroup v1 (the systemd driver on a %s host)",
			    "v1/hybrid");
		goto done;
	}
	if (!skip_devices && (e = add_devices(&ps, r)))
		goto done;
	if (r->has_memory && r->memory.limit.set && r->memory.limit.value != 0 &&
	    (e = add_u64(&ps, "MemoryLimit",
			 r->memory.limit.value < 0 ? INFINITY_U64
						   : (uint64_t)r->memory.limit.value)))
		goto done;
	if (r->has_cpu) {
		const struct oci_cpu *c = &r->cpu;
		if (c->shares.set && c->shares.value &&
		    (e = add_u64(&ps, "CPUShares", c->shares.value)))
			goto done;
		int64_t quota = c->quota.set ? c->quota.value : 0;
		uint64_t period = c->period.set ? c->period.value : 0;
		if ((quota != 0 || period != 0) && (e = add_quota(&ps, quota, period)))
			goto done;
	}
	if (r->has_block_io && r->block_io.weight.set && r->block_io.weight.value &&
	    (e = add_u64(&ps, "BlockIOWeight", r->block_io.weight.value)))
		goto done;
	/* runc: only a positive limit or -1 (0 is left to the file). */
	if (r->has_pids && (r->pids_limit > 0 || r->pids_limit == -1) &&
	    (e = add_u64(&ps, "TasksMax",
			 r->pids_limit < 0 ? INFINITY_U64 : (uint64_t)r->pids_limit)))
		goto done;
	if (r->has_cpu && r->cpu.cpus && *r->cpu.cpus &&
	    (e = add_cpuset(&ps, "AllowedCPUs", R "cpu.cpus", r->cpu.cpus)))
		goto done;
	if (r->has_cpu && r->cpu.mems && *r->cpu.mems &&
	    (e = add_cpuset(&ps, "AllowedMemoryNodes", R "cpu.mems", r->cpu.mems)))
		goto done;
done:
	if (e) {
		cgsd_props_free(&ps);
		return e;
	}
	*out = ps;
	return NULL;
}

error *cgsd_plan_resources(const struct oci_resources *r, bool v2, bool skip_devices,
			   struct cgsd_props *out)
{
	static const struct oci_resources none;
	return (v2 ? plan_v2_resources : plan_v1_resources)(r ? r : &none, skip_devices, out);
}

#define ANNOT_PREFIX "org.systemd.property."

error *cgsd_plan_start(const struct cgsd_unit *u, const char *id, const struct oci_resources *r,
		       bool v2, const struct str_map *annotations, struct cgsd_props *out)
{
	struct cgsd_props ps = {0};
	_cleanup_free_ char *desc = str_printf("isorun container %s", id ? id : "");
	error *e = desc ? add_str(&ps, "Description", desc) : NOMEM;
	if (!e)
		e = u->is_slice ? add_strv1(&ps, "Wants", u->slice)
				: add_str(&ps, "Slice", u->slice);
	if (!e && !u->is_slice)
		e = add_bool(&ps, "Delegate", true);
	if (!e)
		e = add_bool(&ps, "DefaultDependencies", false);
	/* v1's IO accounting is blkio's (runc 1.1: BlockIOAccounting). */
	static const char *const acct[] = {"MemoryAccounting", "CPUAccounting", "IOAccounting",
					   "TasksAccounting"};
	for (size_t i = 0; !e && i < ARRAY_SIZE(acct); i++)
		e = add_bool(&ps, !v2 && i == 2 ? "BlockIOAccounting" : acct[i], true);
	struct cgsd_props res = {0};
	if (!e)
		e = cgsd_plan_resources(r, v2, false, &res);
	if (!e && res.n) {
		struct cgsd_prop *np = realloc(ps.p, (ps.n + res.n) * sizeof(*np));
		if (!np) {
			e = NOMEM;
		} else {
			ps.p = np;
			memcpy(ps.p + ps.n, res.p, res.n * sizeof(*np));
			ps.n += res.n;
			free(res.p);
			res = (struct cgsd_props){0};
		}
	}
	cgsd_props_free(&res);
	for (size_t i = 0; !e && annotations && i < annotations->n; i++) {
		const char *k = annotations->keys[i];
		if (!str_has_prefix(k, ANNOT_PREFIX))
			continue;
		struct cgsd_prop p;
		e = cgsd_prop_from_gvariant(k + strlen(ANNOT_PREFIX), annotations->values[i], &p);
		if (e) {
			e = err_wrap(e, "annotations");
			break;
		}
		struct cgsd_prop *np = realloc(ps.p, (ps.n + 1) * sizeof(*np));
		if (!np) {
			cgsd_prop_clear(&p);
			e = NOMEM;
			break;
		}
		ps.p = np;
		ps.p[ps.n++] = p;
	}
	if (e) {
		cgsd_props_free(&ps);
		return e;
	}
	*out = ps;
	return NULL;
}

char *cgsd_props_format(const struct cgsd_props *ps)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < ps->n; i++) {
		const struct cgsd_prop *p = &ps->p[i];
		fprintf(f, "%s %s ", p->name, p->sig);
		switch (p->sig[0]) {
		case 'b':
			fputs(p->b ? "true" : "false", f);
			break;
		case 's':
			fputs(p->s, f);
			break;
		case 'd':
			fprintf(f, "%g", p->d);
			break;
		case 'x':
		case 'i':
		case 'n':
			fprintf(f, "%" PRId64, (int64_t)p->u);
			break;
		case 'a':
			if (strcmp(p->sig, "ay") == 0)
				for (size_t j = 0; j < p->n_bytes; j++)
					fprintf(f, "%s%02x", j ? " " : "", p->bytes[j]);
			else if (strcmp(p->sig, "as") == 0)
				for (char **s = p->strv; *s; s++)
					fprintf(f, "%s%s", s == p->strv ? "" : " ", *s);
			else
				for (size_t j = 0; j < p->n_pairs; j++) {
					if (p->sig[3] == 't')
						fprintf(f, "%s%s=%" PRIu64, j ? " " : "",
							p->pairs[j].key, p->pairs[j].num);
					else
						fprintf(f, "%s%s=%s", j ? " " : "", p->pairs[j].key,
							p->pairs[j].str);
				}
			break;
		default:
			if (p->u == INFINITY_U64)
				fputs("infinity", f);
			else
				fprintf(f, "%" PRIu64, p->u);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
