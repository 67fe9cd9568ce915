#include "runtime/state/state_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

#define STATE_FILE "state"

error *state_validate_id(const char *id)
{
	if (!id || !*id)
		return err_kind_new(ERR_BAD_CONFIG, "container id cannot be empty");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return err_kind_new(ERR_BAD_CONFIG, "invalid container ID format");
	for (const char *c = id; *c; c++) {
		char ch = *c;
		bool word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '_';
		if (!word && (ch < '+' || ch > '.'))
			return err_kind_new(ERR_BAD_CONFIG, "invalid container ID format");
	}
	return NULL;
}

static error *lock_dir(struct state_handle *h)
{
	if (flock(h->dir_fd, LOCK_EX) < 0)
		return err_errno("lock %s", h->dir);
	return NULL;
}

error *state_create(const char *root, const char *id, struct state_handle *h)
{
	h->dir = NULL;
	h->dir_fd = -1;
	error *e = state_validate_id(id);
	if (e)
		return e;
	if ((e = mkdir_p(root, 0711)))
		return err_wrap(e, "state root");
	_cleanup_free_ char *dir = str_printf("%s/%s", root, id);
	if (!dir)
		return err_sys(ENOMEM, "state dir");
	if (mkdir(dir, 0711) < 0) {
		if (errno == EEXIST)
			return err_kind_new(ERR_EXISTS, "container with id exists: %s", id);
		return err_errno("mkdir %s", dir);
	}
	h->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->dir_fd < 0) {
		e = err_errno("open %s", dir);
		rmdir(dir);
		return e;
	}
	h->dir = steal_ptr(dir);
	if ((e = lock_dir(h))) {
		/* Nothing of a container that never was may stay behind. */
		rmdir(h->dir);
		state_close(h);
	}
	return e;
}

static error *open_dir(const char *root, const char *id, struct state_handle *h);

error *state_open(const char *root, const char *id, struct state_handle *h)
{
	error *e = open_dir(root, id, h);
	return e ? e : lock_dir(h);
}

error *state_open_try(const char *root, const char *id, struct state_handle *h, bool *locked)
{
	error *e = open_dir(root, id, h);
	if (e)
		return e;
	*locked = flock(h->dir_fd, LOCK_EX | LOCK_NB) == 0;
	if (!*locked && errno != EWOULDBLOCK) {
		e = err_errno("lock %s", h->dir);
		state_close(h);
	}
	return e;
}

error *state_lock_wait(struct state_handle *h, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		if (flock(h->dir_fd, LOCK_EX | LOCK_NB) == 0)
			return NULL;
		if (errno != EWOULDBLOCK)
			return err_errno("lock %s", h->dir);
		if (waited >= timeout_ms)
			return err_new("lock %s: still held by another process after %d ms", h->dir,
				       timeout_ms);
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
}

static error *open_dir(const char *root, const char *id, struct state_handle *h)
{
	h->dir = NULL;
	h->dir_fd = -1;
	error *e = state_validate_id(id);
	if (e)
		return e;
	_cleanup_free_ char *dir = str_printf("%s/%s", root, id);
	if (!dir)
		return err_sys(ENOMEM, "state dir");
	h->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->dir_fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return err_kind_new(ERR_NOT_FOUND, "container does not exist");
		return err_errno("open %s", dir);
	}
	h->dir = steal_ptr(dir);
	return NULL;
}

void state_close(struct state_handle *h)
{
	if (h->dir_fd >= 0)
		close(h->dir_fd);
	h->dir_fd = -1;
	free(h->dir);
	h->dir = NULL;
}

error *state_remove(struct state_handle *h)
{
	error *e = NULL;
	_cleanup_close_ int fd = openat(h->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d) {
		fd = -1; /* owned by d now */
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (unlinkat(h->dir_fd, de->d_name, 0) < 0 && errno != ENOENT && !e)
				e = err_errno("remove %s/%s", h->dir, de->d_name);
		}
		closedir(d);
	}
	if (rmdir(h->dir) < 0 && errno != ENOENT && !e)
		e = err_errno("remove %s", h->dir);
	state_close(h);
	return e;
}

/* Values are one line each: escape '%' and newlines. */
static void put_escaped(FILE *f, const char *key, const char *v)
{
	fprintf(f, "%s=", key);
	for (; v && *v; v++) {
		if (*v == '%')
			fputs("%25", f);
		else if (*v == '\n')
			fputs("%0A", f);
		else
			fputc(*v, f);
	}
	fputc('\n', f);
}

static char *unescape(const char *v)
{
	char *out = malloc(strlen(v) + 1), *o = out;
	if (!out)
		return NULL;
	while (*v) {
		if (v[0] == '%' && v[1] == '2' && v[2] == '5') {
			*o++ = '%';
			v += 3;
		} else if (v[0] == '%' && v[1] == '0' && v[2] == 'A') {
			*o++ = '\n';
			v += 3;
		} else {
			*o++ = *v++;
		}
	}
	*o = '\0';
	return out;
}

