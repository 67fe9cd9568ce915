/* Applying a resources plan to the container's cgroup. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

enum cgroup_layout cgroup_get_layout(const struct cgroup *cg)
{
	return cg->layout;
}

static const char *ver(const struct cgroup *cg)
{
	return cg->layout == CGROUP_LAYOUT_V2 ? "v2" : "v1";
}

/* The directory an entry is written in; NULL *dir with no error when the
 * hierarchy is absent. */
static error *entry_dir(const struct cgroup *cg, const struct cgroup_write *w, char **dir)
{
	const struct cg_hier *h =
	    cg->layout == CGROUP_LAYOUT_V2 ? cg_find_v2(cg) : cg_find_v1(cg, w->controller);
	*dir = NULL;
	if (!h)
		return NULL;
	*dir = cg_dir(h);
	return *dir ? NULL : err_sys(ENOMEM, "%s", w->field);
}

/* The entry's hierarchy was left out of a rootless cgroup. */
static bool denied(const struct cgroup *cg, const struct cgroup_write *w)
{
	if (!cg->denied)
		return false;
	if (cg->layout == CGROUP_LAYOUT_V2)
		return strstr(cg->denied, ",,") != NULL;
	_cleanup_free_ char *needle = str_printf(",%s,", w->controller);
	return needle && strstr(cg->denied, needle) != NULL;
}

static error *write_entry(const struct cgroup *cg, const char *dir, const struct cgroup_write *w)
{
	int rc = cg_write(dir, w->file, w->value);
	if (rc)
		return err_sys(rc, "%s: cgroup %s %s", w->field, ver(cg), w->file);
	log_debug("cgroup %s/%s <- %s", dir, w->file, w->value);
	return NULL;
}

/* runc setMemoryAndSwap: the kernel requires memory <= memsw at every step,
 * so raise memsw first when the new memsw is above the current memory limit. */
static bool swap_first(const char *dir, const struct cgroup_write *swap)
{
	long long next, cur;
	_cleanup_free_ char *s = NULL;
	if (parse_int64(swap->value, &next) < 0)
		return false;
	if (next == -1)
		return true;
	if (cg_read(dir, "memory.limit_in_bytes", &s) != 0)
		return false;
	s[strcspn(s, "\n")] = '\0';
	/* The unlimited value exceeds long long on some kernels: then it is
	 * above any new limit. */
	if (parse_int64(s, &cur) < 0)
		return false;
	return cur < next;
}

/* memory.checkBeforeUpdate: a limit below what is in use would trigger the
 * OOM killer at once, so refuse it instead. */
static error *check_usage(const struct cgroup *cg, const char *dir, const struct cgroup_write *w)
{
	const char *file =
	    cg->layout == CGROUP_LAYOUT_V2 ? "memory.current" : "memory.usage_in_bytes";
	_cleanup_free_ char *s = NULL;
	long long limit, usage;
	if (parse_int64(w->value, &limit) < 0 || cg_read(dir, file, &s) != 0)
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	if (parse_int64(s, &usage) == 0 && limit < usage)
		return err_new("%s: rejecting memory limit %lld below current usage %lld", w->field,
			       limit, usage);
	return NULL;
}

