# ntmd — build, test, demo, install.  See README.md.
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
PKGS      = libcurl libical sqlite3 libconfig libmicrohttpd libsystemd libutf8proc libcrypto
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -DNTM_CATALOG_DIR=\"$(PREFIX)/share/ntmd/catalogs\" $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
ifdef SANITIZE
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
BUILD    ?= build-asan
endif

BUILD    ?= build
LIB_SRC   = $(filter-out daemon/ntmd.c daemon/ntmctl.c,$(wildcard daemon/*.c))
LIB_OBJ   = $(LIB_SRC:daemon/%.c=$(BUILD)/%.o)
UNIT_SRC  = $(wildcard tests/unit/*.c)

# Debian packages each target needs; installed with apt when missing.
BUILD_DEBS = build-essential pkg-config libcurl4-openssl-dev libical-dev libsqlite3-dev \
             libconfig-dev libmicrohttpd-dev libsystemd-dev libutf8proc-dev libssl-dev tzdata
TEST_DEBS  = check python3 python3-aiosmtpd python3-icalendar sqlite3 curl

all: $(BUILD)/ntmd $(BUILD)/ntmctl

$(BUILD)/%.o: daemon/%.c $(wildcard daemon/*.h) | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/ntmd: $(BUILD)/ntmd.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/ntmctl: $(BUILD)/ntmctl.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_SRC) $(LIB_OBJ) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS) -Idaemon $(shell pkg-config --cflags check) $(LDFLAGS) -o $@ \
	    $(UNIT_SRC) $(LIB_OBJ) $(LDLIBS) $(shell pkg-config --libs check)

$(BUILD):
	mkdir -p $@

deps:
	@tests/install-debs $(BUILD_DEBS)

test-deps: deps
	@tests/install-debs $(TEST_DEBS)
	@command -v npm >/dev/null || tests/install-debs nodejs npm
	@[ -d tests/node_modules/ical.js ] || npm ci --prefix tests --no-audit --no-fund

check: test-deps
	$(MAKE) all $(BUILD)/unit-tests
	BUILD=$(BUILD) tests/run

# The whole suite again, built with AddressSanitizer and UBSan.
check-sanitize:
	$(MAKE) check SANITIZE=1

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) tests/demo

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/systemd/system \
	    $(DESTDIR)$(PREFIX)/share/ntmd/calendars $(DESTDIR)$(PREFIX)/share/ntmd/catalogs \
	    $(DESTDIR)$(PREFIX)/share/doc/ntmd
	install -m 755 $(BUILD)/ntmd $(BUILD)/ntmctl $(DESTDIR)$(PREFIX)/bin/
	install -m 644 systemd/ntmd.service $(DESTDIR)$(PREFIX)/lib/systemd/system/
	install -m 644 calendars/*.conf $(DESTDIR)$(PREFIX)/share/ntmd/calendars/
	install -m 644 config/catalogs/*.conf $(DESTDIR)$(PREFIX)/share/ntmd/catalogs/
	install -m 644 config/ntmd.conf README.md $(DESTDIR)$(PREFIX)/share/doc/ntmd/

clean:
	rm -rf $(BUILD) build-asan var

.PHONY: all deps test-deps check check-sanitize demo install clean
