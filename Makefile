# SPDX-License-Identifier: GPL-2.0-or-later
# nodecon — console and command line administration of an image-based hypervisor node.
#
#   make          build lib/libnode.a, nodectl, nodecon
#   make check    install what is missing, build, run every test (unit, netns, LVM guest, full guest)
#   make demo     boot a throw-away node in QEMU with nodecon on its serial console
#   make bench    print the benchmark figures
#
# O=DIR puts every build product under DIR (the sanitizer build uses O=build/asan).

O ?= .
CC ?= cc
PKG_CONFIG ?= pkg-config
VERSION := 0.1

LIB_PKGS := json-c devmapper libsystemd openssl pam
# libcurl: its headers only; lib/engine.c opens libcurl.so.4 on the first HTTPS
# call, so no program maps its ~18 libraries before it talks to an engine
CURL_PKGS := libcurl
# libvirt (lib/vms-libvirt.c): linked into nodectl only.  nodecon asks a child
# `nodectl --json vms` (lib/vms.c) instead of loading libvirt's ~40 libraries
# and ~4 MB of its initialisation into the console (DESIGN.md §5: RSS <= 10 MB)
VIRT_PKGS := libvirt
# lib/network (NetworkManager): compiled with everything, linked only where it is called (nodectl;
# nodecon: the network screens), so programs without it do not load libnm, gio and udev at start
NET_PKGS := libnm
TUI_PKGS := ncursesw panelw formw glib-2.0
TEST_PKGS := cmocka vterm

CFLAGS ?= -O2 -g
SAN ?=
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
NODE_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -ffile-prefix-map=$(CURDIR)=. -D_GNU_SOURCE -DNODECON_VERSION='"$(VERSION)"' \
	-iquote . -iquote lib $(SAN_FLAGS) $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) $(CURL_PKGS) $(VIRT_PKGS) $(NET_PKGS) 2>/dev/null)
