/* The score's "isolated, security" experiments: configuration independence (hostname,
 * pid 1, network) and safety (read-only and masked paths, the read-only root, a denied
 * syscall, a dropped capability, a device outside the allow list), from one container. */

#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"
#include "lab/score_env.h"
#include "lab/score_experiments.h"

/* ------------------------------------------------------------------ security */

/* One container answers every security probe, one key=value line each. The
 * probes that write target only the score's own copy (the overlay, /dev/shm of
 * the container) or rewrite a value with itself, so a missing defence changes
 * nothing on the host. */
static const char SECURITY_SCRIPT[] =
    "echo uts=$(readlink /proc/self/ns/uts); echo net=$(readlink /proc/self/ns/net); "
    "echo pidns=$(readlink /proc/self/ns/pid); echo pid=$$; echo host=$(hostname); "
    "echo ifs=$(ls /sys/class/net | tr '\\n' ' '); "
    "v=$(cat /proc/sys/kernel/hostname); "
    "r=$( (echo \"$v\" >/proc/sys/kernel/hostname) 2>&1 ) && echo ro=allowed || echo "
    "\"ro=refused: ${r##*: }\"; "
    "echo masked=$(cat /proc/timer_list 2>/dev/null | wc -c); "
    "r=$( (: >/.isorun-score-probe) 2>&1 ) && echo root=allowed || echo \"root=refused: "
    "${r##*: }\"; "
    "r=$(unshare -U true 2>&1) && echo sc=allowed || echo \"sc=refused: ${r##*: }\"; "
    "r=$( (touch /dev/shm/.probe && chown 1000 /dev/shm/.probe) 2>&1 ) && echo cap=allowed || "
    "echo \"cap=refused: ${r##*: }\"; "
    "r=$( (mknod /dev/shm/.kmsg c 1 11 && head -c 1 /dev/shm/.kmsg >/dev/null) 2>&1 ) && echo "
    "dev=allowed || echo \"dev=refused: ${r##*: }\"";

/* The value of "key=" in the probe output (static buffer per call site). */
static const char *probe(const char *out, const char *key, char *buf, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = out; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(buf, n, "%.*s", (int)(len - kl - 1), p + kl + 1);
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	snprintf(buf, n, "?");
	return buf;
}

static char *host_ns(const char *type)
{
	_cleanup_free_ char *p = str_printf("/proc/self/ns/%s", type);
	char buf[128];
	ssize_t n = p ? readlink(p, buf, sizeof(buf) - 1) : -1;
	if (n < 0)
		return strdup("?");
	buf[n] = 0;
	return strdup(buf);
}

static void ns_row(struct score_ctx *c, const char *name, const char *type, const char *inside,
		   const char *extra, const char *knob, const char *did)
{
	_cleanup_free_ char *host = host_ns(type);
	bool priv = host && strcmp(host, inside) != 0 && strcmp(inside, "?") != 0;
	struct score_row *r =
	    score_add_row(c->s, name, priv ? SG_PASS : SG_FAIL,
			  priv ? "private" : "shared with the host", knob, "%s", did);
	score_measured(r, "inside %s, host %s; %s", inside, host ? host : "?", extra);
}

static void refusal_row(struct score_ctx *c, const char *name, const char *v, const char *knob,
			const char *did)
{
	bool refused = str_has_prefix(v, "refused");
	struct score_row *r = score_add_row(c->s, name, refused ? SG_PASS : SG_FAIL,
					    refused ? "refused" : "allowed", knob, "%s", did);
	score_measured(r, "%s", v);
}

void score_security_rows(struct score_ctx *c)
{
	_cleanup_free_ char *out = NULL;
	int st;
	error *e = score_ctr_run(c->env, "security", SECURITY_SCRIPT, 20, &out, &st, NULL);
	if (e) {
		score_skip_row(c->s, "hostname", "linux.namespaces", e);
		return;
	}
	char a[256], b[768];
	char hostname[256] = "?";
	gethostname(hostname, sizeof(hostname) - 1);
	snprintf(b, sizeof(b), "hostname inside %s, host %s", probe(out, "host", a, sizeof(a)),
		 hostname);
	ns_row(c, "hostname", "uts", probe(out, "uts", a, sizeof(a)), b,
	       "linux.namespaces uts, hostname (isorun spec --share uts, --hostname)",
	       "compared the UTS namespace and hostname inside with the host's");
	char pid[32];
	probe(out, "pid", pid, sizeof(pid));
	snprintf(b, sizeof(b), "the shell's pid inside: %s", pid);
	ns_row(c, "pid-1", "pid", probe(out, "pidns", a, sizeof(a)), b,
	       "linux.namespaces pid (isorun spec --share pid)",
	       "compared the PID namespace inside with the host's; pid 1 means its own tree");
	char ifs[200];
	probe(out, "ifs", ifs, sizeof(ifs));
	snprintf(b, sizeof(b), "interfaces inside: %s", ifs);
	ns_row(c, "network", "net", probe(out, "net", a, sizeof(a)), b,
	       "linux.namespaces network (isorun spec --share net)",
	       "compared the network namespace and interfaces inside with the host's");
	refusal_row(c, "readonly-path", probe(out, "ro", a, sizeof(a)),
		    "linux.readonlyPaths (/proc/sys), capabilities",
		    "wrote /proc/sys/kernel/hostname with its own current value");
	probe(out, "masked", a, sizeof(a));
	bool masked = !strcmp(a, "0");
	struct score_row *r = score_add_row(
	    c->s, "masked-path", masked ? SG_PASS : SG_FAIL, masked ? "masked" : "visible",
	    "linux.maskedPaths (/proc/timer_list)", "read /proc/timer_list (the host's timers)");
	score_measured(r, "%s bytes read", a);
	refusal_row(c, "readonly-root", probe(out, "root", a, sizeof(a)),
		    "root.readonly (isorun spec --readonly/--writable)",
		    "created /.isorun-score-probe (in the score's copy of the rootfs)");
	refusal_row(c, "syscall", probe(out, "sc", a, sizeof(a)),
		    "linux.seccomp (isorun spec --seccomp default|none|FILE)",
		    "called unshare(CLONE_NEWUSER) (`unshare -U true`)");
	refusal_row(c, "capability", probe(out, "cap", a, sizeof(a)),
		    "process.capabilities CAP_CHOWN (isorun spec --cap-add/--cap-drop)",
		    "chowned its own file /dev/shm/.probe to uid 1000");
	refusal_row(c, "device", probe(out, "dev", a, sizeof(a)),
		    "linux.resources.devices, CAP_MKNOD (isorun spec --cap-add MKNOD)",
		    "mknod /dev/shm/.kmsg c 1 11 and read a byte of it");
	(void)st;
}
