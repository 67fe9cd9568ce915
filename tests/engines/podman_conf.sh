# podman_conf.sh: podman's private configuration for a test, one writer for the engine
# suites (common.sh) and the VM scripts (tests/vm/guest-checkpoint-podman.sh,
# sdengines-all.sh). Sourced; defines podman_write_confs only.
# shellcheck shell=bash

# podman_write_confs DIR DRIVER CGROUP_MANAGER ISORUN_BIN RUNC_BIN: DIR/containers.conf and
# DIR/storage.conf (store, run root and events log under DIR; runtimes by name, as
# docs/engines.md configures them: isorun, and runc as runc-ref; DRIVER: overlay, or vfs for
# rootless). podman's default ulimits (nofile 1048576, nproc 4194304) exceed the hard
# limits here and a runtime may not raise them: smaller defaults.
podman_write_confs() {
	cat >"$1/containers.conf" <<CFG
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "$3"
events_logger = "file"
events_logfile_path = "$1/events.log"
[engine.runtimes]
isorun = ["$4"]
runc-ref = ["$5"]
CFG
	cat >"$1/storage.conf" <<CFG
[storage]
driver = "$2"
runroot = "$1/runroot"
graphroot = "$1/root"
CFG
}
