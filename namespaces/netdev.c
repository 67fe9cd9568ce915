/* linux.netDevices over rtnetlink. The caller is single-threaded, so it may
 * step into the container's network namespace (setns) to open a netlink
 * socket there and look names up, then step back: a netlink socket stays
 * bound to the namespace it was made in. */
#include "namespaces/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

#ifndef IFLA_NET_NS_FD
#define IFLA_NET_NS_FD 28
#endif

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[256];
};

static void add_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int nl_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/* Sends one request with NLM_F_ACK and returns 0 or -errno from the ack. */
static int nl_call(int sock, struct nl_req *r)
{
	static unsigned seq;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = ++seq;
	if (send(sock, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	char buf[4096];
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->nh.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *err = NLMSG_DATA(h);
			return err->error;
		}
	}
}

struct saved_addr {
	struct ifaddrmsg ifa;
	unsigned char local[16], address[16], broadcast[16];
	size_t local_len, address_len, broadcast_len;
};

struct dev_move {
	const struct oci_net_device *dev;
	int host_index;
	struct saved_addr *addrs;
	size_t n_addrs;
	bool moved;
};

static void copy_attr(const struct rtattr *a, unsigned char *dst, size_t *len)
{
	size_t l = RTA_PAYLOAD(a);
	if (l > 16)
		return;
	memcpy(dst, RTA_DATA(a), l);
	*len = l;
}

/* The permanent global addresses of the device (runtime-spec 1.3: "all
 * permanent IP addresses (IFA_F_PERMANENT) of any family with global scope
 * (RT_SCOPE_UNIVERSE)"). */
static error *save_addresses(int sock, struct dev_move *m)
{
	struct nl_req r = {0};
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = RTM_GETADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nh.nlmsg_seq = 1;
	r.ifa.ifa_family = AF_UNSPEC;
	if (send(sock, &r, r.nh.nlmsg_len, 0) < 0)
		return err_errno("netlink: dump addresses");
	char buf[16384];
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_errno("netlink: dump addresses");
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return NULL;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(h);
				return err_sys(-err->error, "netlink: dump addresses");
			}
			if (h->nlmsg_type != RTM_NEWADDR)
				continue;
			const struct ifaddrmsg *ifa = NLMSG_DATA(h);
			if ((int)ifa->ifa_index != m->host_index ||
			    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
				continue;
			struct saved_addr sa = {.ifa = *ifa};
			uint32_t flags = ifa->ifa_flags;
			int len = (int)IFA_PAYLOAD(h);
			for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len);
			     a = RTA_NEXT(a, len)) {
				if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= 4)
					memcpy(&flags, RTA_DATA(a), 4);
				else if (a->rta_type == IFA_LOCAL)
					copy_attr(a, sa.local, &sa.local_len);
				else if (a->rta_type == IFA_ADDRESS)
					copy_attr(a, sa.address, &sa.address_len);
				else if (a->rta_type == IFA_BROADCAST)
					copy_attr(a, sa.broadcast, &sa.broadcast_len);
			}
			if (!(flags & IFA_F_PERMANENT))
				continue;
			struct saved_addr *grown =
			    realloc(m->addrs, (m->n_addrs + 1) * sizeof(*m->addrs));
			if (!grown)
				return err_sys(ENOMEM, "netlink");
			m->addrs = grown;
			m->addrs[m->n_addrs++] = sa;
		}
	}
}

static int set_link(int sock, int index, const char *name, int netns_fd, bool up)
{
	struct nl_req r = {0};
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = index;
	if (up) {
		r.ifi.ifi_flags = IFF_UP;
		r.ifi.ifi_change = IFF_UP;
	}
	if (name)
		add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (netns_fd >= 0) {
		uint32_t fd = (uint32_t)netns_fd;
		add_attr(&r, IFLA_NET_NS_FD, &fd, sizeof(fd));
	}
	return nl_call(sock, &r);
}

static int add_address(int sock, int index, const struct saved_addr *sa)
{
	struct nl_req r = {0};
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = RTM_NEWADDR;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.ifa = sa->ifa;
	r.ifa.ifa_index = (unsigned)index;
	if (sa->local_len)
		add_attr(&r, IFA_LOCAL, sa->local, sa->local_len);
	if (sa->address_len)
		add_attr(&r, IFA_ADDRESS, sa->address, sa->address_len);
	if (sa->broadcast_len)
		add_attr(&r, IFA_BROADCAST, sa->broadcast, sa->broadcast_len);
	return nl_call(sock, &r);
}

