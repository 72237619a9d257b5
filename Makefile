# certsift: one Makefile for the library, the command, tests and tools.

CC	?= cc
PREFIX	?= /usr/local
BUILD	?= build
# gzip is inflated by ISA-L when it is there (about 3x zlib's speed), else
# by zlib; ISAL=0 builds with zlib alone.
ISAL	?= $(shell pkg-config --exists libisal 2>/dev/null && echo 1 || echo 0)
PKGS	= openssl lmdb libxxhash jansson zlib libcurl libzstd \
	  $(if $(filter 1,$(ISAL)),libisal)
# Debian packages for building (and, in make check, testing).
DEBS	= gcc make pkg-config jq libssl-dev liblmdb-dev libxxhash-dev \
	  libjansson-dev zlib1g-dev libcurl4-openssl-dev libzstd-dev libisal-dev
TEST_DEBS = openssl ca-certificates python3 python3-cryptography clang libclang-rt-14-dev lmdb-utils \
	  python3-cryptography-vectors zstd python3-distributed chromium strace
CFLAGS	?= -O2 -g
WARN	= -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wformat=2
# Not added to CFLAGS: a CFLAGS given on the command line (as make check
# gives it) would silently drop them.
ifneq ($(SANITIZE),)
SAN_CFLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer
SAN_LDFLAGS = -fsanitize=$(SANITIZE)
endif
ifneq ($(KEYBITS),)
CPPFLAGS += -DCS_KEY_BITS=$(KEYBITS)
endif
ifneq ($(CACHELIMIT),)
CPPFLAGS += -DCS_CACHE_LIMIT=$(CACHELIMIT)
endif
ifneq ($(MAPSTART),)
CPPFLAGS += -DCS_MAP_START=$(MAPSTART)
endif
ifneq ($(HOSTSALL),)
CPPFLAGS += -DCS_HOSTS_ALL_CHAINS=$(HOSTSALL)
endif
ifeq ($(ISAL),1)
CPPFLAGS += -DCS_HAVE_ISAL
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is not linked: curl_dl.c loads it when `aia` needs it (every
# other command would pay ~11 ms to load it and what it pulls in).
PKG_LIBS := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) \
	2>/dev/null || echo -lcrypto -llmdb -lxxhash -ljansson -lz -lzstd \
	$(if $(filter 1,$(ISAL)),-lisal))
# The command sees only the public headers: the compiler enforces it.
CLI_CFLAGS = $(WARN) $(CFLAGS) $(SAN_CFLAGS) -D_GNU_SOURCE -Iinclude \
	$(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(CLI_CFLAGS) -Isrc/lib -I$(BUILD)/gen
LIBS	= -Wl,--as-needed $(PKG_LIBS) -lpthread -lm -ldl

LIB_SRC	= $(wildcard src/lib/*.c)
CLI_SRC	= $(wildcard src/cli/*.c)
LIB_OBJ	= $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ	= $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HEADERS	= $(wildcard include/certsift/*.h) $(wildcard src/lib/*.h) \
	  $(wildcard src/cli/*.h)

.PHONY: all deps demo check check-headers unit unit-bins cli-test \
	bench fuzz install clean

all: $(BUILD)/certsift $(BUILD)/libcertsift.a

$(BUILD)/gen/nss_table.inc: data/nss-errors.tsv tools/nss-table.awk
	@mkdir -p $(@D)
	awk -f tools/nss-table.awk data/nss-errors.tsv > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/lib/nss.o: $(BUILD)/gen/nss_table.inc

$(BUILD)/obj/cli/%.o: src/cli/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) -c -o $@ $<

$(BUILD)/gen/interception.inc: data/interception.tsv tools/embed.awk
	@mkdir -p $(@D)
	awk -v name=interception_tsv -f tools/embed.awk data/interception.tsv \
	    > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/lib/causes.o: $(BUILD)/gen/interception.inc

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libcertsift.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/certsift: $(CLI_OBJ) $(BUILD)/libcertsift.a
	$(CC) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libcertsift.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libcertsift.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $< \
	    $(BUILD)/libcertsift.a $(LIBS)

# Installs the Debian packages certsift needs, when any is missing.
deps:
	@sh tools/deps.sh $(DEBS) $(if $(filter check,$(MAKECMDGOALS)),$(TEST_DEBS))

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh $(BUILD)/certsift corpus/sample

unit-bins: $(UNIT_BIN)

unit: $(UNIT_BIN)
	@rc=0; for t in $(UNIT_BIN); do $$t || rc=1; done; exit $$rc

cli-test: all
	@CERTSIFT=$(abspath $(BUILD)/certsift) CORPUS=$(abspath corpus) \
	    sh tests/cli/run.sh

# The whole suite, then again under ASan and UBSan; one closing line.
check: deps
	@sh tools/check.sh

check-headers:
	@for h in include/certsift/*.h; do \
	    echo "#include \"$${h#include/}\"" | $(CC) $(ALL_CFLAGS) -x c \
	        -fsyntax-only - || exit 1; done

bench: all
	@CERTSIFT=$(abspath $(BUILD)/certsift) sh tools/bench/run.sh
	@CERTSIFT=$(abspath $(BUILD)/certsift) /usr/bin/python3 tools/bench/merge_bench.py
	@CERTSIFT=$(abspath $(BUILD)/certsift) /usr/bin/python3 tools/bench/report_bench.py
	@CERTSIFT=$(abspath $(BUILD)/certsift) /usr/bin/python3 tools/bench/causes_bench.py

fuzz:
	@sh tools/fuzz.sh $(or $(FUZZ_SECONDS),60)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include/certsift \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/certsift $(DESTDIR)$(PREFIX)/bin/
	install -m 755 src/dask/certsift-dask $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libcertsift.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/certsift/*.h $(DESTDIR)$(PREFIX)/include/certsift/
	install -m 644 docs/certsift.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build