NODE_LDFLAGS := $(SAN_FLAGS) $(LDFLAGS)
LIB_LIBS := $(shell $(PKG_CONFIG) --libs $(LIB_PKGS) 2>/dev/null)
NET_LIBS := $(shell $(PKG_CONFIG) --libs $(NET_PKGS) 2>/dev/null)
VIRT_LIBS := $(shell $(PKG_CONFIG) --libs $(VIRT_PKGS) 2>/dev/null)
TUI_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TUI_PKGS) 2>/dev/null)
TUI_LIBS := $(shell $(PKG_CONFIG) --libs $(TUI_PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
TUI_SRCS := $(wildcard tui/*.c) $(wildcard screens/*.c)
TUI_OBJS := $(TUI_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
# test programs never land in the source tree
TEST_O := $(if $(filter .,$(O)),build,$(O))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(TEST_O)/unit/%)
TUI_TEST_SRCS := $(wildcard tests/tui/*.c)

PROGRAMS := $(O)/nodectl $(if $(wildcard tools/nodecon.c),$(O)/nodecon)
# the translations (po/LINGUAS names them), built into $(O)/locale
LINGUAS := $(shell sed 's/\#.*//' po/LINGUAS 2>/dev/null)
MO_FILES := $(LINGUAS:%=$(O)/locale/%/LC_MESSAGES/nodecon.mo)

.PHONY: all deps check check-faults check-uefi unit unit-bins demo bench clean lint
all: $(O)/lib/libnode.a $(PROGRAMS) $(MO_FILES)

$(O)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NODE_CFLAGS) -c -o $@ $<

$(O)/lib/libnode.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(O)/tools/%.o: tools/%.c $(wildcard lib/*.h tui/*.h screens/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NODE_CFLAGS) $(TUI_CFLAGS) -DLOCALEDIR='"$(LOCALEDIR)"' -c -o $@ $<

$(O)/tui/%.o: tui/%.c $(wildcard lib/*.h tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NODE_CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

$(O)/screens/%.o: screens/%.c $(wildcard lib/*.h tui/*.h screens/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NODE_CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

NODECTL_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard tools/nodectl*.c))
$(O)/nodectl: $(NODECTL_OBJS) $(O)/lib/libnode.a
	$(CC) $(NODE_LDFLAGS) -o $@ $^ $(NET_LIBS) $(VIRT_LIBS) $(LIB_LIBS)

$(O)/nodecon: $(O)/tools/nodecon.o $(TUI_OBJS) $(O)/lib/libnode.a
	$(CC) $(NODE_LDFLAGS) -o $@ $^ $(TUI_LIBS) $(NET_LIBS) $(LIB_LIBS)

$(TEST_O)/unit/%: tests/unit/%.c $(O)/lib/libnode.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NODE_CFLAGS) $(TEST_CFLAGS) -o $@ $< $(O)/lib/libnode.a $(NODE_LDFLAGS) $(TEST_LIBS) $(VIRT_LIBS) $(LIB_LIBS)

$(TEST_O)/vterm-harness: $(TUI_TEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NODE_CFLAGS) $(TEST_CFLAGS) -o $@ $^ $(NODE_LDFLAGS) $(TEST_LIBS) -lutil

unit-bins: $(UNIT_BINS)

# Installs the Debian packages the build and the tests need (apt-get; root).
deps:
	@tools/deps.sh

# Every test: unit tests under ASan+UBSan and valgrind, NetworkManager in a
# network namespace, the LVM guest and the full systemd guest.  Prints
# "N passed, N failed" last and fails if anything failed.
check: deps
	@tests/check.sh

# The fault campaign: a failure injected at every lvm call of init and at
# every step of an upgrade; nodectl killed (SIGKILL) at every fault point of
# rollback/set-default, remove, pin (LVM tier), register (engine tier) and
# network apply (netns tier); then the table operation x point x fault ->
# outcome in build/results/faults.txt (make check samples every third point);
# then QEMU killed while an upgrade copies the image, and the same disk booted
# again (tests/guest/faults/qemu-kill.sh).
check-faults: deps
	@NODECON_FAULT_STEP=1 tests/check.sh build engine netns lvm; rc=$$?; \
		tests/guest/faults/qemu-kill.sh || rc=1; tests/faults-table.sh && exit $$rc

# The whole reboot campaign of the UEFI node: 3 tries of a failing layer, the
# fallback, a rollback (make check runs it with 1 try and no rollback).
check-uefi: deps
	@NODECON_UEFI_CAMPAIGN=long NODECON_UEFI_TRIES=3 tests/check.sh build uefi

# Only the unit tests (no root, no QEMU).
unit:
	@tests/check.sh unit

demo: deps all
	@tests/node/demo.sh

bench: deps all
	@tests/bench/bench.sh

clean:
	rm -rf build lib/*.o lib/libnode.a tools/*.o tui/*.o screens/*.o nodectl nodecon locale

# ---- translations (issue 7 item 6) -------------------------------------------
#   make             also builds po/LANG.po into $(O)/locale/LANG/LC_MESSAGES/nodecon.mo
#                    for every LANG in po/LINGUAS (NODECON_LOCALEDIR=$(O)/locale runs them)
#   make pot         regenerates po/nodecon.pot from every source that shows text
#   make update-po   merges the template into every po/LANG.po (msgmerge); a message
#                    po/LANG.po lacks is taken from po/LANG.compendium when that has it
# tools/po-missing.sh LANG lists what a translation still lacks.
$(O)/locale/%/LC_MESSAGES/nodecon.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c --check-format -o $@ $<

POT_SRCS = $(sort $(wildcard lib/*.c tools/*.c tui/*.c screens/*.c))
XGETTEXT_OPTS := --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=P_:1,2 \
	--add-comments=TRANSLATORS: --package-name=nodecon --package-version=$(VERSION) --msgid-bugs-address=nodecon
# $(TEST_O)/po/nodecon.pot: a fresh one for the i18n tier to compare with the committed one
po/nodecon.pot $(TEST_O)/po/nodecon.pot: $(POT_SRCS)
	@mkdir -p $(dir $@)
	xgettext $(XGETTEXT_OPTS) -o $@ $^
pot: po/nodecon.pot

update-po: po/nodecon.pot
	@for lang in $(LINGUAS); do \
		compendium=; [ ! -f po/$$lang.compendium ] || compendium="--compendium=po/$$lang.compendium"; \
		msgmerge --quiet --update --backup=none --previous $$compendium po/$$lang.po po/nodecon.pot || exit 1; \
		printf '%s: ' $$lang; msgfmt -c --statistics -o /dev/null po/$$lang.po; \
	done
.PHONY: pot update-po

# ---- fuzz and lint (issue "Hardening", items 2 and 6) -------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) against the lib sources compiled
# with clang and ASan+UBSan into $(FUZZ_O); gcc objects are never mixed in.
#   make fuzz        every harness for FUZZ_SECONDS (default 60) each
#   make fuzz-smoke  every harness ~10 s plus every kept reproducer, TAP (for make check)
#   make lint        cppcheck and clang-tidy over lib/ tools/ tui/ screens/, TAP (also a tier of make check)
#   make check-hostile  every nodectl run of the cli tier under valgrind too
FUZZ_CC ?= clang
FUZZ_O ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -DNODECON_VERSION='"$(VERSION)"' \
	-iquote . -iquote lib $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) $(CURL_PKGS) $(VIRT_PKGS) $(NET_PKGS) 2>/dev/null) $(FUZZ_SAN)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz_%)
# under clang/ so that `make O=$(FUZZ_O)` (gcc) can never pick these up or overwrite them
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_O)/clang/%.o)

$(FUZZ_O)/clang/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/clang/libnode-fuzz.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_O)/clang/libnode-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_O)/clang/libnode-fuzz.a $(VIRT_LIBS) $(LIB_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-bins
	@FUZZ_O=$(FUZZ_O) tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-smoke: fuzz-bins
	@FUZZ_O=$(FUZZ_O) tests/fuzz/run.sh --smoke $(FUZZ_NAMES)

lint:
	@tools/lint.sh

check-hostile: all
	$(MAKE) O=build/asan SAN=1 all
	HOSTILE_VALGRIND=all tests/host/cli.sh
.PHONY: fuzz fuzz-bins fuzz-smoke check-hostile

# ---- install and dist (issue "Services, logs, ...": installation) ------------
#   make install [DESTDIR=...] [PREFIX=/usr] [SYSCONFDIR=/etc] [SYSTEMDUNITDIR=$(PREFIX)/lib/systemd/system]
#   make dist        build/nodecon-$(VERSION).tar.gz from the committed tree (git archive)
#   make distcheck   unpack that tarball, build it, install it under a scratch root
#                    and compare the files with the list in README
PREFIX ?= /usr
SYSCONFDIR ?= /etc
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/nodecon
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
LOCALEDIR ?= $(PREFIX)/share/locale

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(O)/nodectl $(O)/nodecon $(DESTDIR)$(SBINDIR)/
	install -m 0644 doc/nodectl.8 doc/nodecon.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 dist/completion/nodectl.bash $(DESTDIR)$(BASHCOMPDIR)/nodectl
	install -D -m 0644 doc/nodecon.conf.5 $(DESTDIR)$(MANDIR)/man5/nodecon.conf.5
	install -D -m 0644 dist/pam.d/nodecon $(DESTDIR)$(SYSCONFDIR)/pam.d/nodecon
	install -D -m 0644 dist/systemd/getty@tty1.service.d-nodecon.conf \
		$(DESTDIR)$(SYSTEMDUNITDIR)/getty@tty1.service.d/nodecon.conf
	install -D -m 0644 dist/systemd/serial-getty@.service.d-nodecon.conf \
		$(DESTDIR)$(SYSTEMDUNITDIR)/serial-getty@.service.d/nodecon.conf
	@# the admin's own settings survive a reinstall
	[ -e $(DESTDIR)$(SYSCONFDIR)/nodecon/nodecon.conf ] || \
		install -D -m 0644 dist/nodecon/nodecon.conf $(DESTDIR)$(SYSCONFDIR)/nodecon/nodecon.conf
	for lang in $(LINGUAS); do \
		install -D -m 0644 $(O)/locale/$$lang/LC_MESSAGES/nodecon.mo \
			$(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/nodecon.mo || exit 1; \
	done
	install -D -m 0644 dist/systemd/nodecon-health.service $(DESTDIR)$(SYSTEMDUNITDIR)/nodecon-health.service

dist:
	@mkdir -p build
	git archive --format=tar.gz --prefix=nodecon-$(VERSION)/ -o build/nodecon-$(VERSION).tar.gz HEAD
	@echo build/nodecon-$(VERSION).tar.gz

distcheck: dist
	@tests/host/distcheck.sh build/nodecon-$(VERSION).tar.gz
.PHONY: install dist distcheck
