/* Releasing parsed configs. Every function accepts partially filled structs
 * (a parse that failed half way) and NULL. */
#include <stdlib.h>

#include "common/util.h"
#include "spec/json_util.h"

void spec_str_map_clear(struct str_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	*m = (struct str_map){0};
}

static void caps_clear(struct oci_capabilities *c)
{
	strv_free(c->bounding);
	strv_free(c->effective);
	strv_free(c->inheritable);
	strv_free(c->permitted);
	strv_free(c->ambient);
}

void spec_process_clear(struct oci_process *p)
{
	free(p->user.additional_gids);
	free(p->user.username);
	strv_free(p->args);
	free(p->command_line);
	strv_free(p->env);
	free(p->cwd);
	caps_clear(&p->capabilities);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->io_priority.class_name);
	free(p->scheduler.policy);
	strv_free(p->scheduler.flags);
	free(p->exec_cpu_affinity.initial);
	free(p->exec_cpu_affinity.final);
	*p = (struct oci_process){0};
}

void spec_process_free(struct oci_process *p)
{
	if (!p)
		return;
	spec_process_clear(p);
	free(p);
}

void spec_resources_clear(struct oci_resources *r)
{
	for (size_t i = 0; i < r->n_devices; i++)
		free(r->devices[i].access);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_device);
	free(r->block_io.throttle_read_bps);
	free(r->block_io.throttle_write_bps);
	free(r->block_io.throttle_read_iops);
	free(r->block_io.throttle_write_iops);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	spec_str_map_clear(&r->unified);
	*r = (struct oci_resources){0};
}

void spec_resources_free(struct oci_resources *r)
{
	if (!r)
		return;
	spec_resources_clear(r);
	free(r);
}

void spec_seccomp_clear(struct oci_seccomp *s)
{
	strv_free(s->architectures);
	strv_free(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		strv_free(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	*s = (struct oci_seccomp){0};
}

void spec_linux_clear(struct oci_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_time_offsets; i++)
		free(l->time_offsets[i].clock);
	free(l->time_offsets);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	spec_resources_clear(&l->resources);
	free(l->rootfs_propagation);
	spec_seccomp_clear(&l->seccomp);
	spec_str_map_clear(&l->sysctl);
	strv_free(l->masked_paths);
	strv_free(l->readonly_paths);
	free(l->mount_label);
	free(l->personality.domain);
	strv_free(l->personality.flags);
	free(l->memory_policy.mode);
	free(l->memory_policy.nodes);
	strv_free(l->memory_policy.flags);
	for (size_t i = 0; i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	strv_free(l->intel_rdt.schemata);
	*l = (struct oci_linux){0};
}

static void hook_list_clear(struct oci_hook_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->hooks[i].path);
		strv_free(l->hooks[i].args);
		strv_free(l->hooks[i].env);
	}
	free(l->hooks);
}

void spec_free(struct oci_config *c)
{
	if (!c)
		return;
	free(c->oci_version);
	free(c->bundle);
	free(c->root.path);
	free(c->root.absolute_path);
	for (size_t i = 0; i < c->n_mounts; i++) {
		struct oci_mount *m = &c->mounts[i];
		free(m->destination);
		free(m->type);
		free(m->source);
		strv_free(m->options);
		free(m->uid_mappings);
		free(m->gid_mappings);
	}
	free(c->mounts);
	spec_process_clear(&c->process);
	free(c->hostname);
	free(c->domainname);
	hook_list_clear(&c->hooks.prestart);
	hook_list_clear(&c->hooks.create_runtime);
	hook_list_clear(&c->hooks.create_container);
	hook_list_clear(&c->hooks.start_container);
	hook_list_clear(&c->hooks.poststart);
	hook_list_clear(&c->hooks.poststop);
	spec_str_map_clear(&c->annotations);
	spec_linux_clear(&c->linux_);
	free(c);
}
