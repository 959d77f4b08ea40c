#!/usr/bin/env bash
# setup.sh installs what wsworkbench needs on a Debian 12 machine with Go:
# the C headers Fyne's cgo build needs, Xvfb, xdotool and tesseract OCR for
# the window tests, Chromium for the browser test, the AWS CLI, xmllint for
# the JUnit schema check, Python 3 and Ruby for the local Lambda runtimes'
# tests, and the npm packages used by interop tests.
# It is idempotent and never asks: run it as often as you like.
#
#   scripts/setup.sh          everything (app + tests)
#   scripts/setup.sh app      only what running the app needs
set -euo pipefail
cd "$(dirname "$0")/.."

want=app
[ "${1:-}" = "" ] && want=all
[ "${1:-}" = "test" ] && want=all

app_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)
test_pkgs=(xvfb xauth imagemagick xdotool tesseract-ocr chromium awscli libxml2-utils python3 ruby)

pkgs=("${app_pkgs[@]}")
[ "$want" = all ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The interop tests drive npm clients (wscat, the AWS SDK for JavaScript).
# Node.js 20 and npm come with the machine image; Debian's packages (Node.js
# 18, older than the SDK's stated minimum of 20) stand in only where they are
# missing. npm ci installs exactly package-lock.json; the stamp
# is written only after a complete install, so a failed or interrupted one
# is retried, and a changed package.json or package-lock.json reinstalls.
if [ "$want" = all ] && [ -f test/interop/package.json ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup: installing nodejs npm"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$node_major" -lt 20 ]; then
    echo "setup: warning: Node.js $(node --version) is older than 20, the AWS SDK's stated minimum; the SDK interop tests may fail" >&2
  fi
  stamp=test/interop/node_modules/.wsworkbench-setup
  if [ ! -f "$stamp" ] || [ test/interop/package.json -nt "$stamp" ] || [ test/interop/package-lock.json -nt "$stamp" ]; then
    echo "setup: npm ci (interop clients)"
    (cd test/interop && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.wsworkbench-setup)
  fi
fi
go mod download
