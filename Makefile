# isorun: an OCI runtime in C.  `make` builds ./isorun; `make check` runs every test.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CC ?= gcc
PKGS := libseccomp libcap yajl mount
# The release version; `--version` shows `git describe` instead when built from a
# checkout (GIT_DESCRIBE= turns that off, as debian/rules does).
VERSION := 0.1.0
GIT_DESCRIBE ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT ?= $(or $(shell git describe --long --always --dirty 2>/dev/null),$(shell cat .commit 2>/dev/null),unknown)
# A tag "v1.2.3" gives 1.2.3[-N-gHASH][-dirty]; with no tag yet, VERSION+git.HASH.
FULL_VERSION := $(if $(GIT_DESCRIBE),$(if $(filter v%,$(GIT_DESCRIBE)),$(patsubst v%,%,$(GIT_DESCRIBE)),$(VERSION)+git.$(GIT_DESCRIBE)),$(VERSION))

# pkg-config runs when a recipe first needs it, not when this file is parsed: on a
# fresh machine `make demo`/`make check` install the -dev packages first (deps) and
# only then build, in a second make. Once run, the result is kept (:=).
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg_config,--cflags))$(PKG_CFLAGS)
LIBS = $(eval LIBS := $(call pkg_config,--libs))$(LIBS)
pkg_config = $(if $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo y),$(shell pkg-config $(1) $(PKGS)),$(error pkg-config finds no $(PKGS) (the -dev packages): run `make deps` as root, or install pkg-config libseccomp-dev libcap-dev libyajl-dev libmount-dev))

