/* state, list, kill, delete: commands on an existing container. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/pidfd.h"
#include "common/util.h"
#include "runtime/container.h"
#include "runtime/state/container_status.h"
#include "runtime/launch.h"
#include "spec/state_json.h"

static char *owner_name(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);
	if (pw)
		return strdup(pw->pw_name);
	return str_printf("#%u", uid);
}

/* Copies s into the block at *at (fill_info sized it). */
static char *put_str(char **at, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = memcpy(*at, s, len);
	*at += len;
	return p;
}

/* One allocation per container: `list` holds one of these for each container,
 * and a thousand of them as ten small allocations each grew its peak RSS past
 * the 3 MB it is meant to stay under. */
static error *fill_info(struct loaded_container *c, struct container_info *out)
{
	memset(out, 0, sizeof(*out));
	bool stopped = c->status == CONTAINER_STOPPED;
	_cleanup_free_ char *owner = owner_name(c->st.owner_uid);
	const char *strs[] = {c->st.id,
			      c->st.bundle ? c->st.bundle : "",
			      c->st.rootfs ? c->st.rootfs : "",
			      c->st.created ? c->st.created : "",
			      owner ? owner : "",
			      c->st.oci_version ? c->st.oci_version : ""};
	size_t n_ann = c->st.annotations.n;
	size_t size = 2 * (n_ann + 1) * sizeof(char *);
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		size += strlen(strs[i]) + 1;
	for (size_t i = 0; i < n_ann; i++)
		size += strlen(c->st.annotations.keys[i]) + strlen(c->st.annotations.values[i]) + 2;
	char **arrays = owner ? calloc(1, size) : NULL;
	if (!arrays)
		return err_sys(ENOMEM, "container info");
	out->annotation_keys = arrays;
	out->annotation_values = arrays + n_ann + 1;
	char *at = (char *)(arrays + 2 * (n_ann + 1));
	out->id = put_str(&at, strs[0]);
	out->bundle = put_str(&at, strs[1]);
	out->rootfs = put_str(&at, strs[2]);
	out->created = put_str(&at, strs[3]);
	out->owner = put_str(&at, strs[4]);
	out->oci_version = put_str(&at, strs[5]);
	for (size_t i = 0; i < n_ann; i++) {
		out->annotation_keys[i] = put_str(&at, c->st.annotations.keys[i]);
		out->annotation_values[i] = put_str(&at, c->st.annotations.values[i]);
	}
	out->pid = stopped ? 0 : c->st.pid;
	out->status = c->status;
	return NULL;
}

void container_info_free(struct container_info *ci)
{
	/* fill_info's block starts with the key array */
	free(ci->annotation_keys);
	memset(ci, 0, sizeof(*ci));
}

error *container_state(const struct runtime_ctx *rt, const char *id, struct container_info *out)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	e = fill_info(&c, out);
	container_unload(&c);
	return e;
}

error *container_state_json(const struct runtime_ctx *rt, const char *id, char **json_out)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	bool stopped = c.status == CONTAINER_STOPPED;
	struct oci_state st = {
	    .oci_version = c.st.oci_version,
	    .id = c.st.id,
	    .status = c.status,
	    .pid = stopped ? 0 : c.st.pid,
	    .bundle = c.st.bundle,
	    .rootfs = c.st.rootfs,
	    .created = c.st.created,
	    .owner = "",
	    .annotations = &c.st.annotations,
	};
	*json_out = oci_state_to_json(&st, true);
	container_unload(&c);
	return *json_out ? NULL : err_sys(ENOMEM, "state");
}

error *container_list(const struct runtime_ctx *rt, struct container_info **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(rt->root);
	if (!d) {
		if (errno == ENOENT)
			return NULL;
		return err_errno("open %s", rt->root);
	}
	struct dirent *de;
	error *e = NULL;
	size_t cap = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct loaded_container c;
		error *le = container_load(rt, de->d_name, &c);
		if (le) {
			/* Half-created or being deleted right now: not listed. */
			err_free(le);
			continue;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			struct container_info *grown = reallocarray(*out, cap, sizeof(**out));
			if (!grown) {
				container_unload(&c);
				e = err_sys(ENOMEM, "list");
				break;
			}
			*out = grown;
		}
		e = fill_info(&c, &(*out)[*n]);
		container_unload(&c);
		if (e)
			break;
		(*n)++;
	}
	closedir(d);
	return e;
}

error *container_signal_init(const struct loaded_container *c, int sig)
{
	_cleanup_close_ int pidfd = pidfd_open_or_none(c->st.pid);
	if (pidfd < 0 && errno == ESRCH)
		return err_kind_new(ERR_BAD_STATE, "container not running");
	/* The pid may have been reused between the status check and pidfd_open
	 * (without a pidfd, a reuse between here and kill() remains possible:
	 * runc's window). */
	if (!state_pid_alive(c->st.pid, c->st.pid_start_time))
		return err_kind_new(ERR_BAD_STATE, "container not running");
	if (pidfd_or_pid_signal(pidfd, c->st.pid, sig) < 0) {
		if (errno == ESRCH)
			return err_kind_new(ERR_BAD_STATE, "container not running");
		return err_new("unable to signal init: %s", go_strerror(errno));
	}
	return NULL;
}

