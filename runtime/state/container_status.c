/* Loading a container from the state store and deriving its status from the
 * kernel. */
#include "runtime/state/container_status.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

static enum container_status derive_status(struct loaded_container *c)
{
	if (!state_pid_alive(c->st.pid, c->st.pid_start_time))
		return CONTAINER_STOPPED;
	if (faccessat(c->h.dir_fd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return CONTAINER_CREATED;
	bool frozen = false;
	if (c->cg) {
		error *e = cgroup_is_frozen(c->cg, &frozen);
		if (e) {
			log_debug("freezer state: %s", err_msg(e));
			err_free(e);
		}
	}
	return frozen ? CONTAINER_PAUSED : CONTAINER_RUNNING;
}

error *container_load_opened(struct loaded_container *c)
{
	error *e;
	if ((e = state_read(&c->h, &c->st))) {
		state_close(&c->h);
		return e;
	}
	if (c->st.cgroup && *c->st.cgroup) {
		e = cgroup_load(c->st.cgroup, &c->cg);
		if (e) {
			log_debug("load cgroup: %s", err_msg(e));
			err_free(e);
			c->cg = NULL;
		}
	}
	c->status = derive_status(c);
	return NULL;
}

error *container_load(const struct runtime_ctx *rt, const char *id, struct loaded_container *c)
{
	memset(c, 0, sizeof(*c));
	c->h.dir_fd = -1;
	error *e = state_open(rt->root, id, &c->h);
	return e ? e : container_load_opened(c);
}

void container_read_config(struct loaded_container *c)
{
	if (c->cfg)
		return;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file_at(c->h.dir_fd, "config.json", &text, &len);
	if (!e)
		e = spec_parse(text, len, "config.json", &c->cfg);
	if (e) {
		log_debug("saved config: %s", err_msg(e));
		err_free(e);
		c->cfg = NULL;
	}
}

void container_unload(struct loaded_container *c)
{
	if (c->cfg)
		spec_free(c->cfg);
	if (c->cg)
		cgroup_free(c->cg);
	saved_state_free(&c->st);
	state_close(&c->h);
	memset(c, 0, sizeof(*c));
}
