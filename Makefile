# isorun: an OCI runtime in C.  `make` builds ./isorun; `make check` runs every test.
PREFIX ?= /usr/local
CC ?= gcc
PKGS := libseccomp libcap yajl mount
VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

BASE_CFLAGS := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -DISORUN_VERSION='"$(VERSION)"'
CFLAGS ?= -O2 -g
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
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

.PHONY: FORCE all deps check check-systemd unit integration vm engines bench demo install clean format fuzz helpers

all: isorun

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c $< -o $@

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# The commit in `isorun --version`: rewritten only when HEAD moves, so that
# main.o is rebuilt then and only then.
build/version.h: FORCE
	@mkdir -p build
	@echo '#define ISORUN_COMMIT "$(COMMIT)"' >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
build/rel/cmd/main.o build/san/cmd/main.o: build/version.h

build/rel/libisorun.a: $(REL_OBJS)
	@rm -f $@; ar rcs $@ $^

build/san/libisorun.a: $(SAN_OBJS)
	@rm -f $@; ar rcs $@ $^

# Stripped: create/run/exec copy the binary into a sealed memfd (CVE-2019-5736)
# on every call, and 1.5 MB of debug info costs ~2 ms there. For debugging use
# build/san/isorun (symbols, ASan+UBSan) or `make STRIP=`.
STRIP ?= -s
isorun: build/rel/cmd/main.o build/rel/libisorun.a
	$(CC) $(CFLAGS) $(STRIP) -o $@ $^ $(LIBS)

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

deps:
	@tests/install-deps.sh

check: deps
	$(MAKE) all unit helpers build/san/isorun
	@tests/run.sh

# The engines (containerd, podman, docker) with their systemd cgroup drivers over isorun
# and runc, in the VM whose PID 1 is systemd: slow under TCG, so not part of `make check`
# (which runs the driver's own tests in that VM: tests/vm/run-systemd.sh).
check-systemd: deps all
	@SYSTEMD_SUITE=engines tests/vm/run-systemd.sh

bench: deps all
	@tests/bench.sh

demo: deps all
	@tests/demo.sh

install: isorun
	install -D -m 0755 isorun $(DESTDIR)$(PREFIX)/bin/isorun

format:
	clang-format -i $(LIB_SRCS) cmd/main.c $(HDRS) $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(TEST_HELPER_SRCS)

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
