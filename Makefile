# ntmd — build, test, demo, install.  See README.md.
PREFIX   ?= /usr/local
DESTDIR  ?=
# Where make install puts things (README, Install). The configuration goes to
# SYSCONFDIR/ntmd, /etc/ntmd whatever the PREFIX (ntmctl's default; the unit's -c); the
# unit where systemd looks for it: /lib/systemd/system for PREFIX=/usr (Debian 12),
# PREFIX/lib/systemd/system otherwise.
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/ntmd
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/ntmd
SYSCONFDIR ?= /etc
UNITDIR  ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
CC       ?= cc
PKGS      = libcurl libical sqlite3 libconfig libmicrohttpd libsystemd libutf8proc libcrypto \
            xlsxwriter libargon2 zlib
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
# The installed catalogs and holidays, compiled in: $(BUILD)/paths holds them, and every
# object depends on it, so a make install with another PREFIX rebuilds first.
PATHS     = -DNTM_CATALOG_DIR=\"$(DATADIR)/catalogs\" -DNTM_HOLIDAY_DIR=\"$(DATADIR)/holidays\"
CFLAGS   += -std=c11 -D_GNU_SOURCE $(PATHS) $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
ifdef SANITIZE
# clang, whose UBSan reports go where ASan's do (ASAN_OPTIONS=log_path, which tests/run
# reads; GCC's libubsan writes only to stderr). Warnings are the plain build's to enforce.
ifeq ($(origin CC),default)
CC        = clang
endif
WARN     := $(filter-out -Werror,$(WARN))
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
BUILD    ?= build-asan
endif

