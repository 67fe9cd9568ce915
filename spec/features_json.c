/* Renders the features document with the Go-compatible writer, so that the
 * output has the same shape as `runc features` (MarshalIndent, 4 spaces). */
#include "spec/features.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spec/go_json.h"

static void list(struct go_json *w, const char *key, char *const *v)
{
	go_json_begin_array(w, key);
	for (; v && *v; v++)
		go_json_string(w, NULL, *v);
	go_json_end_array(w);
}

static void enabled(struct go_json *w, const char *key, bool on)
{
	go_json_begin_object(w, key);
	go_json_bool(w, "enabled", on);
	go_json_end_object(w);
}

static void annotations(struct go_json *w, const struct str_map *m)
{
	go_json_begin_object(w, "annotations");
	/* Go sorts map keys; selection sort keeps this allocation-free. */
	const char *last = NULL;
	for (size_t done = 0; done < m->n; done++) {
		size_t best = m->n;
		for (size_t i = 0; i < m->n; i++) {
			if (last && strcmp(m->keys[i], last) <= 0)
				continue;
			if (best == m->n || strcmp(m->keys[i], m->keys[best]) < 0)
				best = i;
		}
		if (best == m->n)
			break;
		go_json_string(w, m->keys[best], m->values[best]);
		last = m->keys[best];
	}
	go_json_end_object(w);
}

char *oci_features_to_json(const struct oci_features *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	struct go_json w;
	go_json_init(&w, out, "    ");
	go_json_begin_object(&w, NULL);
	go_json_string(&w, "ociVersionMin", f->oci_version_min ? f->oci_version_min : "");
	go_json_string(&w, "ociVersionMax", f->oci_version_max ? f->oci_version_max : "");
	list(&w, "hooks", f->hooks);
	list(&w, "mountOptions", f->mount_options);

	go_json_begin_object(&w, "linux");
	list(&w, "namespaces", f->namespaces);
	list(&w, "capabilities", f->capabilities);
	go_json_begin_object(&w, "cgroup");
	go_json_bool(&w, "v1", f->cgroup_v1);
	go_json_bool(&w, "v2", f->cgroup_v2);
	go_json_bool(&w, "systemd", f->cgroup_systemd);
	go_json_bool(&w, "systemdUser", f->cgroup_systemd_user);
	go_json_bool(&w, "rdma", f->cgroup_rdma);
	go_json_end_object(&w);
	go_json_begin_object(&w, "seccomp");
	go_json_bool(&w, "enabled", f->seccomp_enabled);
	list(&w, "actions", f->seccomp_actions);
	list(&w, "operators", f->seccomp_operators);
	list(&w, "archs", f->seccomp_archs);
	list(&w, "knownFlags", f->seccomp_known_flags);
	list(&w, "supportedFlags", f->seccomp_supported_flags);
	go_json_end_object(&w);
	enabled(&w, "apparmor", f->apparmor_enabled);
	enabled(&w, "selinux", f->selinux_enabled);
	go_json_begin_object(&w, "intelRdt");
	go_json_bool(&w, "enabled", f->intel_rdt_enabled);
	go_json_bool(&w, "schemata", f->intel_rdt_schemata);
	go_json_bool(&w, "monitoring", f->intel_rdt_monitoring);
	go_json_end_object(&w);
	go_json_begin_object(&w, "memoryPolicy");
	list(&w, "modes", f->memory_policy_modes);
	list(&w, "flags", f->memory_policy_flags);
	go_json_end_object(&w);
	go_json_begin_object(&w, "mountExtensions");
	enabled(&w, "idmap", f->idmap_enabled);
	go_json_end_object(&w);
	enabled(&w, "netDevices", f->net_devices_enabled);
	go_json_end_object(&w);

	annotations(&w, &f->annotations);
	list(&w, "potentiallyUnsafeConfigAnnotations", f->unsafe_annotations);
	go_json_end_object(&w);
	fputc('\n', out);
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void oci_features_free(struct oci_features *f)
{
	char **lists[] = {f->hooks,
			  f->mount_options,
			  f->namespaces,
			  f->capabilities,
			  f->seccomp_actions,
			  f->seccomp_operators,
			  f->seccomp_archs,
			  f->seccomp_known_flags,
			  f->seccomp_supported_flags,
			  f->memory_policy_modes,
			  f->memory_policy_flags,
			  f->unsafe_annotations,
			  f->annotations.keys,
			  f->annotations.values};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		strv_free(lists[i]);
	const char *min = f->oci_version_min, *max = f->oci_version_max;
	memset(f, 0, sizeof(*f));
	f->oci_version_min = min;
	f->oci_version_max = max;
}
