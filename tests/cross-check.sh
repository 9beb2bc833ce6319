#!/usr/bin/env bash
# The same code, type-checked and linted (cargo clippy -D warnings, gui feature on) for
# Windows and macOS, so platform code (Credential Manager and Keychain through keyring,
# the opener, directories, the CLI lookup) never rots unseen on this Linux machine.
# A target that cannot be checked here says so in one line and counts as skipped, never
# as passed.
#
# Windows (x86_64-pc-windows-gnu) uses mingw-w64 for the C parts. macOS
# (x86_64-apple-darwin) uses clang; ring's C code is compiled freestanding
# (RING_CORE_NOSTDLIBINC, ring's own switch for builds without libc headers) with the two
# TargetConditionals.h macros from tests/cross/macos-include, since the macOS SDK cannot be
# had on Linux. Nothing from these builds is linked or run.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
summary=()

ensure_target() {
  rustup target list --installed 2>/dev/null | grep -qx "$1" && return 0
  # Under make test everything was fetched first (make fetch): a missing target is a failure.
  [ -z "${CARGO_NET_OFFLINE:-}" ] || return 2
  timeout 600 rustup target add "$1" >/dev/null 2>&1
}

check() {
  local target=$1
  shift
  ensure_target "$target"
  case $? in
    0) ;;
    2)
      summary+=("FAILED $target: its standard library is not installed and cargo is offline (make fetch adds it)")
      status=1
      return
      ;;
    *)
      summary+=("SKIPPED $target: its standard library could not be fetched here (rustup target add failed)")
      return
      ;;
  esac
  if env "$@" cargo clippy --target "$target" --quiet -- -D warnings; then
    summary+=("passed $target (cargo clippy -D warnings, gui feature)")
  else
    summary+=("FAILED $target")
    status=1
  fi
}

check x86_64-pc-windows-gnu
if command -v clang >/dev/null; then
  check x86_64-apple-darwin \
    CC_x86_64_apple_darwin=clang \
    CFLAGS_x86_64_apple_darwin="--target=x86_64-apple-darwin -nostdlibinc -ffreestanding -DRING_CORE_NOSTDLIBINC=1 -isystem $PWD/tests/cross/macos-include"
else
  summary+=("SKIPPED x86_64-apple-darwin: clang is not installed (make test installs it)")
fi
for line in "${summary[@]}"; do echo "cross-check: $line"; done
exit "$status"
