# Lakegate: two commands do everything on a fresh Debian/Ubuntu machine.
#   make run    install what is missing, build, open the window
#   make test   the same set-up, then every check and test
# Other targets: make build, make bindings, make e2e, make bench, make sandbox,
# make package, make package-windows, make fuzz, make clean.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
.PHONY: space tidy-cross fetch checks check bench fuzz deny cargo-deny package package-windows cross-check run test build ui deps system-deps ui-deps e2e-deps sdk-deps tauri-driver lint rust-tests ui-tests sdk-tests e2e sandbox bindings clean

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages for building and running a Tauri 2 (WebKitGTK 4.1) app, and for the
# headless end-to-end run (Xvfb, WebKitWebDriver, a D-Bus session with gnome-keyring).
APT_PACKAGES := build-essential pkg-config libssl-dev curl file \
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev \
  librsvg2-dev libayatana-appindicator3-dev \
  xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core \
  imagemagick x11-utils xclip fonts-dejavu-core python3 python3-venv xdg-utils desktop-file-utils \
  gcc-mingw-w64-x86-64 clang
STAMP := target/.stamps

# A CI clone is built once and thrown away: no incremental caches (1.4 GB in target/debug),
# and the cross targets' intermediates go once their checks have passed (see tidy-cross).
ifdef CI
export CARGO_INCREMENTAL := 0
endif

run: deps build
	@./target/debug/lakegate

# make test fetches everything first, then runs every check with cargo offline: a step
# can never pass only because an earlier run left crates in ~/.cargo or targets in ~/.rustup.
test: space fetch
	@CARGO_NET_OFFLINE=true $(MAKE) --no-print-directory checks
	@echo "make test: every check passed"

checks: lint deny cross-check package-windows tidy-cross package rust-tests ui-tests sdk-tests e2e

# target/ grows to about 7 GB under make test (two feature sets of test binaries, the release
# build of the .deb, Windows' executables). Say so at the start, not as a full disk mid-compile.
NEEDED_GB := 8
space:
	@mkdir -p target; free=$$(df -Pk target | awk 'NR==2 {print int($$4 / 1048576)}'); \
	if [ "$$free" -lt $(NEEDED_GB) ]; then \
	  echo "space: WARNING only $$free GB free on the disk holding target/; make test needs about $(NEEDED_GB) GB." \
	       "Free some (make clean in old clones, ~/.cache) if the build stops with 'No space left on device'."; \
	else echo "space: $$free GB free for target/ (make test needs about $(NEEDED_GB) GB)"; fi

# Under CI, the Windows and macOS builds' intermediates are deleted once checked (about
# 1.6 GB); the executables themselves stay. A developer's clone keeps them for the next run.
tidy-cross: cross-check package-windows
	@if [ -n "$${CI:-}" ]; then \
	  rm -rf target/x86_64-apple-darwin target/x86_64-pc-windows-gnu/debug \
	    $(WINDOWS_DIR)/deps $(WINDOWS_DIR)/build $(WINDOWS_DIR)/incremental $(WINDOWS_DIR)/.fingerprint; \
	  echo "tidy-cross: the cross targets' intermediates are gone (CI); $$(du -sh target | cut -f1) in target/"; fi

# Everything any later step needs from the network: system packages, npm packages, the
# Python SDK, cargo tools, the crates of every platform (cargo fetch without --target
# fetches all of them: cargo deny reads Windows' and macOS' too) and the cross targets' std.
CARGO_BIN := $${CARGO_HOME:-$$HOME/.cargo}/bin
CROSS_TARGETS := x86_64-pc-windows-gnu x86_64-apple-darwin
fetch: deps e2e-deps sdk-deps cargo-deny
	$(CARGO) fetch --locked
	@installed=$$(rustup target list --installed); for t in $(CROSS_TARGETS); do \
	  grep -qx "$$t" <<<"$$installed" || rustup target add "$$t"; done
	@echo "fetch: crates for every target, $(CROSS_TARGETS), npm packages, the Python SDK and cargo tools are here"

# The inner loop: formatting, lints and the core's tests (no window, no keychain session).
check:
	$(CARGO) fmt --check
	$(CARGO) clippy --no-default-features --all-targets -- -D warnings
	$(CARGO) test --no-default-features --lib

deps: system-deps ui-deps

system-deps: $(STAMP)/system
$(STAMP)/system: Makefile
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install it from https://rustup.rs, then run make again"; exit 1; }
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are missing: install them (e.g. apt-get install nodejs npm, or nodesource), then run make again"; exit 1; }
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:" $$missing; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(STAMP) && touch $@

