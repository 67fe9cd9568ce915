#include "runtime/device_rules.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

struct default_rule {
	char type;
	int64_t major, minor; /* -1: wildcard */
	const char *access;
};

/* runc's specconv.AllowedDevices. */
static const struct default_rule default_rules[] = {
    {'c', -1, -1, "m"},	   {'b', -1, -1, "m"}, {'c', 1, 3, "rwm"},    {'c', 1, 8, "rwm"},
    {'c', 1, 7, "rwm"},	   {'c', 5, 0, "rwm"}, {'c', 1, 5, "rwm"},    {'c', 1, 9, "rwm"},
    {'c', 136, -1, "rwm"}, {'c', 5, 2, "rwm"}, {'c', 10, 200, "rwm"},
};

static void set_num(opt_i64 *o, int64_t v)
{
	o->set = v >= 0;
	o->value = v;
}

int effective_resources_build(const struct oci_config *cfg, struct effective_resources *out)
{
	memset(out, 0, sizeof(*out));
	const struct oci_linux *lnx = &cfg->linux_;
	if (lnx->has_resources)
		out->res = lnx->resources;
	size_t n_spec = lnx->has_resources ? lnx->resources.n_devices : 0;
	size_t n = n_spec + ARRAY_SIZE(default_rules);
	struct oci_device_cgroup *d = calloc(n, sizeof(*d));
	if (!d)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < n_spec; i++)
		d[k++] = lnx->resources.devices[i];
	/* No rule for linux.devices nodes: creating a node is not allowing it (runc's
	 * specconv does not either), so a deny-all config keeps /dev/kmsg closed even
	 * when it asks for the node. */
	for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++) {
		d[k].allow = true;
		d[k].type = default_rules[i].type;
		set_num(&d[k].major, default_rules[i].major);
		set_num(&d[k].minor, default_rules[i].minor);
		d[k].access = (char *)default_rules[i].access;
		k++;
	}
	out->owned_devices = d;
	out->res.devices = d;
	out->res.n_devices = k;
	return 0;
}

void effective_resources_free(struct effective_resources *er)
{
	free(er->owned_devices);
	er->owned_devices = NULL;
}
