/* enosys_shim [NAME,NAME,...] -- PROGRAM [ARG...]
 *
 * Runs PROGRAM (isorun) as if the kernel predated the listed syscalls: a
 * seccomp filter makes each of them fail with ENOSYS, then execs PROGRAM.
 * Without a list, every newer syscall isorun has a fallback for is listed
 * (see DEFAULT below). The filter is inherited by everything PROGRAM starts,
 * containers included, exactly as an old kernel would be; busybox does not
 * need any of these. x86_64 only (the test machines); other syscall ABIs
 * (i386, x32) are left alone.
 *
 * Uses no_new_privs so that no privilege is needed to install the filter. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Numbers from the x86_64 table: a build against old headers still knows them. */
static const struct {
	const char *name;
	int nr;
} TABLE[] = {
    {"statx", 332},	    {"pidfd_send_signal", 424},
    {"open_tree", 428},	    {"move_mount", 429},
    {"fsopen", 430},	    {"fsconfig", 431},
    {"fsmount", 432},	    {"fspick", 433},
    {"pidfd_open", 434},    {"clone3", 435},
    {"close_range", 436},   {"openat2", 437},
    {"pidfd_getfd", 438},   {"faccessat2", 439},
    {"mount_setattr", 442},
};

static const char DEFAULT[] = "openat2,close_range,clone3,faccessat2";

static int lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(TABLE) / sizeof(TABLE[0]); i++)
		if (strcmp(TABLE[i].name, name) == 0)
			return TABLE[i].nr;
	return -1;
}

int main(int argc, char **argv)
{
	int i = 1;
	const char *list = DEFAULT;
	if (i < argc && strcmp(argv[i], "--") != 0)
		list = argv[i++];
	if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		fprintf(stderr, "usage: enosys_shim [NAME,NAME,...] -- PROGRAM [ARG...]\n");
		return 2;
	}
	char *names = strdup(list);
	if (!names)
		return 2;
	int nrs[64], n = 0;
	char *save = NULL;
	for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int nr = lookup(t);
		if (nr < 0 || n == 64) {
			fprintf(stderr, "enosys_shim: unknown syscall %s\n", t);
			return 2;
		}
		nrs[n++] = nr;
	}

	/* arch check, load nr, one JEQ per syscall, allow, errno. */
	struct sock_filter prog[8 + 64];
	int k = 0;
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[k++] =
	    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	for (int j = 0; j < n; j++)
		/* match: jump over the remaining tests and the ALLOW to the ERRNO */
		prog[k++] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[j], (unsigned char)(n - j), 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	struct sock_fprog fprog = {(unsigned short)k, prog};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("enosys_shim: prctl(PR_SET_NO_NEW_PRIVS)");
		return 2;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
		perror("enosys_shim: seccomp");
		return 2;
	}
	execv(argv[i + 1], argv + i + 1);
	fprintf(stderr, "enosys_shim: exec %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
