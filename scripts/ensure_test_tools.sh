#!/usr/bin/env bash
# Install the Debian tools the tests drive, when missing:
#   chromium            the real browser for the browser tests (Playwright never downloads its own)
#   libreoffice-impress proves the meeting pack's deck opens in LibreOffice
# and, from the npm registry, axe-core (the accessibility check the browser tests inject).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
js="$here/tests/browser/js"
if [ ! -f "$js/node_modules/axe-core/axe.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core from the npm registry for the accessibility check..."
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "npm is missing: the accessibility check is skipped locally; in CI (CI=true) it fails."
  fi
fi
have_chromium=0; [ -x /usr/bin/chromium ] && have_chromium=1
# soffice alone is not enough: LibreOffice's core can be installed without Impress, which reads .pptx.
have_office=0
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f='${Status}' libreoffice-impress 2>/dev/null | grep -q "install ok installed" && have_office=1
elif command -v soffice >/dev/null 2>&1; then
  have_office=1
fi
[ "$have_chromium$have_office" = "11" ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium or LibreOffice is missing and cannot be installed here (needs root and apt-get)."
  echo "The tests that need them are skipped locally; in CI (CI=true) they fail."
  exit 0
fi
apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
if [ "$have_chromium" = 0 ]; then
  echo "Installing Debian chromium for the browser tests..."
  apt-get install -y -qq chromium >/dev/null
fi
if [ "$have_office" = 0 ]; then
  echo "Installing LibreOffice Impress to check the meeting pack opens in it..."
  apt-get install -y -qq --no-install-recommends libreoffice-impress >/dev/null
fi
