# tcplab — `make demo` runs the main job, `make test` runs every test.
# Each target installs what it needs (libpcap-dev, ...) through scripts/ensure-deps.sh.

SWIFT       ?= swift
BUILD_FLAGS ?=
BIN_DEBUG   := .build/debug/tcplab
BIN_RELEASE := .build/release/tcplab

PREFIX      ?= /usr/local

.PHONY: all deps build release install uninstall test test-swift test-firmware demo bench soak fuzz fuzz-build clean

all: build

# Also writes the commit `tcplab --version` names (scripts/build-info.sh).
deps:
	@scripts/ensure-deps.sh
	@scripts/build-info.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

# tcplab into PREFIX/bin (on sudo's PATH with the default /usr/local), the lab texts into
# PREFIX/share/tcplab, `man tcplab`, completions, and the capture capabilities (no sudo needed).
# As an ordinary user only the copying asks for sudo. DESTDIR stages a package.
install: release
	@scripts/ensure-deps.sh libcap2-bin:setcap
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh $(BIN_RELEASE)

uninstall:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh --uninstall

test: test-firmware test-swift

test-swift: deps
	@# tshark is the reference some tests compare with; without it they say so and skip.
	@scripts/ensure-deps.sh tshark:tshark || echo "tcplab: tshark could not be installed; the tests that compare with it will skip"
	@# The labs' commands are run as written, `sudo tcplab ...` included.
	@scripts/ensure-deps.sh sudo:sudo less:less || echo "tcplab: sudo could not be installed; the lab walk-through tests will skip"
	@# `tcplab net` (the lab network) runs ip and tc.
	@scripts/ensure-deps.sh iproute2:tc || echo "tcplab: iproute2 could not be installed; the lab network tests will skip"
	@# The live page (serve --web) is checked in headless Chromium, driven over WebDriver.
	@scripts/ensure-deps.sh chromium:chromium chromium-driver:chromedriver python3:python3 || echo "tcplab: chromium could not be installed; the browser tests of serve --web will skip"
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --disable-xctest $(BUILD_FLAGS)

test-firmware:
	@if [ -f firmware/Makefile ]; then $(MAKE) -C firmware test; fi

demo: build
	@$(BIN_DEBUG) demo

bench: deps
	@scripts/ensure-deps.sh tshark:tshark tcpdump:tcpdump hyperfine:hyperfine
	$(SWIFT) build -c release $(BUILD_FLAGS)
	bench/run.sh

# The server under hostile clients for SOAK_SECONDS (default 30); writes docs/robustness.md.
soak: deps
	$(SWIFT) build -c release --product tcplab $(BUILD_FLAGS)
	bench/soak.sh

# libFuzzer + AddressSanitizer on the decoders (a separate package, fuzz/, so `make test` never builds it).
# FUZZ_SECONDS per target; docs/robustness.md has the figures.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -c release --package-path fuzz --scratch-path .build-fuzz \
	-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz-build: deps
	$(SWIFT) build $(FUZZ_FLAGS)

fuzz: fuzz-build
	@python3 fuzz/make-seeds.py fuzz/out/seeds
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

clean:
	rm -rf .build .build-fuzz fuzz/out firmware/build
