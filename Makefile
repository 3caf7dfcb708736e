# skydd — GNU Makefile. `make` builds ./skydd; `make check` runs every test.
# SANITIZE=1 builds into build/san with ASan+UBSan.

PKGS := sqlite3 libsodium jansson libmicrohttpd liboath libqrencode pwquality libcurl gnutls \
	libcrypto xlsxwriter libzip
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CC ?= cc
ifeq ($(CC),cc)
CC := gcc
endif

WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wcast-qual -Wformat=2 -Wvla -fstack-protector-strong
CPPFLAGS_ALL := -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -DSKYDD_VERSION='"$(VERSION)"' -Isrc -Ibuild/gen
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

ifeq ($(SANITIZE),1)
BUILD := build/san
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN := -fsanitize=address,undefined
else
BUILD := build/rel
OPT := -O2 -g
LDSAN :=
endif

CFLAGS_ALL := $(WARN) $(OPT) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(LDSAN) -Wl,-z,relro,-z,now $(LDFLAGS)

LIB_SRC := $(sort $(shell find src -name '*.c' ! -path 'src/cli/main.c'))
CLI_MAIN := src/cli/main.c
GEN_SRC := build/gen/embedded.c
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/gen/embedded.o
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
EMBED_FILES := $(sort $(wildcard sql/*.sql) $(shell find web -type f 2>/dev/null) docs/api/openapi.yaml)
HEADERS := $(shell find src -name '*.h' -o -name '*.inc')

.SECONDARY:

.PHONY: all check check-unit check-sh check-fuzz check-browser bench fuzz format format-check \
	demo clean bootstrap tests

all: skydd

skydd: $(BUILD)/skydd
	cp $< $@

$(BUILD)/skydd: $(BUILD)/src/cli/main.o $(BUILD)/libskydd.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libskydd.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# The files that compile SKYDD_VERSION in are rebuilt when VERSION changes.
VERSIONED := $(patsubst %.c,$(BUILD)/%.o,$(shell grep -rl SKYDD_VERSION src --include='*.c'))
$(VERSIONED): VERSION

$(BUILD)/%.o: %.c $(HEADERS) | build/gen/embedded.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/gen/embedded.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o $@ $<

build/gen/embedded.h $(GEN_SRC): build/tools/embed $(EMBED_FILES)
	@mkdir -p build/gen
	build/tools/embed build/gen/embedded.c build/gen/embedded.h $(EMBED_FILES)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h tests/unit/*.inc) $(BUILD)/libskydd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libskydd.a \
		$(PKG_LIBS) -lcmocka

# Test programs that are not cmocka suites (load generators for the shell tests).
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libskydd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libskydd.a $(PKG_LIBS)

tests: $(TEST_BIN) $(TOOL_BIN) $(BUILD)/skydd

bootstrap:
	@./script/bootstrap

# Every test: unit (cmocka), shell (tamper, crash, CLI), fuzz (brief), browser, format.
check: bootstrap
	$(MAKE) tests skydd
	BUILD=$(BUILD) ./tests/run

check-unit: tests
	BUILD=$(BUILD) ./tests/run unit

bench: bootstrap
	$(MAKE) skydd $(TOOL_BIN) $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c)) \
		$(patsubst bench/%.sh,$(BUILD)/bench/%,$(wildcard bench/*.sh))
	BUILD=$(BUILD) ./bench/run

$(BUILD)/bench/%: bench/%.c bench/bench.h $(BUILD)/libskydd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libskydd.a $(PKG_LIBS)

# Benchmarks that drive other programs (rsyslog, the receiver) are shell scripts.
$(BUILD)/bench/%: bench/%.sh
	install -D -m 755 $< $@

# libFuzzer targets, built with clang against a separately compiled library.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC)) build/fuzz/obj/gen/embedded.o
FUZZ_FLAGS := -std=c17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined $(PKG_CFLAGS)

build/fuzz/obj/%.o: %.c $(HEADERS) | build/gen/embedded.h
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/obj/gen/embedded.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	clang $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

# Long fuzzing: FUZZ_SECONDS per target (default 600).
fuzz: bootstrap fuzz-build
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} ./tests/fuzz/run $(FUZZ_BIN)

format:
	clang-format -i $$(find src tests bench tools -name '*.[ch]')

format-check:
	@clang-format --dry-run -Werror $$(find src tests bench tools -name '*.[ch]')

demo: bootstrap
	$(MAKE) skydd
	./skydd demo --data ./demo-data

clean:
	rm -rf build skydd
