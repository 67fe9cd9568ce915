/* cgroup v2 device rules: v2 has no devices.allow, so the rules become an
 * eBPF program of type CGROUP_DEVICE attached to the cgroup (what runc and
 * crun do). The program sees (type | access << 16, major, minor) and returns
 * 1 to allow, 0 to deny. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "common/cleanup.h"
#include "common/log.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
	bool oom;
};

static void emit(struct prog *p, struct bpf_insn in)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *nv = realloc(p->v, cap * sizeof(*nv));
		if (!nv) {
			p->oom = true;
			return;
		}
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n++] = in;
}

static int access_bits(const char *acc)
{
	if (!acc || !*acc)
		return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	int bits = 0;
	for (; *acc; acc++)
		bits |= *acc == 'r'   ? BPF_DEVCG_ACC_READ
			: *acc == 'w' ? BPF_DEVCG_ACC_WRITE
			: *acc == 'm' ? BPF_DEVCG_ACC_MKNOD
				      : 0;
	return bits;
}

static bool is_wildcard_all(const struct oci_device_cgroup *d)
{
	char t = d->type ? d->type : 'a';
	return t == 'a' && (!d->major.set || d->major.value < 0) &&
	       (!d->minor.set || d->minor.value < 0);
}

/* One rule: every test jumps to the end of the block when it fails; a full
 * match returns the rule's verdict. */
static void emit_rule(struct prog *p, const struct oci_device_cgroup *d)
{
	struct bpf_insn blk[8];
	int n = 0;
	char t = d->type ? d->type : 'a';
	int acc = access_bits(d->access);
	/* The jump offsets are patched below, once the block length is known. */
	if (t == 'b' || t == 'c')
		blk[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
				t == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (d->allow) {
		/* allow: the requested access must be a subset of the rule's. */
		blk[n++] = INSN(BPF_JMP | BPF_JSET | BPF_K, BPF_REG_3, 0, 0, ~acc & 7);
	} else {
		/* deny: any overlap denies. */
		blk[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_3, 0, 0);
		blk[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_6, 0, 0, acc);
		blk[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_6, 0, 0, 0);
	}
	if (d->major.set && d->major.value >= 0)
		blk[n++] =
		    INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)d->major.value);
	if (d->minor.set && d->minor.value >= 0)
		blk[n++] =
		    INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)d->minor.value);
	blk[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, d->allow ? 1 : 0);
	blk[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (int i = 0; i < n; i++) {
		if (BPF_CLASS(blk[i].code) == BPF_JMP && BPF_OP(blk[i].code) != BPF_EXIT)
			blk[i].off = (int16_t)(n - i - 1);
		emit(p, blk[i]);
	}
}

error *cg_devices_program(const struct oci_device_cgroup *rules, size_t n, struct bpf_insn **out,
			  size_t *n_out)
{
	/* A wildcard "a" rule resets everything before it, as on v1. */
	size_t start = 0;
	bool default_allow = false;
	for (size_t i = 0; i < n; i++) {
		char t = rules[i].type ? rules[i].type : 'a';
		if (t != 'a' && t != 'b' && t != 'c')
			return err_new(
			    "linux.resources.devices[%zu].type: must be a, b or c, got %c", i, t);
		if (is_wildcard_all(&rules[i])) {
			start = i + 1;
			default_allow = rules[i].allow;
		}
	}
	struct prog p = {0};
	/* r2 = type, r3 = access, r4 = major, r5 = minor */
	emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0));
	emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0));
	emit(&p, INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff));
	emit(&p, INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16));
	emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0));
	emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0));
	/* The last matching rule wins, so test them from the end. */
	for (size_t i = n; i > start; i--)
		emit_rule(&p, &rules[i - 1]);
	emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, default_allow ? 1 : 0));
	emit(&p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	if (p.oom) {
		free(p.v);
		return err_sys(ENOMEM, "linux.resources.devices");
	}
	*out = p.v;
	*n_out = p.n;
	return NULL;
}

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

error *cg_devices_attach(int cgroup_fd, const struct oci_device_cgroup *rules, size_t n)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t count = 0;
	error *e = cg_devices_program(rules, n, &insns, &count);
	if (e)
		return e;
	char log[4096] = "";
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)count;
	attr.license = (uint64_t)(uintptr_t) "Apache";
	/* The kernel sets O_CLOEXEC on bpf fds (since 4.x). Loaded without a
	 * verifier log first: with log_level 1 the kernel fails the load with
	 * ENOSPC as soon as the log outgrows the buffer, which a dozen rules do.
	 * The log is only asked for to explain a failure. */
	_cleanup_close_ int prog = (int)bpf(BPF_PROG_LOAD, &attr);
	int saved = errno; /* the retry's own errno may be ENOSPC from the log */
	if (prog < 0) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		prog = (int)bpf(BPF_PROG_LOAD, &attr);
	}
	if (prog < 0) {
		log[strcspn(log, "\n")] = '\0';
		if (log[0])
			return err_sys(
			    saved,
			    "linux.resources.devices: load eBPF device program (verifier: %s)",
			    log);
		return err_sys(saved, "linux.resources.devices: load eBPF device program");
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &attr) < 0)
		return err_errno("linux.resources.devices: attach eBPF device program");
	return NULL;
}
