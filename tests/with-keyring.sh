#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throwaway, unlocked gnome-keyring,
# so keychain tests use the real Secret Service without touching the user's own keyrings.
set -euo pipefail
if [ -n "${LAKEGATE_KEYRING_SESSION:-}" ]; then exec "$@"; fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "tests/with-keyring.sh: $tool is missing (run make test, which installs it)" >&2; exit 1; }
done
export LAKEGATE_KEYRING_SESSION=1
exec dbus-run-session -- bash -c '
  set -euo pipefail
  store=$(mktemp -d "${TMPDIR:-/tmp}/lakegate-keyring.XXXXXX")
  trap "rm -rf \"$store\"" EXIT
  # --unlock creates the default keyring with this password and unlocks it (--start alone
  # leaves it locked); its own XDG_DATA_HOME keeps the keyring file out of the user home.
  eval "$(printf %s lakegate-test | XDG_DATA_HOME="$store" gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  "$@"
' lakegate-keyring "$@"
