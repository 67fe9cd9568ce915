/* config.json top level: spec_parse, spec_load and the small lookups that
 * consumers use. Unknown members are ignored so newer configs still load. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/json_util.h"

static error *parse_mount(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_mount *m = elem;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "destination", &m->destination);
	if (!e)
		e = jget_string(p, v, "type", &m->type);
	if (!e)
		e = jget_string(p, v, "source", &m->source);
	if (!e)
		e = jget_strv(p, v, "options", &m->options);
	if (!e)
		e = jget_id_mappings(p, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings);
	if (!e)
		e = jget_id_mappings(p, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings);
	if (e)
		return e;
	if (m->destination[0] != '/') {
		struct jpath dp = JKEY(p, "destination");
		return jerr(&dp, "must be an absolute path");
	}
	return NULL;
}

static error *parse_hook(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_hook *h = elem;
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "path", &h->path);
	if (!e)
		e = jget_strv(p, v, "args", &h->args);
	if (!e)
		e = jget_strv(p, v, "env", &h->env);
	if (!e)
		e = jget_opt_i64(p, v, "timeout", &h->timeout);
	if (e)
		return e;
	if (h->path[0] != '/') {
		struct jpath pp = JKEY(p, "path");
		return jerr(&pp, "must be an absolute path");
	}
	if (h->timeout.set && h->timeout.value <= 0) {
		struct jpath tp = JKEY(p, "timeout");
		return jerr(&tp, "must be greater than zero");
	}
	return NULL;
}

static error *parse_hook_list(const struct jpath *p, yajl_val v, const char *key,
			      struct oci_hook_list *l)
{
	return jget_array(p, v, key, sizeof(*l->hooks), parse_hook, (void **)&l->hooks, &l->n);
}

static error *parse_hooks(const struct jpath *p, yajl_val v, struct oci_hooks *h)
{
	error *e = jobject(p, v);
	if (!e)
		e = parse_hook_list(p, v, "prestart", &h->prestart);
	if (!e)
		e = parse_hook_list(p, v, "createRuntime", &h->create_runtime);
	if (!e)
		e = parse_hook_list(p, v, "createContainer", &h->create_container);
	if (!e)
		e = parse_hook_list(p, v, "startContainer", &h->start_container);
	if (!e)
		e = parse_hook_list(p, v, "poststart", &h->poststart);
	if (!e)
		e = parse_hook_list(p, v, "poststop", &h->poststop);
	return e;
}

static error *parse_config(const struct jpath *p, yajl_val v, struct oci_config *c)
{
	error *e = jobject(p, v);
	if (!e)
		e = jget_string_req(p, v, "ociVersion", &c->oci_version);
	if (e)
		return e;
	yajl_val sub;
	if ((sub = jget(v, "root"))) {
		struct jpath rp = JKEY(p, "root");
		if ((e = jobject(&rp, sub)) ||
		    (e = jget_string_req(&rp, sub, "path", &c->root.path)) ||
		    (e = jget_bool(&rp, sub, "readonly", &c->root.readonly)))
			return e;
		if (!*c->root.path) {
			struct jpath pp = JKEY(&rp, "path");
			return jerr(&pp, "must not be empty");
		}
	}
	if ((e = jget_array(p, v, "mounts", sizeof(*c->mounts), parse_mount, (void **)&c->mounts,
			    &c->n_mounts)))
		return e;
	if ((sub = jget(v, "process"))) {
		struct jpath pp = JKEY(p, "process");
		if ((e = spec_parse_process_obj(&pp, sub, &c->process)))
			return e;
		c->has_process = true;
	}
	if ((e = jget_string(p, v, "hostname", &c->hostname)) ||
	    (e = jget_string(p, v, "domainname", &c->domainname)))
		return e;
	if ((sub = jget(v, "hooks"))) {
		struct jpath hp = JKEY(p, "hooks");
		if ((e = parse_hooks(&hp, sub, &c->hooks)))
			return e;
	}
	if ((e = jget_str_map(p, v, "annotations", &c->annotations)))
		return e;
	if ((sub = jget(v, "linux"))) {
		struct jpath lp = JKEY(p, "linux");
		if ((e = spec_parse_linux_obj(&lp, sub, &c->linux_)))
			return e;
		c->has_linux = true;
	}
	return NULL;
}

error *spec_parse_tree(yajl_val tree, struct oci_config **out)
{
	*out = NULL;
	struct oci_config *c = calloc(1, sizeof(*c));
	if (!c)
		return err_sys(ENOMEM, "config");
	struct jpath root = JROOT;
	/* Refused fields first: the error names the field isorun would not
	 * apply, not some unrelated problem further down. */
	error *e = spec_refuse_fields(&root, tree, "");
	if (!e)
		e = parse_config(&root, tree, c);
	if (e) {
		spec_free(c);
		return e;
	}
	*out = c;
	return NULL;
}

