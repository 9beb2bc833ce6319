#!/usr/bin/env bash
# Draws Lakegate's icon (a lake under a gate arch) and writes every size the Tauri
# bundler needs: PNGs (Linux), icon.ico (Windows), icon.icns (macOS). Needs ImageMagick
# and png2icns (Debian's icnsutils). Run from anywhere: bash icons/make-icons.sh
set -euo pipefail
cd "$(dirname "$0")"
src=icon-source.png
convert -size 1024x1024 xc:none \
  -fill '#1f4e79' -draw 'roundrectangle 64,64 960,960 180,180' \
  -fill '#e8f1f8' -draw 'rectangle 300,330 380,700' -draw 'rectangle 644,330 724,700' \
  -fill '#e8f1f8' -draw 'rectangle 260,260 764,340' \
  -fill '#5fb3e6' -draw 'roundrectangle 200,720 824,800 40,40' \
  -fill '#5fb3e6' -draw 'roundrectangle 300,830 724,890 30,30' \
  "$src"
for s in 32 128 256 512; do convert "$src" -resize ${s}x${s} -strip "${s}x${s}.png"; done
convert "$src" -resize 256x256 -strip 128x128@2x.png
convert "$src" -resize 512x512 -strip icon.png
convert "$src" -define icon:auto-resize=256,64,48,32,16 icon.ico
for s in 16 32 48 128 256 512; do convert "$src" -resize ${s}x${s} -strip "icns-$s.png"; done
png2icns icon.icns icns-16.png icns-32.png icns-48.png icns-128.png icns-256.png icns-512.png >/dev/null
rm -f icns-*.png
