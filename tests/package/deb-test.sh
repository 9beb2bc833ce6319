#!/usr/bin/env bash
# The .deb that `make package` built, installed for real: its contents are checked, it is
# installed with dpkg, the installed /usr/bin/lakegate answers --version and opens its
# window under Xvfb (the page loads: LAKEGATE_READY_FILE), a screenshot is saved to
# target/package/installed.png; then a lakegate:// link is opened with xdg-open, as a
# browser does: the desktop database names Lakegate for the scheme, the link's process
# hands it to the running window and exits, one window stays (target/package/link.png).
# The package is removed again unless it was installed before the test.
set -euo pipefail
cd "$(dirname "$0")/../.."
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "package: no .deb under target/release/bundle/deb (run make package)" >&2; exit 1; }
out=target/package
mkdir -p "$out"

contents=$(dpkg-deb --contents "$deb")
for want in usr/bin/lakegate usr/bin/lakegate-window usr/share/applications/Lakegate.desktop usr/share/icons/hicolor/128x128/apps/lakegate.png; do
  grep -Eq " (\./)?$want\$" <<<"$contents" || { echo "package: $deb lacks $want" >&2; echo "$contents" >&2; exit 1; }
done
[ "$(dpkg-deb --field "$deb" Package)" = lakegate ] || { echo "package: the package is not named lakegate" >&2; exit 1; }
depends=$(dpkg-deb --field "$deb" Depends)
grep -q libwebkit2gtk-4.1 <<<"$depends" || { echo "package: Depends lacks WebKitGTK: $depends" >&2; exit 1; }

was_installed=$(dpkg-query -W -f='${Status}' lakegate 2>/dev/null | grep -c '^install ok installed' || true)
cleanup() {
  [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$was_installed" = 0 ]; then $SUDO dpkg -r lakegate >/dev/null; fi
}
trap cleanup EXIT
$SUDO dpkg -i "$deb" >/dev/null
[ "$(command -v lakegate)" = /usr/bin/lakegate ] || [ -x /usr/bin/lakegate ] || { echo "package: /usr/bin/lakegate is not installed" >&2; exit 1; }
version=$(/usr/bin/lakegate --version)
[ "$version" = "lakegate $(dpkg-deb --field "$deb" Version)" ] || { echo "package: --version says '$version'" >&2; exit 1; }

: >"$out/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$out/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 1 100); do [ -s "$out/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n1 "$out/display")"
home=$(mktemp -d)
rm -f "$out/ready"
HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" LAKEGATE_READY_FILE="$PWD/$out/ready" \
  /usr/bin/lakegate >"$out/app.log" 2>&1 &
app=$!
for _ in $(seq 1 600); do [ -e "$out/ready" ] && break; kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
[ -e "$out/ready" ] || { echo "package: the installed app did not open its window:" >&2; tail -n 20 "$out/app.log" >&2; exit 1; }
sleep 1
import -window root "$out/installed.png"

# lakegate:// links: registered in the desktop entry, known to the desktop database
# (dpkg's trigger runs update-desktop-database), opened by xdg-open into the running window.
desktop=/usr/share/applications/Lakegate.desktop
grep -q '^MimeType=.*x-scheme-handler/lakegate' "$desktop" || { echo "package: $desktop does not register lakegate:// links:" >&2; cat "$desktop" >&2; exit 1; }
grep -Eq '^Exec=.*%[uU]' "$desktop" || { echo "package: $desktop's Exec takes no link (%u):" >&2; cat "$desktop" >&2; exit 1; }
handler=$(HOME="$home" XDG_DATA_DIRS=/usr/share xdg-mime query default x-scheme-handler/lakegate || true)
[ "$handler" = Lakegate.desktop ] || { echo "package: xdg-mime names '$handler' for lakegate:// links, not Lakegate.desktop" >&2; exit 1; }
link='lakegate://open?method=GET&url=https%3A%2F%2Fhello-1.aws.databricksapps.com%2Fapi%2Fitems%3Flimit%3D5'
HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_DATA_DIRS=/usr/share \
  env -u BROWSER timeout 30 xdg-open "$link" >"$out/link.log" 2>&1 || { echo "package: xdg-open could not open a lakegate:// link:" >&2; cat "$out/link.log" >&2; exit 1; }
sleep 1
windows=$(pgrep -xc lakegate-window || true)
[ "$windows" = 1 ] || { echo "package: $windows Lakegate windows run after opening a link (one expected: the link goes to the running window)" >&2; exit 1; }
kill -0 "$app" 2>/dev/null || { echo "package: the running window quit when a link was opened" >&2; exit 1; }
import -window root "$out/link.png"
rm -rf "$home"
echo "package: $deb installs, /usr/bin/lakegate runs ($version), opens its window (screenshot: $out/installed.png) and takes lakegate:// links from xdg-open (screenshot: $out/link.png)"
