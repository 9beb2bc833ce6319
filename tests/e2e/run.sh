#!/usr/bin/env bash
# Runs the end-to-end journeys in the real Lakegate window: a private Xvfb display,
# a D-Bus session with a throwaway unlocked keyring, tauri-driver with Debian's
# WebKitWebDriver, then every tests/e2e/*.test.mjs through Node's test runner.
# Screenshots of each journey's end state land in target/e2e/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${LAKEGATE_BIN:-$repo/target/debug/lakegate}
[ -x "$bin" ] || { echo "e2e: $bin is not built (run make build)" >&2; exit 1; }
"$bin" info --json | grep '"hasWindow": true' >/dev/null || { echo "e2e: $bin was built without the window (gui feature): run make build" >&2; exit 1; }
driver=$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")
[ -x "$driver" ] || { echo "e2e: tauri-driver is missing (make e2e-deps installs it)" >&2; exit 1; }
native=$(command -v WebKitWebDriver || true)
[ -n "$native" ] || { echo "e2e: WebKitWebDriver is missing (apt package webkit2gtk-driver)" >&2; exit 1; }

if [ -z "${LAKEGATE_KEYRING_SESSION:-}" ]; then
  exec "$repo/tests/with-keyring.sh" "$0" "$@"
fi

mkdir -p "$repo/target/e2e"
log=$repo/target/e2e/logs
mkdir -p "$log"
pids=()
cleanup_dirs=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "${cleanup_dirs[@]}"
}
trap cleanup EXIT

# A display of our own, even when one is set: the journeys need a known 1280x800 screen.
: >"$log/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$log/display" 2>"$log/xvfb.log" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$log/display" ] && break; sleep 0.1; done
[ -s "$log/display" ] || { echo "e2e: Xvfb did not start:" >&2; cat "$log/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$log/display")"
unset WAYLAND_DISPLAY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
native_port=$(free_port)
# The app inherits tauri-driver's environment: give it a throwaway home so the journeys
# never read or write the user's settings, ~/.databrickscfg or history.
e2e_home=$(mktemp -d "${TMPDIR:-/tmp}/lakegate-e2e.XXXXXX")
cleanup_dirs=("$e2e_home")
export LAKEGATE_E2E_HOME="$e2e_home"
# The journeys drive WebKit as it paints with a GPU (composited): painting without
# compositing, as the app chooses on a machine without one (Xvfb here), makes axe-core's
# full run never finish on an idle page under WebKitWebDriver. The benchmarks measure
# what the app chooses (E2E_PAINTING=app).
if [ "${E2E_PAINTING:-composited}" = composited ]; then
  export WEBKIT_DISABLE_COMPOSITING_MODE="${WEBKIT_DISABLE_COMPOSITING_MODE-0}"
fi
# The window starts in English whatever this machine's locale (the Portuguese journey
# switches it in Settings, as a person would).
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8
# The system browser is a script that signs in to the window's sandbox as a person would.
HOME="$e2e_home" XDG_CONFIG_HOME="$e2e_home/config" XDG_DATA_HOME="$e2e_home/data" XDG_CACHE_HOME="$e2e_home/cache" \
  BROWSER="$here/sandbox-browser.sh" \
  "$driver" --port "$port" --native-port "$native_port" --native-driver "$native" >"$log/tauri-driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/status" >/dev/null || { echo "e2e: tauri-driver did not start:" >&2; cat "$log/tauri-driver.log" >&2; exit 1; }

export WEBDRIVER_URL="http://127.0.0.1:$port" LAKEGATE_BIN="$bin"
cd "$here"
status=0
touch "$log/started"
# E2E_TESTS picks other files (make bench runs bench/requests.bench.mjs here).
# shellcheck disable=SC2086
node --test --test-concurrency=1 --test-timeout="${E2E_TIMEOUT_MS:-240000}" --test-reporter=spec "$@" ${E2E_TESTS:-./*.test.mjs} || status=$?
echo "e2e: screenshots in target/e2e/: $(cd "$repo/target/e2e" && ls ./*.png 2>/dev/null | tr '\n' ' ')"
[ "$status" = 0 ] || { echo "e2e: logs in $log" >&2; tail -n 30 "$log/tauri-driver.log" >&2; }
# The screenshots in docs/ are this run's own, taken in the real window: refreshed whenever the
# journeys that take them pass, so the documentation never shows a window that is gone.
if [ "$status" = 0 ]; then
  while read -r shot doc; do
    if [ "$repo/target/e2e/$shot.png" -nt "$log/started" ]; then
      cp "$repo/target/e2e/$shot.png" "$repo/docs/$doc" && echo "e2e: docs/$doc refreshed"
    fi
  done <<'SHOTS'
sandbox-signed-in screenshot-signed-in.png
j1-hello-200 screenshot-workbench.png
j1-403-doctor screenshot-doctor.png
j4-matrix-gap screenshot-scope-matrix.png
token-inspector screenshot-token-inspector.png
access-view screenshot-access.png
checks-board screenshot-checks.png
stream-live screenshot-stream.png
pt-j1-403-doctor screenshot-doctor.pt-BR.png
pt-matrix screenshot-scope-matrix.pt-BR.png
pt-j1-hello-200 screenshot-workbench.pt-BR.png
pt-token-inspector screenshot-token-inspector.pt-BR.png
pt-settings screenshot-settings.pt-BR.png
pt-access-view screenshot-access.pt-BR.png
pt-stream-live screenshot-stream.pt-BR.png
guide screenshot-guide.png
pt-guide screenshot-guide.pt-BR.png
guide-scenarios screenshot-guide-scenarios.png
shortcuts screenshot-shortcuts.png
SHOTS
fi
exit "$status"
