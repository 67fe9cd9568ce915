/* The systemd driver's D-Bus side, through sd-bus (libsystemd): transient
 * units on the system manager, or on the user manager for rootless
 * containers; one code path for both. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "cgroups/internal.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#define SD_DEST	   "org.freedesktop.systemd1"
#define SD_PATH	   "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* runc waits 30 s for systemd's job too. */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

/* libsystemd is loaded when the driver is first used, not linked: every other
 * command would pay for loading it and its dependencies (about 1.5 ms a call
 * measured here, more than the rest of `isorun --version`). */
#define SDL_FNS(X)                                                                                 \
	X(sd_booted)                                                                               \
	X(sd_bus_call)                                                                             \
	X(sd_bus_call_method)                                                                      \
	X(sd_bus_error_free)                                                                       \
	X(sd_bus_error_has_name)                                                                   \
	X(sd_bus_error_is_set)                                                                     \
	X(sd_bus_flush_close_unref)                                                                \
	X(sd_bus_get_property_string)                                                              \
	X(sd_bus_match_signal)                                                                     \
	X(sd_bus_message_append)                                                                   \
	X(sd_bus_message_append_array)                                                             \
	X(sd_bus_message_append_basic)                                                             \
	X(sd_bus_message_append_strv)                                                              \
	X(sd_bus_message_close_container)                                                          \
	X(sd_bus_message_new_method_call)                                                          \
	X(sd_bus_message_open_container)                                                           \
	X(sd_bus_message_read)                                                                     \
	X(sd_bus_message_set_auto_start)                                                           \
	X(sd_bus_message_unref)                                                                    \
	X(sd_bus_open_system)                                                                      \
	X(sd_bus_open_user)                                                                        \
	X(sd_bus_process)                                                                          \
	X(sd_bus_slot_unref)                                                                       \
	X(sd_bus_wait)

static struct {
#define SDL_FIELD(fn) __typeof__(fn) *fn;
	SDL_FNS(SDL_FIELD)
#undef SDL_FIELD
} sdl;
#define SDL(fn) (sdl.fn)