error *state_write(const struct state_handle *h, const struct saved_state *st)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return err_errno("state");
	put_escaped(f, "id", st->id);
	fprintf(f, "pid=%d\npid_start_time=%llu\nowner_uid=%u\n", st->pid,
		(unsigned long long)st->pid_start_time, st->owner_uid);
	put_escaped(f, "bundle", st->bundle);
	put_escaped(f, "rootfs", st->rootfs);
	put_escaped(f, "created", st->created);
	put_escaped(f, "oci_version", st->oci_version);
	put_escaped(f, "cgroup", st->cgroup);
	for (size_t i = 0; i < st->annotations.n; i++) {
		put_escaped(f, "annotation_key", st->annotations.keys[i]);
		put_escaped(f, "annotation_value", st->annotations.values[i]);
	}
	if (fclose(f) != 0)
		return err_errno("state");
	/* Atomic replace so a concurrent reader never sees half a file. */
	if (write_file_at(h->dir_fd, STATE_FILE ".tmp", buf, len) ||
	    renameat(h->dir_fd, STATE_FILE ".tmp", h->dir_fd, STATE_FILE) < 0)
		return err_errno("write %s/%s", h->dir, STATE_FILE);
	return NULL;
}

static int map_push(struct str_map *m, char *k, char *v)
{
	char **nk = realloc(m->keys, (m->n + 1) * sizeof(*nk));
	if (!nk)
		return -1;
	m->keys = nk;
	char **nv = realloc(m->values, (m->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	m->values = nv;
	m->keys[m->n] = k;
	m->values[m->n] = v;
	m->n++;
	return 0;
}

error *state_read(const struct state_handle *h, struct saved_state *st)
{
	memset(st, 0, sizeof(*st));
	_cleanup_free_ char *text = NULL;
	error *e = read_file_at(h->dir_fd, STATE_FILE, &text, NULL);
	if (e) {
		if (err_errnum(e) == ENOENT) {
			err_free(e);
			return err_kind_new(ERR_NOT_FOUND, "container does not exist");
		}
		return err_wrap(e, "state of %s", h->dir);
	}
	char *pending_key = NULL;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *k = line;
		char *v = unescape(eq + 1);
		if (!v)
			return err_sys(ENOMEM, "state");
		char **slot = NULL;
		if (!strcmp(k, "id"))
			slot = &st->id;
		else if (!strcmp(k, "bundle"))
			slot = &st->bundle;
		else if (!strcmp(k, "rootfs"))
			slot = &st->rootfs;
		else if (!strcmp(k, "created"))
			slot = &st->created;
		else if (!strcmp(k, "oci_version"))
			slot = &st->oci_version;
		else if (!strcmp(k, "cgroup"))
			slot = &st->cgroup;
		if (slot) {
			free(*slot);
			*slot = v;
			continue;
		}
		if (!strcmp(k, "pid"))
			st->pid = (pid_t)strtol(v, NULL, 10);
		else if (!strcmp(k, "pid_start_time"))
			st->pid_start_time = strtoull(v, NULL, 10);
		else if (!strcmp(k, "owner_uid"))
			st->owner_uid = (uid_t)strtoul(v, NULL, 10);
		else if (!strcmp(k, "annotation_key")) {
			free(pending_key);
			pending_key = steal_ptr(v);
		} else if (!strcmp(k, "annotation_value") && pending_key) {
			if (map_push(&st->annotations, pending_key, v) < 0) {
				free(v);
				free(pending_key);
				return err_sys(ENOMEM, "state");
			}
			pending_key = NULL;
			v = NULL;
		}
		free(v);
	}
	free(pending_key);
	if (!st->id)
		return err_new("state of %s: corrupt (no id)", h->dir);
	return NULL;
}

void saved_state_free(struct saved_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->oci_version);
	free(st->cgroup);
	for (size_t i = 0; i < st->annotations.n; i++) {
		free(st->annotations.keys[i]);
		free(st->annotations.values[i]);
	}
	free(st->annotations.keys);
	free(st->annotations.values);
	memset(st, 0, sizeof(*st));
}

static bool read_proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* comm may contain spaces and parens: fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return false;
	p += 2;
	*state = *p;
	/* p points at field 3; start time is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	*start = strtoull(p, NULL, 10);
	return true;
}

uint64_t proc_start_time(pid_t pid)
{
	char st;
	uint64_t start = 0;
	return read_proc_stat(pid, &st, &start) ? start : 0;
}

bool state_pid_alive(pid_t pid, uint64_t start_time)
{
	char st;
	uint64_t start = 0;
	if (pid <= 0 || !read_proc_stat(pid, &st, &start))
		return false;
	if (st == 'Z' || st == 'X')
		return false;
	return start == start_time;
}