BUILD    ?= build
LIB_SRC   = $(filter-out daemon/ntmd.c daemon/ntmctl.c,$(wildcard daemon/*.c))
LIB_OBJ   = $(LIB_SRC:daemon/%.c=$(BUILD)/%.o)
UNIT_SRC  = $(wildcard tests/unit/*.c)

# What each target needs, in groups for tests/install-debs: -t, a shell check for the very
# thing needed (a library, a Python module, a command), then the Debian packages that
# provide it, installed with apt when the check fails. The libraries must link, not only
# be found: libxlsxwriter's pkg-config names -lz, whose zlib1g-dev it does not depend on.
LINKS       = echo "int main(void) { return 0; }" | $(CC) -x c - -o /dev/null
BUILD_NEEDS = -t '$(LINKS)' build-essential \
              -t 'pkg-config --exists $(PKGS) && $(LINKS) $$(pkg-config --libs $(PKGS))' \
                 pkg-config libcurl4-openssl-dev libical-dev libsqlite3-dev libconfig-dev \
                 libmicrohttpd-dev libsystemd-dev libutf8proc-dev libssl-dev \
                 libxlsxwriter-dev zlib1g-dev libargon2-dev \
              -t 'test -f /usr/share/zoneinfo/Asia/Ho_Chi_Minh' tzdata
TEST_NEEDS  = -t 'pkg-config --exists check' check \
              -t '/usr/bin/python3 -c "import aiosmtpd.controller, icalendar, ephem, lunardate, openpyxl, recurring_ical_events"' \
                 python3 python3-aiosmtpd python3-icalendar python3-ephem python3-lunardate \
                 python3-openpyxl python3-recurring-ical-events \
              -t 'command -v mandoc' mandoc \
              -t 'command -v sqlite3' sqlite3 \
              -t 'command -v curl' curl \
              -t 'command -v node' nodejs \
              -t 'command -v chromium' chromium
# ical.js and playwright-core as tests/tools/*.mjs import them (npm ci installs
# tests/package-lock.json); playwright-core drives the chromium above, it fetches none.
HAS_NPM_DEPS = (cd tests/tools && node -e "Promise.all([import('ical.js'), \
               import('playwright-core')]).catch(() => process.exit(1))")

all: $(BUILD)/ntmd $(BUILD)/ntmctl

$(BUILD)/%.o: daemon/%.c $(wildcard daemon/*.h) $(BUILD)/paths | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Rewritten only when the paths change (git's GIT-CFLAGS), so objects are not rebuilt
# at every make.
$(BUILD)/paths: FORCE | $(BUILD)
	@printf '%s\n' '$(PATHS)' | cmp -s - $@ || printf '%s\n' '$(PATHS)' > $@

$(BUILD)/ntmd: $(BUILD)/ntmd.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/ntmctl: $(BUILD)/ntmctl.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_SRC) $(LIB_OBJ) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS) -Idaemon $(shell pkg-config --cflags check) $(LDFLAGS) -o $@ \
	    $(UNIT_SRC) $(LIB_OBJ) $(LDLIBS) $(shell pkg-config --libs check)

$(BUILD)/lunar-dump: tests/tools/lunar-dump.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD):
	mkdir -p $@

deps:
	@tests/install-debs $(BUILD_NEEDS)

test-deps: deps
	@tests/install-debs $(TEST_NEEDS)
	@$(HAS_NPM_DEPS) || { tests/install-debs -t 'command -v npm' npm && \
	    npm ci --prefix tests --no-audit --no-fund && $(HAS_NPM_DEPS); }

# make check: the unit and system tests built as usual in $(BUILD), the same tests built
# with AddressSanitizer and UBSan in $(ASAN_BUILD), and the fuzz targets' fixed runs;
# tests/run ends with one line "N passed, N failed" for all of them. With SANITIZE=1 only
# the sanitized build ($(BUILD), build-asan by default) is tested.
ASAN_BUILD   = $(BUILD)-asan
ifdef SANITIZE
CHECK_BUILDS = $(BUILD)
else
CHECK_BUILDS = $(BUILD) $(ASAN_BUILD)
endif

check: test-deps fuzz-deps
	$(MAKE) test-programs $(FUZZ_BINS)
	$(MAKE) test-programs SANITIZE=1 BUILD=$(lastword $(CHECK_BUILDS))
	FUZZ_CHECK="$(MAKE) --no-print-directory BUILD=$(BUILD) fuzz-run" tests/run $(CHECK_BUILDS)

test-programs: all $(BUILD)/unit-tests $(BUILD)/lunar-dump

# The tests built with AddressSanitizer and UBSan only.
check-sanitize:
	$(MAKE) check SANITIZE=1

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/demo

# make install: the layout of the Debian package (README, Install). The unit and the
# configuration are made from systemd/ntmd.service.in and config/ntmd.conf.in with the
# paths above ($(BUILD)/dirs holds them); an existing configuration is kept.
MAN_PAGES = $(wildcard man/*.1 man/*.5 man/*.8)
DIRS      = BINDIR=$(BINDIR) DATADIR=$(DATADIR) DOCDIR=$(DOCDIR) SYSCONFDIR=$(SYSCONFDIR)
SUBST     = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
                -e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

$(BUILD)/dirs: FORCE | $(BUILD)
	@printf '%s\n' '$(DIRS)' | cmp -s - $@ || printf '%s\n' '$(DIRS)' > $@

$(BUILD)/ntmd.service: systemd/ntmd.service.in $(BUILD)/dirs
	$(SUBST) systemd/ntmd.service.in > $@

$(BUILD)/ntmd.conf: config/ntmd.conf.in $(BUILD)/dirs
	$(SUBST) config/ntmd.conf.in > $@

install: all $(BUILD)/ntmd.service $(BUILD)/ntmd.conf
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/catalogs \
	    $(DESTDIR)$(DATADIR)/holidays $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(SYSCONFDIR)/ntmd/calendars
	install -m 755 $(BUILD)/ntmd $(BUILD)/ntmctl $(DESTDIR)$(BINDIR)/
	install -m 644 $(BUILD)/ntmd.service $(DESTDIR)$(UNITDIR)/
	install -m 644 config/catalogs/*.conf $(DESTDIR)$(DATADIR)/catalogs/
	install -m 644 config/holidays/*.conf $(DESTDIR)$(DATADIR)/holidays/
	install -m 644 calendars/*.conf calendars/README.md $(DESTDIR)$(DOCDIR)/examples/
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/
	for m in $(MAN_PAGES); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/ntmd/ntmd.conf ]; then \
	    echo "kept $(DESTDIR)$(SYSCONFDIR)/ntmd/ntmd.conf; the new one is $(BUILD)/ntmd.conf"; \
	else echo "install -m 644 $(BUILD)/ntmd.conf $(DESTDIR)$(SYSCONFDIR)/ntmd/ntmd.conf"; \
	    install -m 644 $(BUILD)/ntmd.conf $(DESTDIR)$(SYSCONFDIR)/ntmd/ntmd.conf; fi

# Everything install put there but the configuration, the plans and the database.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ntmd $(DESTDIR)$(BINDIR)/ntmctl $(DESTDIR)$(UNITDIR)/ntmd.service
	for m in $(MAN_PAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# The Debian package (README, Deploying on Debian): dpkg-buildpackage -us -uc -b in a copy
# of the tree in $(DEB_BUILD), so that neither this tree nor its parent gets the build's
# files; ntmd_VERSION_ARCH.deb is copied to $(DEB_DIR). deb-check builds it, runs lintian
# and tries it in a clean Debian 12 root (tests/package/deb-check).
DEB_BUILD  = build-debian
DEB_DIR   ?= .
DEB_NEEDS  = -t 'command -v dpkg-buildpackage && command -v dh' dpkg-dev debhelper
DEB_CHECK_NEEDS = -t 'command -v lintian' lintian -t 'command -v debootstrap' debootstrap \
                  -t 'command -v systemd-nspawn' systemd-container \
                  -t '/usr/bin/python3 -c "import aiosmtpd.controller"' python3 python3-aiosmtpd
DEB_FILE   = ntmd_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb

deb-deps: deps
	@tests/install-debs $(DEB_NEEDS)

deb: deb-deps
	rm -rf $(DEB_BUILD)/src && mkdir -p $(DEB_BUILD)/src/ntmd
	tar -c --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude=./var \
	    --exclude=./tests/node_modules --exclude='./*.deb' . | tar -x -C $(DEB_BUILD)/src/ntmd
	cd $(DEB_BUILD)/src/ntmd && dpkg-buildpackage -us -uc -b
	@f=$(DEB_FILE); cp $(DEB_BUILD)/src/$$f $(DEB_DIR)/ && echo "made $(DEB_DIR)/$$f"

deb-check: deb
	@tests/install-debs $(DEB_CHECK_NEEDS)
	tests/package/deb-check $(DEB_DIR)/$(DEB_FILE)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-asan var $(DEB_BUILD)

# Benchmarks, not part of check (README, Performance): bench/run runs the scripts in
# bench/; each prints name=value lines, every figure against a reference measured in the
# same run (nginx, postfix's smtp-source into smtp-sink, libical alone, sqlite3), and
# bench/run ends with the goals met and missed. `make bench BENCH="feed mail"` runs some;
# BENCH=import is bench/import-10k, the table importer against sqlite3 reading the file.
# postfix is preseeded unconfigured: only its smtp-sink and smtp-source are used.
BENCH     ?=
BENCH_DEBS = nginx-light wrk postfix strace valgrind time sqlite3 python3

$(BUILD)/import-driver: bench/import-driver.c $(LIB_OBJ)
	$(CC) $(CFLAGS) -Idaemon $(LDFLAGS) -o $@ bench/import-driver.c $(LIB_OBJ) $(LDLIBS)

$(BUILD)/ical-roundtrip: bench/ical-roundtrip.c | $(BUILD)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ bench/ical-roundtrip.c $(LDLIBS)

bench-deps: deps
	@dpkg-query -W -f='$${Status}' postfix 2>/dev/null | grep -q 'ok installed' || \
	    echo 'postfix postfix/main_mailer_type select No configuration' | \
	    debconf-set-selections 2>/dev/null || true
	@tests/install-debs $(BENCH_DEBS)

bench: bench-deps
	$(MAKE) all $(BUILD)/import-driver $(BUILD)/ical-roundtrip
	BUILD=$(BUILD) bench/run $(BENCH)

.PHONY: bench bench-deps

# Fuzzing with libFuzzer: the parsers of what people type (time texts, task tables), the
# done links anyone may send and the requests (tests/fuzz/fuzz_http.c, run from the top of
# the tree, whose plan it reads), built by clang with ASan and UBSan in $(FUZZ_DIR), apart
# from the normal objects. `fuzz` runs each target for 5 minutes; `fuzz-check`, which
# `check` runs, does a fixed number of runs from the seed corpora tests/fuzz/corpus-*.
# A crash or leak fails both.
FUZZ_CC     = clang
FUZZ_DIR    = build-fuzz
FUZZ_SAN    = address,undefined
FUZZ_CFLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -fno-omit-frame-pointer \
              -fno-sanitize-recover=all -Idaemon $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_LIBS   = $(shell pkg-config --libs libutf8proc libconfig 2>/dev/null) -lm
FUZZ_OBJ    = $(patsubst %,$(FUZZ_DIR)/%.o,import when date text xalloc log diag plan catalog confutil \
              workday lunar)
FUZZ_LINK_OBJ  = $(patsubst %,$(FUZZ_DIR)/%.o,donelink date xalloc log)
FUZZ_LINK_LIBS = $(shell pkg-config --libs libcrypto 2>/dev/null)
# the request router needs the desk, hence every object but the programs' own
FUZZ_HTTP_OBJ  = $(LIB_SRC:daemon/%.c=$(FUZZ_DIR)/%.o)
FUZZ_HTTP_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
FUZZ_TARGETS = when import donelink http
FUZZ_BINS   = $(FUZZ_TARGETS:%=$(BUILD)/fuzz-%)
FUZZ_RUNS   = 20000
FUZZ_SEED   = 1
FUZZ_TIME   = 300
FUZZ_ARGS   = -artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1

$(FUZZ_DIR)/%.o: daemon/%.c $(wildcard daemon/*.h)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(BUILD)/fuzz-when $(BUILD)/fuzz-import: $(BUILD)/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) | $(BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_OBJ) $(FUZZ_LIBS)

$(BUILD)/fuzz-donelink: tests/fuzz/fuzz_donelink.c $(FUZZ_LINK_OBJ) | $(BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_LINK_OBJ) \
	    $(FUZZ_LINK_LIBS)

$(BUILD)/fuzz-http: tests/fuzz/fuzz_http.c $(FUZZ_HTTP_OBJ) | $(BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_HTTP_OBJ) \
	    $(FUZZ_HTTP_LIBS)

# clang with libFuzzer and the sanitizer runtimes (for the fuzz targets and the sanitized
# build), which come with compiler-rt (libclang-rt-dev), not with clang itself.
fuzz-deps:
	@tests/install-debs -t 'echo "int LLVMFuzzerTestOneInput(void) { return 0; }" | \
	    $(FUZZ_CC) -fsanitize=fuzzer,$(FUZZ_SAN) -x c - -o /dev/null' clang libclang-rt-dev

fuzz: fuzz-deps
	$(MAKE) $(FUZZ_BINS)
	for t in $(FUZZ_TARGETS); do mkdir -p $(FUZZ_DIR)/corpus-$$t && \
	    $(BUILD)/fuzz-$$t $(FUZZ_ARGS) -max_total_time=$(FUZZ_TIME) -dict=tests/fuzz/$$t.dict \
	    $(FUZZ_DIR)/corpus-$$t tests/fuzz/corpus-$$t || exit 1; done

fuzz-check: fuzz-deps
	$(MAKE) $(FUZZ_BINS)
	$(MAKE) fuzz-run

# The targets are made here too: check builds the ones it names before tests/run.
fuzz-run: $(FUZZ_BINS)
	rm -rf $(FUZZ_DIR)/check
	for t in $(FUZZ_TARGETS); do mkdir -p $(FUZZ_DIR)/check/$$t && \
	    $(BUILD)/fuzz-$$t $(FUZZ_ARGS) -runs=$(FUZZ_RUNS) -seed=$(FUZZ_SEED) \
	    -dict=tests/fuzz/$$t.dict $(FUZZ_DIR)/check/$$t tests/fuzz/corpus-$$t || exit 1; done

clean-fuzz:
	rm -rf $(FUZZ_DIR) $(FUZZ_BINS)

.PHONY: bench fuzz-deps fuzz fuzz-check fuzz-run clean-fuzz

.PHONY: all deps test-deps check test-programs check-sanitize demo install uninstall clean \
	deb deb-deps deb-check FORCE

FORCE:
