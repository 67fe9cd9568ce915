/* The seccomp agent hand-off of runtime-spec "Container Process State": one
 * message on a unix stream socket with the state JSON as payload and the
 * listener fd in SCM_RIGHTS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/child/console.h"
#include "runtime/child/seccomp.h"
#include "spec/go_json.h"

error *seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (!listener_path || !*listener_path)
		return err_new("linux.seccomp.listenerPath: empty");
	if (strlen(listener_path) >= sizeof(addr.sun_path))
		return err_new("linux.seccomp.listenerPath %s: path too long for a unix socket",
			       listener_path);
	if (notify_fd < 0)
		return err_new("linux.seccomp.listenerPath %s: no seccomp notify fd to send",
			       listener_path);
	strcpy(addr.sun_path, listener_path);
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return err_errno("linux.seccomp.listenerPath %s: socket", listener_path);
	int rc;
	do
		rc = connect(sock, (struct sockaddr *)&addr, sizeof(addr));
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		/* runc's wording (Go's net.Dial error inside). */
		int en = errno;
		error *e = err_new("failed to connect with seccomp agent specified in the seccomp "
				   "profile: linux.seccomp.listenerPath: dial unix %s: connect: %s",
				   listener_path, go_strerror(en));
		if (e)
			err_set_errnum(e, en);
		return e;
	}
	if (fd_send(sock, notify_fd, state_json, state_json ? strlen(state_json) : 0) < 0)
		return err_errno("linux.seccomp.listenerPath %s: sendmsg", listener_path);
	return NULL;
}

char *seccomp_listener_payload(const char *oci_version, pid_t pid, const char *metadata,
			       const char *state_json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("{\"ociVersion\":", f);
	go_json_quote(f, oci_version ? oci_version : "");
	fprintf(f, ",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":", (int)pid);
	go_json_quote(f, metadata ? metadata : "");
	fprintf(f, ",\"state\":%s}", state_json && *state_json ? state_json : "{}");
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