error *cgroup_apply_plan(const struct cgroup *cg, const struct cgroup_plan *plan)
{
	bool prev_skipped = false;
	ssize_t deferred = -1;
	_cleanup_free_ char *deferred_dir = NULL;
	for (size_t i = 0; i < plan->n; i++) {
		const struct cgroup_write *w = &plan->w[i];
		if ((w->flags & CGW_IF_PREV_SKIPPED) && !prev_skipped)
			continue;
		prev_skipped = false;
		_cleanup_free_ char *dir = NULL;
		error *e = entry_dir(cg, w, &dir);
		if (e)
			return e;
		if (!dir && denied(cg, w)) {
			/* runc ignores device rules it cannot apply rootless. */
			if (strcmp(w->controller, "devices") == 0 || (w->flags & CGW_IF_EXISTS)) {
				prev_skipped = true;
				continue;
			}
			return err_new("%s: cannot set %s limit: rootless container could not "
				       "create its cgroup (no write access to the %s hierarchy; "
				       "set a writable linux.cgroupsPath)",
				       w->field, w->controller,
				       cg->layout == CGROUP_LAYOUT_V2 ? "cgroup2" : w->controller);
		}
		if (!dir) {
			if (w->flags & CGW_IF_EXISTS) {
				prev_skipped = true;
				continue;
			}
			return err_new("%s: cgroup %s %s hierarchy is not mounted", w->field,
				       ver(cg), w->controller);
		}
		if ((w->flags & CGW_IF_EXISTS) && !cg_file_exists(dir, w->file)) {
			prev_skipped = true;
			continue;
		}
		if ((w->flags & CGW_CHECK_USAGE) && (e = check_usage(cg, dir, w)))
			return e;
		if ((w->flags & CGW_SWAP_ORDER) && i + 1 < plan->n &&
		    swap_first(dir, &plan->w[i + 1])) {
			const struct cgroup_write *sw = &plan->w[i + 1];
			if (!(sw->flags & CGW_IF_EXISTS) || cg_file_exists(dir, sw->file))
				if ((e = write_entry(cg, dir, sw)))
					return e;
			if ((e = write_entry(cg, dir, w)))
				return e;
			i++;
			continue;
		}
		int rc = cg_write(dir, w->file, w->value);
		if (rc == EINVAL && (w->flags & CGW_RETRY_AFTER_NEXT) && i + 1 < plan->n) {
			deferred = (ssize_t)i;
			deferred_dir = steal_ptr(dir);
			continue;
		}
		if (rc && cg->rootless && strcmp(w->controller, "devices") == 0) {
			log_debug("cgroup %s/%s: %s (rootless: device rules ignored)", dir, w->file,
				  strerror(rc));
			continue;
		}
		if (rc)
			return err_sys(rc, "%s: cgroup %s %s", w->field, ver(cg), w->file);
		log_debug("cgroup %s/%s <- %s", dir, w->file, w->value);
		if (deferred >= 0) {
			if ((e = write_entry(cg, deferred_dir, &plan->w[deferred])))
				return e;
			deferred = -1;
		}
	}
	if (deferred >= 0)
		return write_entry(cg, deferred_dir, &plan->w[deferred]);
	return NULL;
}

static error *apply(const struct cgroup *cg, const struct oci_resources *res, bool skip_devices)
{
	struct cgroup_plan plan;
	error *e = cgroup_plan_resources(res, cg->layout == CGROUP_LAYOUT_V2, skip_devices, &plan);
	if (e)
		return e;
	if (log_debug_enabled()) {
		_cleanup_free_ char *txt = cgroup_plan_format(&plan);
		if (txt && *txt)
			log_debug("cgroup %s: resources plan:\n%s", cgroup_path(cg), txt);
	}
	e = cgroup_apply_plan(cg, &plan);
	cgroup_plan_free(&plan);
	/* v2 has no device files: the rules become an eBPF program. */
	if (!e && !skip_devices && res && res->n_devices > 0 && cg->layout == CGROUP_LAYOUT_V2 &&
	    cg_find_v2(cg))
		e = cg_devices_attach(cg->v2fd, res->devices, res->n_devices);
	if (e && cg->rootless && err_errnum(e) == EPERM) {
		/* runc fs2: rootless device errors are "not expected to work". */
		log_debug("%s (rootless: device rules ignored)", err_msg(e));
		err_free(e);
		e = NULL;
	}
	return e;
}

error *cgroup_apply(const struct cgroup *cg, const struct oci_resources *res)
{
	return apply(cg, res, false);
}

error *cgroup_update(const struct cgroup *cg, const struct oci_resources *res)
{
	/* systemd first, so that its own later re-application (daemon-reload)
	 * keeps the new values; then the files, as runc does. */
	if (cg->sd_unit) {
		error *e = cg_sd_update(cg, res);
		if (e)
			return err_wrap(e, "unit %s", cg->sd_unit);
	}
	return apply(cg, res, true);
}