static error *sdl_load(void)
{
	static bool loaded;
	if (loaded)
		return NULL;
	/* Kept for the life of the process: the function pointers point into it. */
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return err_new("the systemd cgroup driver needs libsystemd.so.0: %s", dlerror());
#define SDL_SYM(fn)                                                                                \
	if (!(*(void **)&sdl.fn = dlsym(h, #fn)))                                                  \
		return err_new("libsystemd.so.0: no %s (systemd too old?)", #fn);
	SDL_FNS(SDL_SYM)
#undef SDL_SYM
	loaded = true;
	return NULL;
}

struct cgsd_conn {
	sd_bus *bus;
	const char *what; /* "system bus", "user bus": for messages */
};

void cgsd_disconnect(struct cgsd_conn *c)
{
	if (!c)
		return;
	SDL(sd_bus_flush_close_unref)(c->bus);
	free(c);
}

static const char *bus_address(bool user)
{
	const char *a = getenv(user ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
	if (a && *a)
		return a;
	if (!user)
		return "unix:path=/run/dbus/system_bus_socket";
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	return xdg && *xdg ? "$XDG_RUNTIME_DIR/bus"
			   : "no DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR";
}

/* A D-Bus error as text: its message, else the errno. */
static const char *bus_err(const sd_bus_error *be, int r)
{
	return be && SDL(sd_bus_error_is_set)(be) && be->message ? be->message : strerror(-r);
}

error *cgsd_connect(bool user, struct cgsd_conn **out)
{
	error *le = sdl_load();
	if (le)
		return le;
	struct cgsd_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return err_sys(ENOMEM, "systemd");
	c->what = user ? "user bus" : "system bus";
	int r = user ? SDL(sd_bus_open_user)(&c->bus) : SDL(sd_bus_open_system)(&c->bus);
	if (r < 0) {
		/* runc checks /run/systemd/system first; here it is a hint, so that
		 * the bus that was tried is named too. */
		error *e =
		    err_new("no D-Bus: cannot connect to the %s (%s): %s%s", c->what,
			    bus_address(user), strerror(-r),
			    !user && SDL(sd_booted)() <= 0
				? "; systemd is not PID 1 here either (no /run/systemd/system)"
				: "");
		cgsd_disconnect(c);
		return e;
	}
	/* The manager answers a property read only if it is there: this is
	 * where "a bus, but no systemd" shows. */
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	const char *version = NULL;
	r = SDL(sd_bus_message_new_method_call)(c->bus, &m, SD_DEST, SD_PATH,
						"org.freedesktop.DBus.Properties", "Get");
	/* A session bus would start whatever claims the name: ask the one there. */
	if (r >= 0)
		r = SDL(sd_bus_message_set_auto_start)(m, 0);
	if (r >= 0)
		r = SDL(sd_bus_message_append)(m, "ss", SD_MANAGER, "Version");
	if (r >= 0)
		r = SDL(sd_bus_call)(c->bus, m, 0, &be, &reply);
	if (r >= 0)
		r = SDL(sd_bus_message_read)(reply, "v", "s", &version);
	if (r < 0) {
		error *e;
		if ((SDL(sd_bus_error_has_name)(&be, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		     SDL(sd_bus_error_has_name)(&be, SD_BUS_ERROR_NAME_HAS_NO_OWNER)))
			e = err_new("systemd is not running on the %s (no %s there): is systemd "
				    "PID 1%s?",
				    c->what, SD_DEST, user ? " with a user manager" : "");
		else
			e = err_sys(-r, "systemd on the %s: %s", c->what, bus_err(&be, r));
		SDL(sd_bus_error_free)(&be);
		SDL(sd_bus_message_unref)(m);
		SDL(sd_bus_message_unref)(reply);
		cgsd_disconnect(c);
		return e;
	}
	log_debug("systemd %s on the %s", version, c->what);
	SDL(sd_bus_message_unref)(m);
	SDL(sd_bus_message_unref)(reply);
	*out = c;
	return NULL;
}

static int append_prop(sd_bus_message *m, const struct cgsd_prop *p)
{
	int r = SDL(sd_bus_message_open_container)(m, 'r', "sv");
	if (r >= 0)
		r = SDL(sd_bus_message_append_basic)(m, 's', p->name);
	if (r >= 0)
		r = SDL(sd_bus_message_open_container)(m, 'v', p->sig);
	if (r < 0)
		return r;
	switch (p->sig[0]) {
	case 'b':
		r = SDL(sd_bus_message_append)(m, "b", (int)p->b);
		break;
	case 's':
		r = SDL(sd_bus_message_append)(m, "s", p->s);
		break;
	case 't':
		r = SDL(sd_bus_message_append)(m, "t", p->u);
		break;
	case 'x':
		r = SDL(sd_bus_message_append)(m, "x", (int64_t)p->u);
		break;
	case 'u':
		r = SDL(sd_bus_message_append)(m, "u", (uint32_t)p->u);
		break;
	case 'i':
		r = SDL(sd_bus_message_append)(m, "i", (int32_t)p->u);
		break;
	case 'q':
		r = SDL(sd_bus_message_append)(m, "q", (uint16_t)p->u);
		break;
	case 'n':
		r = SDL(sd_bus_message_append)(m, "n", (int16_t)p->u);
		break;
	case 'y':
		r = SDL(sd_bus_message_append)(m, "y", (uint8_t)p->u);
		break;
	case 'd':
		r = SDL(sd_bus_message_append)(m, "d", p->d);
		break;
	case 'a':
		if (strcmp(p->sig, "ay") == 0) {
			r = SDL(sd_bus_message_append_array)(m, 'y', p->bytes, p->n_bytes);
		} else if (strcmp(p->sig, "as") == 0) {
			r = SDL(sd_bus_message_append_strv)(m, p->strv);
		} else {
			bool num = strcmp(p->sig, "a(st)") == 0;
			r = SDL(sd_bus_message_open_container)(m, 'a', num ? "(st)" : "(ss)");
			for (size_t i = 0; r >= 0 && i < p->n_pairs; i++)
				r = num ? SDL(sd_bus_message_append)(m, "(st)", p->pairs[i].key,
								     p->pairs[i].num)
					: SDL(sd_bus_message_append)(m, "(ss)", p->pairs[i].key,
								     p->pairs[i].str);
			if (r >= 0)
				r = SDL(sd_bus_message_close_container)(m);
		}
		break;
	default:
		r = -EINVAL;
	}
	if (r >= 0)
		r = SDL(sd_bus_message_close_container)(m);
	if (r >= 0)
		r = SDL(sd_bus_message_close_container)(m);
	return r;
}

static int append_props(sd_bus_message *m, const struct cgsd_props *props, pid_t pid)
{
	int r = SDL(sd_bus_message_open_container)(m, 'a', "(sv)");
	for (size_t i = 0; r >= 0 && i < props->n; i++)
		r = append_prop(m, &props->p[i]);
	if (r >= 0 && pid > 0)
		r = SDL(sd_bus_message_append)(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
	if (r >= 0)
		r = SDL(sd_bus_message_close_container)(m);
	return r;
}

struct job_wait {
	sd_bus_slot *slot; /* the JobRemoved match, kept until the wait is over */
	char *job;	   /* object path of the job we wait for */
	char *result;
	char *removed[16]; /* JobRemoved seen before we knew our job's path */
	char *removed_result[16];
	size_t n_removed;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (SDL(sd_bus_message_read)(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job) {
		if (strcmp(path, w->job) == 0 && !w->result)
			w->result = strdup(result);
	} else if (w->n_removed < 16) {
		w->removed[w->n_removed] = strdup(path);
		w->removed_result[w->n_removed++] = strdup(result);
	}
	return 0;
}

static void job_wait_clear(struct job_wait *w)
{
	SDL(sd_bus_slot_unref)(w->slot);
	free(w->job);
	free(w->result);
	for (size_t i = 0; i < w->n_removed; i++) {
		free(w->removed[i]);
		free(w->removed_result[i]);
	}
	memset(w, 0, sizeof(*w));
}

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* After the call that queued it: wait for JobRemoved of w->job. */
static error *wait_job(struct cgsd_conn *c, struct job_wait *w, const char *what, const char *unit)
{
	for (size_t i = 0; i < w->n_removed && !w->result; i++)
		if (w->removed[i] && strcmp(w->removed[i], w->job) == 0)
			w->result = w->removed_result[i] ? strdup(w->removed_result[i]) : NULL;
	uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
	while (!w->result) {
		int r = SDL(sd_bus_process)(c->bus, NULL);
		if (r < 0)
			return err_sys(-r, "%s %s: waiting for systemd's job", what, unit);
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (now >= deadline)
			return err_new("%s %s: systemd's job %s did not finish in 30 s", what, unit,
				       w->job);
		r = SDL(sd_bus_wait)(c->bus, deadline - now);
		if (r < 0)
			return err_sys(-r, "%s %s: waiting for systemd's job", what, unit);
	}
	if (strcmp(w->result, "done") != 0)
		return err_new("%s %s: systemd's job %s (see journalctl -u %s)", what, unit,
			       w->result, unit);
	return NULL;
}

/* A manager method that returns a job path; waits for the job. be gets the
 * D-Bus error of the call itself. */
static int call_job(struct cgsd_conn *c, sd_bus_message *m, struct job_wait *w, sd_bus_error *be)
{
	int r = SDL(sd_bus_match_signal)(c->bus, &w->slot, SD_DEST, SD_PATH, SD_MANAGER,
					 "JobRemoved", on_job_removed, w);
	if (r < 0)
		return r;
	/* Signals go to subscribers; harmless if already subscribed. */
	SDL(sd_bus_call_method)(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
	sd_bus_message *reply = NULL;
	r = SDL(sd_bus_call)(c->bus, m, 0, be, &reply);
	if (r >= 0) {
		const char *job;
		r = SDL(sd_bus_message_read)(reply, "o", &job);
		if (r >= 0 && !(w->job = strdup(job)))
			r = -ENOMEM;
	}
	SDL(sd_bus_message_unref)(reply);
	return r < 0 ? r : 0;
}

error *cgsd_start_unit(struct cgsd_conn *c, const char *unit, const struct cgsd_props *props,
		       pid_t pid)
{
	sd_bus_message *m = NULL;
	sd_bus_error be = SD_BUS_ERROR_NULL;
	struct job_wait w = {0};
	error *e = NULL;
	int r = SDL(sd_bus_message_new_method_call)(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
						    "StartTransientUnit");
	if (r >= 0)
		r = SDL(sd_bus_message_append)(m, "ss", unit, "fail");
	if (r >= 0)
		r = append_props(m, props, pid);
	if (r >= 0)
		r = SDL(sd_bus_message_append)(m, "a(sa(sv))", 0);
	if (r < 0) {
		e = err_sys(-r, "start %s: building the D-Bus message", unit);
		goto out;
	}
	r = call_job(c, m, &w, &be);
	if (r < 0) {
		if (SDL(sd_bus_error_has_name)(&be, "org.freedesktop.systemd1.UnitExists"))
			e = err_new("unit %s already exists", unit);
		else
			e = err_sys(-r, "start %s on the %s: %s", unit, c->what, bus_err(&be, r));
		goto out;
	}
	e = wait_job(c, &w, "start", unit);
out:
	job_wait_clear(&w);
	SDL(sd_bus_error_free)(&be);
	SDL(sd_bus_message_unref)(m);
	return e;
}

static const char *unit_iface(const char *unit)
{
	size_t n = strlen(unit);
	return n > 6 && strcmp(unit + n - 6, ".slice") == 0 ? "org.freedesktop.systemd1.Slice"
							    : "org.freedesktop.systemd1.Scope";
}

error *cgsd_unit_cgroup(struct cgsd_conn *c, const char *unit, char **out)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path = NULL;
	error *e = NULL;
	int r = SDL(sd_bus_call_method)(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &be,
					&reply, "s", unit);
	if (r >= 0)
		r = SDL(sd_bus_message_read)(reply, "o", &path);
	if (r >= 0)
		r = SDL(sd_bus_get_property_string)(c->bus, SD_DEST, path, unit_iface(unit),
						    "ControlGroup", &be, out);
	if (r >= 0 && (!*out || (*out)[0] != '/')) {
		e = err_new("unit %s: systemd gave no cgroup", unit);
		free(*out);
		*out = NULL;
	} else if (r < 0) {
		e = err_sys(-r, "unit %s: ControlGroup: %s", unit, bus_err(&be, r));
	}
	SDL(sd_bus_message_unref)(reply);
	SDL(sd_bus_error_free)(&be);
	return e;
}

error *cgsd_set_properties(struct cgsd_conn *c, const char *unit, const struct cgsd_props *props)
{
	if (!props->n)
		return NULL;
	sd_bus_message *m = NULL;
	sd_bus_error be = SD_BUS_ERROR_NULL;
	error *e = NULL;
	int r = SDL(sd_bus_message_new_method_call)(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
						    "SetUnitProperties");
	if (r >= 0)
		r = SDL(sd_bus_message_append)(m, "sb", unit, 1);
	if (r >= 0)
		r = append_props(m, props, 0);
	if (r >= 0)
		r = SDL(sd_bus_call)(c->bus, m, 0, &be, NULL);
	if (r < 0)
		e = err_sys(-r, "unit %s: SetUnitProperties: %s", unit, bus_err(&be, r));
	SDL(sd_bus_error_free)(&be);
	SDL(sd_bus_message_unref)(m);
	return e;
}

error *cgsd_stop_unit(struct cgsd_conn *c, const char *unit)
{
	sd_bus_message *m = NULL;
	sd_bus_error be = SD_BUS_ERROR_NULL;
	struct job_wait w = {0};
	error *e = NULL;
	int r = SDL(sd_bus_message_new_method_call)(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
						    "StopUnit");
	if (r >= 0)
		r = SDL(sd_bus_message_append)(m, "ss", unit, "replace");
	if (r >= 0)
		r = call_job(c, m, &w, &be);
	if (r < 0) {
		/* An empty scope is collected by systemd on its own. */
		if (!(SDL(sd_bus_error_has_name)(&be, "org.freedesktop.systemd1.NoSuchUnit") ||
		      SDL(sd_bus_error_has_name)(&be, "org.freedesktop.systemd1.LoadFailed")))
			e = err_sys(-r, "stop %s on the %s: %s", unit, c->what, bus_err(&be, r));
	} else {
		e = wait_job(c, &w, "stop", unit);
	}
	SDL(sd_bus_error_free)(&be);
	/* A unit that failed would stay listed until reset. */
	SDL(sd_bus_call_method)
	(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &be, NULL, "s", unit);
	SDL(sd_bus_error_free)(&be);
	job_wait_clear(&w);
	SDL(sd_bus_message_unref)(m);
	return e;
}

/* ---- the driver behind the cgroup interface ---- */

const char *cgroup_systemd_unit(const struct cgroup *cg)
{
	return cg->sd_unit;
}

/* Whatever stops the driver before anything is made: no bus, no systemd on
 * it, or the user manager (rootless) on a host that is not cgroup v2 (runc
 * 1.1 has no rootless systemd driver on v1 either: nothing is delegated). */
static error *check_host(bool user, enum cgroup_layout *layout)
{
	struct cgsd_conn *c = NULL;
	error *e = cgsd_connect(user, &c);
	cgsd_disconnect(c);
	if (!e)
		e = cgroup_detect_layout(layout);
	if (!e && user && *layout != CGROUP_LAYOUT_V2)
		e = err_new("the systemd cgroup driver for rootless containers needs a cgroup v2 "
			    "host (this one is %s)",
			    cgroup_layout_name(*layout));
	return e;
}

error *cgroup_systemd_probe(bool user_manager)
{
	enum cgroup_layout layout;
	return check_host(user_manager, &layout);
}

/* cg->h: the one cgroup2 hierarchy on v2; on v1/hybrid every v1 hierarchy
 * (and the cgroup2 one of hybrid), all at the unit's path, as runc 1.1's
 * legacy manager (getSubsystemPath). systemd's answer replaces the path at
 * enter. */
static error *unit_hiers(struct cgroup *cg, const char *path)
{
	if (cg->layout != CGROUP_LAYOUT_V2) {
		_cleanup_free_ char *mi = NULL;
		error *e = read_file("/proc/self/mountinfo", &mi, NULL);
		return e ? e : cg_hiers_at(cg, mi, path);
	}
	struct cg_hier *h = calloc(1, sizeof(*h));
	if (!h)
		return err_sys(ENOMEM, "cgroup");
	cg->h = h;
	cg->n = 1;
	h->v2 = true;
	h->mnt = strdup(CGROUP_ROOT);
	h->controllers = strdup("");
	h->path = strdup(path);
	return h->mnt && h->controllers && h->path ? NULL : err_sys(ENOMEM, "cgroup");
}

error *cgroup_create_systemd(const char *cgroups_path, const char *id, bool user_manager,
			     const struct oci_resources *res, const struct str_map *annotations,
			     struct cgroup **out)
{
	const char *shown = cgroups_path && *cgroups_path ? cgroups_path : "";
	struct cgsd_unit u;
	error *e = cgsd_parse_path(cgroups_path, id, user_manager, &u);
	if (e)
		return e; /* names the cgroupsPath already */
	struct cgroup *cg = calloc(1, sizeof(*cg));
	struct cgsd_props *plan = calloc(1, sizeof(*plan));
	_cleanup_free_ char *path = NULL;
	if (!plan || !cg) {
		free(plan);
		free(cg);
		cgsd_unit_free(&u);
		return err_sys(ENOMEM, "cgroup");
	}
	cg->v2fd = -1; /* no CLONE_INTO_CGROUP: systemd moves the pid in */
	cg->sd_plan = plan;
	/* The config's own mistakes first: they do not depend on the bus. */
	e = cgroup_detect_layout(&cg->layout);
	if (!e)
		e = cgsd_plan_start(&u, id, res, cg->layout == CGROUP_LAYOUT_V2, annotations, plan);
	if (!e)
		e = check_host(user_manager, &cg->layout);
	if (!e)
		e = cgsd_unit_path(&u, &path);
	if (!e)
		e = unit_hiers(cg, path);
	if (!e) {
		cg->sd_unit = steal_ptr(u.unit);
		cg->sd_cgroups_path = strdup(shown);
		if (!cg->sd_cgroups_path)
			e = err_sys(ENOMEM, "cgroup");
	}
	if (e) {
		e = err_wrap(e, "cgroupsPath \"%s\" (unit %s)", shown,
			     u.unit ? u.unit : cg->sd_unit);
		cgsd_unit_free(&u);
		cgroup_free(cg);
		return e;
	}
	log_debug("systemd: unit %s in %s (%s)", cg->sd_unit, u.slice,
		  cgroup_layout_name(cg->layout));
	cg->sd_user = user_manager;
	/* The user manager's containers are rootless: no eBPF device program
	 * for an unprivileged caller, as in runc (the /dev nodes are binds). */
	cg->rootless = user_manager;
	cg->sd_slice = u.is_slice;
	cgsd_unit_free(&u);
	*out = cg;
	return NULL;
}

void cg_sd_free(struct cgroup *cg)
{
	free(cg->sd_unit);
	free(cg->sd_cgroups_path);
	cg->sd_unit = cg->sd_cgroups_path = NULL;
	if (cg->sd_plan) {
		cgsd_props_free(cg->sd_plan);
		free(cg->sd_plan);
		cg->sd_plan = NULL;
	}
}

static error *sd_enter(struct cgroup *cg, pid_t pid);

error *cg_sd_enter(struct cgroup *cg, pid_t pid)
{
	error *e = sd_enter(cg, pid);
	return e && cg->sd_cgroups_path ? err_wrap(e, "cgroupsPath \"%s\"", cg->sd_cgroups_path)
					: e;
}

/* v1/hybrid, as runc 1.1's joinCgroups: systemd made the unit's cgroup in
 * the hierarchies it manages (and put a scope's pid there); the others
 * (cpuset, freezer, net_cls, perf_event, ...) are made here, a new cpuset
 * with its parent's cpus and mems, and the pid joins every one. What is
 * made here is counted in h->created: destroy removes it after the stop. */
static error *join_v1(struct cgroup *cg, pid_t pid)
{
	for (size_t i = 0; i < cg->n; i++) {
		error *e = cg_hier_create(&cg->h[i], cg->layout);
		if (e)
			return err_wrap(e, "unit %s", cg->sd_unit);
	}
	return cgroup_enter(cg, pid); /* started: writes cgroup.procs everywhere */
}

static error *sd_enter(struct cgroup *cg, pid_t pid)
{
	struct cgsd_conn *c = NULL;
	error *e = cgsd_connect(cg->sd_user, &c);
	if (e)
		return err_wrap(e, "unit %s", cg->sd_unit);
	if (log_debug_enabled() && cg->sd_plan) {
		_cleanup_free_ char *txt = cgsd_props_format(cg->sd_plan);
		if (txt)
			log_debug("systemd: start %s:\n%s", cg->sd_unit, txt);
	}
	static const struct cgsd_props none;
	e = cgsd_start_unit(c, cg->sd_unit, cg->sd_plan ? cg->sd_plan : &none,
			    cg->sd_slice ? 0 : pid);
	if (!e) {
		cg->sd_started = true;
		_cleanup_free_ char *path = NULL;
		e = cgsd_unit_cgroup(c, cg->sd_unit, &path);
		for (size_t i = 0; !e && i < cg->n; i++) {
			free(cg->h[i].path);
			if (!(cg->h[i].path = strdup(path)))
				e = err_sys(ENOMEM, "cgroup");
		}
	}
	cgsd_disconnect(c);
	if (!e && cg->layout != CGROUP_LAYOUT_V2)
		return join_v1(cg, pid);
	/* A slice takes no PIDs property: the pid joins like on cgroupfs. */
	if (!e && cg->sd_slice) {
		_cleanup_free_ char *dir = cg_dir(&cg->h[0]);
		char buf[32];
		snprintf(buf, sizeof(buf), "%d", (int)pid);
		int rc = dir ? cg_write(dir, "cgroup.procs", buf) : ENOMEM;
		if (rc)
			e = err_sys(rc, "unit %s: add pid %d to %s/cgroup.procs", cg->sd_unit,
				    (int)pid, dir ? dir : "?");
	}
	if (!e) {
		_cleanup_free_ char *dir = cg_dir(&cg->h[0]);
		cg->v2fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (cg->v2fd < 0)
			e = err_errno("unit %s: open %s", cg->sd_unit, dir ? dir : "?");
	}
	return e;
}

error *cg_sd_update(const struct cgroup *cg, const struct oci_resources *res)
{
	struct cgsd_props props = {0};
	error *e = cgsd_plan_resources(res, cg->layout == CGROUP_LAYOUT_V2, true, &props);
	if (e)
		return e;
	struct cgsd_conn *c = NULL;
	if (props.n && !(e = cgsd_connect(cg->sd_user, &c))) {
		e = cgsd_set_properties(c, cg->sd_unit, &props);
		cgsd_disconnect(c);
	}
	cgsd_props_free(&props);
	return e;
}

error *cg_sd_stop(struct cgroup *cg)
{
	if (!cg->sd_started)
		return NULL;
	struct cgsd_conn *c = NULL;
	error *e = cgsd_connect(cg->sd_user, &c);
	if (!e) {
		e = cgsd_stop_unit(c, cg->sd_unit);
		cgsd_disconnect(c);
	}
	if (!e)
		cg->sd_started = false;
	return e;
}