error *spec_parse(const char *json, size_t len, const char *name, struct oci_config **out)
{
	*out = NULL;
	yajl_val tree = NULL;
	error *e = jparse(json, len, &tree);
	if (!e)
		e = spec_parse_tree(tree, out);
	if (tree)
		yajl_tree_free(tree);
	return e ? err_wrap(e, "%s", name) : NULL;
}

/* A directory that must exist; the message names it the way runc users
 * know it ("bundle /x: ...", "rootfs /x/rootfs: ..."). */
static error *resolve_dir(const char *what, const char *path, char **out)
{
	char *real = realpath(path, NULL);
	if (!real)
		return err_errno("%s %s", what, path);
	struct stat st;
	if (stat(real, &st) < 0) {
		error *e = err_errno("%s %s", what, path);
		free(real);
		return e;
	}
	if (!S_ISDIR(st.st_mode)) {
		free(real);
		return err_sys(ENOTDIR, "%s %s", what, path);
	}
	*out = real;
	return NULL;
}

error *spec_load(const char *bundle, struct oci_config **out)
{
	return spec_load_text(bundle, out, NULL, NULL);
}

error *spec_load_text(const char *bundle, struct oci_config **out, char **text_out, size_t *len_out)
{
	*out = NULL;
	_cleanup_free_ char *dir = NULL;
	error *e = resolve_dir("bundle", bundle, &dir);
	if (e)
		return e;
	_cleanup_free_ char *path = str_printf("%s/config.json", dir);
	if (!path)
		return err_sys(ENOMEM, "bundle %s", bundle);
	struct stat st;
	if (stat(path, &st) < 0)
		return err_errno("%s", path);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if ((e = read_file(path, &text, &len)))
		return e;
	struct oci_config *c = NULL;
	if ((e = spec_parse(text, len, "config.json", &c)))
		return e;
	c->bundle = steal_ptr(dir);
	if (!c->root.path) {
		spec_free(c);
		return err_kind_new(ERR_BAD_CONFIG, "config.json: root.path: missing");
	}
	_cleanup_free_ char *joined = c->root.path[0] == '/'
					  ? strdup(c->root.path)
					  : str_printf("%s/%s", c->bundle, c->root.path);
	if (!joined) {
		spec_free(c);
		return err_sys(ENOMEM, "rootfs");
	}
	if ((e = resolve_dir("rootfs", joined, &c->root.absolute_path))) {
		spec_free(c);
		return e;
	}
	*out = c;
	if (text_out) {
		*text_out = steal_ptr(text);
		*len_out = len;
	}
	return NULL;
}

const struct oci_namespace *spec_find_namespace(const struct oci_config *cfg, enum oci_ns_type t)
{
	if (!cfg || !cfg->has_linux)
		return NULL;
	for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
		if (cfg->linux_.namespaces[i].type == t)
			return &cfg->linux_.namespaces[i];
	return NULL;
}

const char *spec_env_get(char *const *env, const char *key)
{
	if (!env || !key)
		return NULL;
	size_t n = strlen(key);
	const char *found = NULL;
	/* runc applies the list with setenv() in order, so a later definition wins. */
	for (; *env; env++)
		if (strncmp(*env, key, n) == 0 && (*env)[n] == '=')
			found = *env + n + 1;
	return found;
}
