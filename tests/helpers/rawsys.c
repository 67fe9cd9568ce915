/* rawsys NR [ARG...]: makes syscall NR (x86_64 numbers) with up to six integer
 * arguments and prints "ok <ret>" or "errno <n>". For checking, inside a
 * container, which errno a seccomp filter gives to a syscall busybox never
 * makes (clone3, close_range, acct...). Exit status 0 unless the usage is
 * wrong (2). Standalone: plain libc only. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 8) {
		fprintf(stderr, "usage: rawsys NR [ARG...]\n");
		return 2;
	}
	long a[6] = {0};
	for (int i = 2; i < argc; i++)
		a[i - 2] = strtol(argv[i], NULL, 0);
	long r = syscall(strtol(argv[1], NULL, 0), a[0], a[1], a[2], a[3], a[4], a[5]);
	if (r < 0)
		printf("errno %d\n", errno);
	else
		printf("ok %ld\n", r);
	return 0;
}