/* kill --all of a stopped container is how containerd's shim cleans up after an init that
 * shared its pid namespace: whatever is still in the cgroup gets the signal, and an empty or
 * removed cgroup is success (runc 1.1.5 does the same, for any signal). */
static error *signal_leftovers(const struct loaded_container *c, int sig)
{
	if (!c->cg)
		return NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	error *e = cgroup_pids(c->cg, &pids, &n);
	if (e) {
		if (err_errnum(e) != ENOENT)
			return e;
		err_free(e);
		return NULL;
	}
	return n ? cgroup_signal_all(c->cg, sig) : NULL;
}

error *container_kill(const struct runtime_ctx *rt, const char *id, int sig, bool all)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	if (c.status == CONTAINER_STOPPED)
		e = all ? signal_leftovers(&c, sig)
			: err_kind_new(ERR_BAD_STATE, "container not running");
	else if (all && c.cg)
		e = cgroup_signal_all(c.cg, sig);
	else
		e = container_signal_init(&c, sig);
	container_unload(&c);
	return e;
}

error *container_wait_init_gone(const struct loaded_container *c, int timeout_ms)
{
	_cleanup_close_ int pidfd = pidfd_open_or_none(c->st.pid);
	if (pidfd < 0 && errno == ESRCH)
		return NULL;
	int waited = 0;
	while (state_pid_alive(c->st.pid, c->st.pid_start_time)) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		if (poll(&p, 1, 50) > 0)
			return NULL;
		waited += 50;
		if (waited >= timeout_ms)
			return err_new("container init %d did not exit after SIGKILL", c->st.pid);
	}
	return NULL;
}

static error *remove_without_state(const struct runtime_ctx *rt, const char *id)
{
	/* delete --force of a half-created container: its dir without state. */
	struct state_handle h;
	error *e = state_open(rt->root, id, &h);
	if (e)
		return e;
	return state_remove(&h);
}

/* delete --force must not wait forever for the lock: its holder may be an
 * `exec --ignore-paused` whose child is frozen in this (paused) container
 * and which therefore never finishes. Read the state without the lock (it
 * is replaced atomically), kill and thaw everything in the cgroup, which
 * ends such an exec, and then take the lock, with a bound. */
static error *load_for_force(const struct runtime_ctx *rt, const char *id,
			     struct loaded_container *c)
{
	memset(c, 0, sizeof(*c));
	c->h.dir_fd = -1;
	bool locked = false;
	error *e = state_open_try(rt->root, id, &c->h, &locked);
	if (e || locked)
		return e ? e : container_load_opened(c);
	log_debug("delete --force %s: state dir locked by another process; killing the "
		  "container's processes first",
		  id);
	struct state_handle h = c->h;
	if ((e = container_load_opened(c))) {
		/* No state yet (a create in progress holds the lock): nothing runs
		 * that could hold it forever, so wait for it as before. load_opened
		 * closed the handle. */
		log_debug("delete --force %s: %s; waiting for the lock", id, err_msg(e));
		err_free(e);
		return container_load(rt, id, c);
	}
	if (c->cg && c->status != CONTAINER_STOPPED && (e = cgroup_signal_all(c->cg, SIGKILL))) {
		log_debug("kill all: %s", err_msg(e));
		err_free(e);
	}
	c->h.dir_fd = -1; /* h stays open for the lock */
	c->h.dir = NULL;
	container_unload(c);
	c->h = h;
	if ((e = state_lock_wait(&c->h, 10000))) {
		state_close(&c->h);
		return e;
	}
	return container_load_opened(c);
}

error *container_delete(const struct runtime_ctx *rt, const char *id, bool force)
{
	struct loaded_container c;
	error *e = force ? load_for_force(rt, id, &c) : container_load(rt, id, &c);
	if (e) {
		if (force && err_kind(e) == ERR_NOT_FOUND) {
			err_free(e);
			e = remove_without_state(rt, id);
			if (e && err_kind(e) == ERR_NOT_FOUND) {
				err_free(e);
				return NULL;
			}
		}
		return e;
	}
	enum container_status status = c.status;
	if (status == CONTAINER_CREATED) {
		e = container_signal_init(&c, SIGKILL);
		err_free(e);
		e = container_wait_init_gone(&c, 10000);
	} else if (status != CONTAINER_STOPPED) {
		if (!force) {
			e = err_kind_new(ERR_BAD_STATE,
					 "cannot delete container %s that is not stopped: %s", id,
					 container_status_name(status));
		} else {
			if (c.cg)
				e = cgroup_signal_all(c.cg, SIGKILL);
			if (e) {
				log_debug("kill all: %s", err_msg(e));
				err_free(e);
			}
			err_free(container_signal_init(&c, SIGKILL));
			e = container_wait_init_gone(&c, 10000);
		}
	}
	if (e) {
		container_unload(&c);
		return e;
	}
	return container_destroy_loaded(&c);
}