BASE_CFLAGS = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. $(PKG_CFLAGS) $(CPPFLAGS) -DISORUN_VERSION='"$(VERSION)"'
CFLAGS ?= -O2 -g
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ROOMS := common spec namespaces cgroups runtime/state runtime/child runtime lab
LIB_SRCS := $(foreach r,$(ROOMS),$(wildcard $(r)/*.c)) \
	$(filter-out cmd/main.c,$(wildcard cmd/*.c))
HDRS := $(foreach r,$(ROOMS) cmd,$(wildcard $(r)/*.h))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

REL_OBJS := $(LIB_SRCS:%.c=build/rel/%.o)
SAN_OBJS := $(LIB_SRCS:%.c=build/san/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/san/tests/unit/%)
TEST_HELPER_SRCS := $(wildcard tests/helpers/*.c)
TEST_HELPERS := $(TEST_HELPER_SRCS:tests/helpers/%.c=build/helpers/%)

.PHONY: FORCE all deps check check-systemd unit integration vm engines bench demo install \
	uninstall deb docs clean format fuzz helpers

all: isorun docs

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c $< -o $@

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# The version (git describe) and commit in `isorun --version`: rewritten only when they change
# (HEAD moves, the tree becomes dirty), so that main.o is rebuilt then and only then.
build/version.h: FORCE
	@mkdir -p build
	@printf '#define ISORUN_FULL_VERSION "%s"\n#define ISORUN_COMMIT "%s"\n' '$(FULL_VERSION)' '$(COMMIT)' >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
build/rel/cmd/main.o build/san/cmd/main.o: build/version.h

build/rel/libisorun.a: $(REL_OBJS)
	@rm -f $@; ar rcs $@ $^

build/san/libisorun.a: $(SAN_OBJS)
	@rm -f $@; ar rcs $@ $^

# Stripped: create/run/exec may copy the binary into a sealed memfd (CVE-2019-5736;
# the fallback when no private overlayfs can be made), where 1.5 MB of debug info costs ~2 ms. Use
# build/san/isorun (symbols, ASan+UBSan) or `make STRIP=`.
STRIP ?= -s
isorun: build/rel/cmd/main.o build/rel/libisorun.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(STRIP) -o $@ $^ $(LIBS)

# The sanitized binary: integration tests can run it with ISORUN=build/san/isorun.
build/san/isorun: build/san/cmd/main.o build/san/libisorun.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

build/san/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) build/san/libisorun.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) -o $@ $< build/san/libisorun.a $(LIBS)

build/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -g -o $@ $<

helpers: $(TEST_HELPERS)

unit: $(UNIT_BINS)

# Man pages and bash completion, written by build/gendocs from the same command and
# flag tables that print `--help`, so they cannot drift from it.
build/gendocs: tools/gendocs.c build/rel/libisorun.a
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/man/isorun.8: build/gendocs build/version.h
	@rm -rf build/man; mkdir -p build/man.tmp
	build/gendocs man build/man.tmp '$(FULL_VERSION)'
	@mv build/man.tmp build/man

build/completion/isorun: build/gendocs
	@mkdir -p $(dir $@)
	build/gendocs bash >$@.tmp && mv $@.tmp $@

docs: build/man/isorun.8 build/completion/isorun

# The packages each target needs are installed first, and the build runs in a second
# make, whose pkg-config then sees them (a fresh Debian has none of them). That make
# uses every core unless a -j was given.
JOBS = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$$(nproc))
deps:
	@tests/install-deps.sh test

check: deps
	$(MAKE) $(JOBS) all unit helpers build/san/isorun
	@tests/run.sh

# The engines (containerd, podman, docker) with their systemd cgroup drivers over isorun
# and runc, in the VM whose PID 1 is systemd: slow under TCG, so not part of `make check`
# (which runs the driver's own tests in that VM: tests/vm/run-systemd.sh).
check-systemd: deps
	$(MAKE) $(JOBS) all
	@SYSTEMD_SUITE=engines tests/vm/run-systemd.sh

bench: deps
	$(MAKE) $(JOBS) all
	@tests/bench.sh

demo:
	@tests/install-deps.sh demo
	$(MAKE) $(JOBS) isorun
	@tests/demo.sh

install: isorun docs
	install -D -m 0755 isorun $(DESTDIR)$(BINDIR)/isorun
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 build/man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 build/completion/isorun $(DESTDIR)$(BASHCOMPDIR)/isorun

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/isorun $(DESTDIR)$(BASHCOMPDIR)/isorun
	rm -f $(DESTDIR)$(MANDIR)/man8/isorun.8 $(DESTDIR)$(MANDIR)/man8/isorun-*.8

# isorun_<version>_<arch>.deb in build/deb, from the files git knows (committed or
# not) copied out of the tree, so that dpkg-buildpackage's clean leaves build/ alone.
DEB_VERSION = $(shell dpkg-parsechangelog -S Version -l debian/changelog)
deb:
	@tests/install-deps.sh deb
	rm -rf build/deb; mkdir -p build/deb/isorun
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C build/deb/isorun
	echo '$(COMMIT)' >build/deb/isorun/.commit
	cd build/deb/isorun && dpkg-buildpackage -us -uc -b
	@ls build/deb/isorun_$(DEB_VERSION)_$$(dpkg --print-architecture).deb
	lintian --allow-root --fail-on error --info build/deb/isorun_$(DEB_VERSION)_*.changes

format:
	clang-format -i $(LIB_SRCS) cmd/main.c tools/gendocs.c $(HDRS) $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(TEST_HELPER_SRCS)

# libFuzzer on the config parser: `make fuzz FUZZ_SECONDS=600`.
FUZZ_SECONDS ?= 600
FUZZ_SRCS := $(wildcard spec/*.c) common/error.c common/util.c common/log.c
build/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -I. $(shell pkg-config --cflags yajl) -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_config.c $(FUZZ_SRCS) \
		$(shell pkg-config --libs yajl libcap)

fuzz: build/fuzz/fuzz_config
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_config -close_fd_mask=2 -max_total_time=$(FUZZ_SECONDS) \
		build/fuzz/corpus tests/fuzz/corpus

clean:
	rm -rf build isorun
