#include "runtime/cloned_binary.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool is_sealed_copy(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

error *ensure_cloned_binary(char **argv)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return err_errno("open /proc/self/exe");
	if (is_sealed_copy(self)) {
		/* comm would be the fd number after fexecve. */
		prctl(PR_SET_NAME, "isorun", 0, 0, 0);
		return NULL;
	}
	struct stat st;
	if (fstat(self, &st) < 0)
		return err_errno("stat /proc/self/exe");
	_cleanup_close_ int mem = memfd_create("isorun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0)
		return err_errno("memfd_create");
	off_t off = 0;
	while (off < st.st_size) {
		ssize_t n = sendfile(mem, self, &off, (size_t)(st.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_errno("copy isorun binary to memfd");
	}
	if (fcntl(mem, F_ADD_SEALS, REQUIRED_SEALS) < 0)
		return err_errno("seal memfd");
	syscall(SYS_execveat, mem, "", argv, environ, AT_EMPTY_PATH);
	return err_errno("re-exec from sealed memfd");
}
