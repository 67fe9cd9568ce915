/* linux.netDevices: moving host interfaces into the container's network
 * namespace over rtnetlink (no library: four message kinds). */
#ifndef ISORUN_NAMESPACES_NETDEV_H
#define ISORUN_NAMESPACES_NETDEV_H

#include "common/error.h"
#include "spec/config.h"

/* Moves every device of linux.netDevices from the caller's network namespace
 * into the one of target_netns_fd, renames it there (a "%d" template lets the
 * kernel pick the number), sets it up and re-adds its permanent global
 * addresses (the move flushes them), as runtime-spec 1.3 asks. Every device
 * is looked up before any is moved, so a missing one changes nothing:
 * `linux.netDevices.eth9: no such device in the runtime's network namespace`.
 * A failure after some moves moves those back. The devices are never moved
 * back on delete (the spec forbids it): when the namespace dies the kernel
 * returns physical devices to the initial namespace and destroys virtual
 * ones. */
error *netdev_move_all(const struct oci_linux *lnx, int target_netns_fd);

#endif