/* Runs with the caller inside the target namespace: name the device, up, addresses. */
static error *configure_inside(int sock, const struct dev_move *m)
{
	const char *host = m->dev->host_name;
	int index = (int)if_nametoindex(host);
	if (index <= 0)
		return err_errno("linux.netDevices.%s: not found after the move", host);
	int r;
	const char *want = m->dev->name;
	if (want && strcmp(want, host) != 0 && (r = set_link(sock, index, want, -1, false)) < 0)
		return err_sys(-r, "linux.netDevices.%s: rename to \"%s\"", host, want);
	if ((r = set_link(sock, index, NULL, -1, true)) < 0)
		return err_sys(-r, "linux.netDevices.%s: set up", host);
	for (size_t i = 0; i < m->n_addrs; i++)
		if ((r = add_address(sock, index, &m->addrs[i])) < 0 && r != -EEXIST)
			return err_sys(-r, "linux.netDevices.%s: restore address %zu", host, i);
	return NULL;
}

static error *enter_netns(int fd, const char *what)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return err_errno("linux.netDevices: setns into %s network namespace", what);
	return NULL;
}

/* Best effort: the devices already moved go back under their host names. */
static void move_back(struct dev_move *moves, size_t n, int own_fd, int target_fd)
{
	if (enter_netns(target_fd, "the container's"))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!moves[i].moved)
			continue;
		const struct oci_net_device *d = moves[i].dev;
		const char *now = d->name && !strchr(d->name, '%') ? d->name : d->host_name;
		int idx = (int)if_nametoindex(now);
		if (idx <= 0)
			idx = (int)if_nametoindex(d->host_name);
		int sock = nl_open();
		if (idx > 0 && sock >= 0) {
			(void)set_link(sock, idx, d->host_name, -1, false);
			if (set_link(sock, idx, NULL, own_fd, false) < 0)
				log_warn("linux.netDevices.%s: could not move it back",
					 d->host_name);
		}
		if (sock >= 0)
			close(sock);
	}
	if (setns(own_fd, CLONE_NEWNET) < 0)
		log_warn("linux.netDevices: setns back: %s", strerror(errno));
}

error *netdev_move_all(const struct oci_linux *lnx, int target_fd)
{
	size_t n = lnx->n_net_devices;
	if (!n)
		return NULL;
	_cleanup_close_ int own_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own_fd < 0)
		return err_errno("linux.netDevices: open /proc/self/ns/net");
	struct stat a, b;
	if (fstat(own_fd, &a) == 0 && fstat(target_fd, &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev)
		return err_new("linux.netDevices: the container shares the runtime's network "
			       "namespace: there is nowhere to move the devices to");
	_cleanup_close_ int host_sock = nl_open();
	if (host_sock < 0)
		return err_errno("linux.netDevices: netlink socket");
	struct dev_move *moves = calloc(n, sizeof(*moves));
	if (!moves)
		return err_sys(ENOMEM, "linux.netDevices");
	error *e = NULL;
	/* Plan: every device exists, with its addresses, before anything moves. */
	for (size_t i = 0; i < n && !e; i++) {
		moves[i].dev = &lnx->net_devices[i];
		moves[i].host_index = (int)if_nametoindex(moves[i].dev->host_name);
		if (moves[i].host_index <= 0)
			e = err_new("linux.netDevices.%s: no such network device in the runtime's "
				    "network namespace",
				    moves[i].dev->host_name);
		else
			e = save_addresses(host_sock, &moves[i]);
	}
	for (size_t i = 0; i < n && !e; i++) {
		int r = set_link(host_sock, moves[i].host_index, NULL, target_fd, false);
		if (r < 0)
			e = err_sys(-r,
				    "linux.netDevices.%s: move into the container's network "
				    "namespace",
				    moves[i].dev->host_name);
		else
			moves[i].moved = true;
	}
	if (!e && !(e = enter_netns(target_fd, "the container's"))) {
		int sock = nl_open();
		if (sock < 0)
			e = err_errno("linux.netDevices: netlink socket in the container");
		for (size_t i = 0; i < n && !e; i++)
			e = configure_inside(sock, &moves[i]);
		if (sock >= 0)
			close(sock);
		if (setns(own_fd, CLONE_NEWNET) < 0) {
			/* Practically impossible (root, an fd we hold); the caller
			 * tears the container down on any error. */
			err_free(e);
			e = err_errno("linux.netDevices: setns back to the runtime's network "
				      "namespace");
		}
	}
	if (e)
		move_back(moves, n, own_fd, target_fd);
	for (size_t i = 0; i < n; i++)
		free(moves[i].addrs);
	free(moves);
	return e;
}