ui-deps: ui/node_modules/.package-lock.json
ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

e2e-deps: tests/e2e/node_modules/.package-lock.json tauri-driver
tests/e2e/node_modules/.package-lock.json: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund

# Databricks' own Python SDK (pinned), in an ignored venv, to check the sandbox's fidelity.
PYENV := target/pyenv
sdk-deps: $(PYENV)/.installed
$(PYENV)/.installed: tests/sdk/requirements.txt
	python3 -m venv $(PYENV)
	$(PYENV)/bin/pip install --quiet --disable-pip-version-check -r tests/sdk/requirements.txt
	@touch $@

cargo-deny:
	@command -v cargo-deny >/dev/null || [ -x "$(CARGO_BIN)/cargo-deny" ] || \
	  $(CARGO) install cargo-deny --locked --version '^0.20'

# Licences, bans, duplicate versions and sources (deny.toml); advisories when reachable.
deny: cargo-deny
	tests/deny.sh

tauri-driver:
	@command -v tauri-driver >/dev/null || [ -x "$(CARGO_BIN)/tauri-driver" ] || \
	  $(CARGO) install tauri-driver --locked --version '^2'

ui:
	cd ui && npm run --silent build

build: ui
	$(CARGO) build

bindings:
	UPDATE_BINDINGS=1 $(CARGO) test --no-default-features --test bindings

lint: ui
	$(CARGO) fmt --check
	$(CARGO) clippy --no-default-features --all-targets -- -D warnings
	$(CARGO) clippy --all-targets -- -D warnings

# Windows type-checked and linted from Linux (macOS: see the script).
cross-check: system-deps ui
	tests/cross-check.sh

# A real Windows executable, cross-built with mingw-w64; its PE headers are checked
# (GUI subsystem, icon, version and manifest resources), and the check itself is tested.
WINDOWS_DIR := target/x86_64-pc-windows-gnu/release
package-windows: system-deps ui
	@rustup target list --installed | grep -qx x86_64-pc-windows-gnu || \
	  { [ -z "$${CARGO_NET_OFFLINE:-}" ] && rustup target add x86_64-pc-windows-gnu; } || \
	  { echo "package-windows: the x86_64-pc-windows-gnu target is missing (make fetch adds it)"; exit 1; }
	$(CARGO) build --release --target x86_64-pc-windows-gnu --bins
	python3 tests/pe/pe_check.py $(WINDOWS_DIR)/lakegate.exe
	python3 tests/pe/pe_check.py $(WINDOWS_DIR)/lakegate-window.exe
	LAKEGATE_EXE=$(WINDOWS_DIR)/lakegate.exe python3 -m unittest discover -s tests/pe
	@echo "package-windows: $$(du -h $(WINDOWS_DIR)/lakegate.exe $(WINDOWS_DIR)/lakegate-window.exe | tr '\n\t' '  ')"

rust-tests: ui
	tests/with-keyring.sh $(CARGO) test --no-default-features
	tests/with-keyring.sh $(CARGO) test

sdk-tests: build sdk-deps
	tests/with-keyring.sh $(PYENV)/bin/python -m pytest -q tests/sdk

# The .deb, built by the Tauri bundler (offline), then installed and started for real.
TAURI := ui/node_modules/.bin/tauri
package: system-deps ui-deps ui
	$(TAURI) build --bundles deb --ci
	tests/with-keyring.sh tests/package/deb-test.sh

# Whole-process figures against curl, the Python SDK and a bare Tauri window, with the
# 1,000-request run in the real window (target/bench/report.md). Release builds only here.
bench: deps e2e-deps sdk-deps ui
	$(CARGO) build --release --bins --example bare_window
	tests/with-keyring.sh python3 bench/bench.py

# Fuzzing the parsers (fuzz/: .databrickscfg, JWT, host URLs, requests, OpenAPI) with
# cargo fuzz, which needs a nightly toolchain; not part of make test. FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := databrickscfg jwt host_url request openapi
fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || [ -x "$(CARGO_BIN)/cargo-fuzz" ] || $(CARGO) install cargo-fuzz --locked
	for t in $(FUZZ_TARGETS); do cargo +nightly fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; done

# The sandbox workspace on its own (see src-tauri/sandbox/README.md); Ctrl+C stops it.
sandbox: build
	./target/debug/lakegate sandbox

ui-tests: ui-deps
	cd ui && npm run --silent check && npm run --silent test

e2e: build e2e-deps
	tests/e2e/run.sh

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules
