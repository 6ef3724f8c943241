#!/usr/bin/env bash
# Install the Debian tools the tests drive, when missing:
#   chromium            the real browser for the browser tests (Playwright never downloads its own)
#   libreoffice-impress proves the meeting pack's deck opens in LibreOffice
#   poppler-utils       rasterises the meeting pack's PDFs and lists their fonts (pdftoppm, pdffonts, pdftotext)
#   nginx               the proxy in front of several replicas in the replica test (run unprivileged, never as a service)
# and, from the npm registry, axe-core (the accessibility check the browser tests inject).
# When another install (unattended-upgrades, a second `make test`) holds apt's or dpkg's lock, this waits
# for it (up to LOCK_WAIT seconds, 10 minutes by default) and says so, instead of failing.
set -euo pipefail

LOCK_WAIT="${LOCK_WAIT:-600}"
APT_LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)

# The process holding one of apt's or dpkg's locks, as "name, process N"; nothing when none is held.
lock_holder() {
  local tests=() lock fd pid
  for lock in "${APT_LOCKS[@]}"; do tests+=(-o -lname "$lock"); done
  fd="$(find /proc/[0-9]*/fd -maxdepth 1 \( -false "${tests[@]}" \) -print -quit 2>/dev/null || true)"
  [ -n "$fd" ] || return 1
  pid="${fd#/proc/}"
  pid="${pid%%/*}"
  echo "$(cat "/proc/$pid/comm" 2>/dev/null || echo unknown), process $pid"
}

# How long the wait may last, in words.
wait_limit() {
  if [ "$LOCK_WAIT" -ge 120 ]; then echo "$((LOCK_WAIT / 60)) minutes"; else echo "$LOCK_WAIT seconds"; fi
}

# Wait while another install holds a lock, saying so once.
wait_for_package_manager() {
  local waited=0 holder
  while holder="$(lock_holder)"; do
    if [ "$waited" = 0 ]; then
      echo "Another install ($holder) is using the package manager: waiting for it to finish (up to $(wait_limit))..."
    fi
    if [ "$waited" -ge "$LOCK_WAIT" ]; then
      echo "The package manager is still in use after $(wait_limit) ($holder); try again later." >&2
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  if [ "$waited" != 0 ]; then echo "The other install has finished; going on."; fi
}

# apt-get, waiting for a lock another install holds: before starting, and again if one took it in between
# (dpkg's lock through apt's own timeout; apt-get update's lists lock by trying again).
apt_get() {
  local log waited=0
  log="$(mktemp)"
  while :; do
    wait_for_package_manager || { rm -f "$log"; return 1; }
    if apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" "$@" >"$log" 2>&1; then
      rm -f "$log"
      return 0
    fi
    if grep -qiE "could not get lock|unable to acquire|unable to lock" "$log" && [ "$waited" -lt "$LOCK_WAIT" ]; then
      if [ "$waited" = 0 ]; then
        echo "Another install took the package manager's lock: waiting for it to finish (up to $(wait_limit))..."
      fi
      sleep 2
      waited=$((waited + 2))
      continue
    fi
    cat "$log" >&2
    rm -f "$log"
    return 1
  done
}

main() {
  local here js have_chromium have_office have_poppler have_nginx
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  js="$here/tests/browser/js"
  if [ ! -f "$js/node_modules/axe-core/axe.min.js" ]; then
    if command -v npm >/dev/null 2>&1; then
      echo "Installing axe-core from the npm registry for the accessibility check..."
      (cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
    else
      echo "npm is missing: the accessibility check is skipped locally; in CI (CI=true) it fails."
    fi
  fi
  have_chromium=0
  [ -x /usr/bin/chromium ] && have_chromium=1
  # soffice alone is not enough: LibreOffice's core can be installed without Impress, which reads .pptx.
  have_office=0
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' libreoffice-impress 2>/dev/null | grep -q "install ok installed" && have_office=1
  elif command -v soffice >/dev/null 2>&1; then
    have_office=1
  fi
  have_poppler=0
  command -v pdftoppm >/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1 && have_poppler=1
  have_nginx=0
  [ -x /usr/sbin/nginx ] && have_nginx=1
  [ "$have_chromium$have_office$have_poppler$have_nginx" = "1111" ] && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Chromium, LibreOffice, poppler-utils or nginx is missing and cannot be installed here (needs root and apt-get)."
    echo "The tests that need them are skipped locally; in CI (CI=true) they fail."
    return 0
  fi
  echo "Updating the Debian package lists..."
  apt_get update -qq
  export DEBIAN_FRONTEND=noninteractive
  if [ "$have_chromium" = 0 ]; then
    echo "Installing Debian chromium for the browser tests..."
    apt_get install -y -qq chromium
  fi
  if [ "$have_office" = 0 ]; then
    echo "Installing LibreOffice Impress to check the meeting pack opens in it..."
    apt_get install -y -qq --no-install-recommends libreoffice-impress
  fi
  if [ "$have_poppler" = 0 ]; then
    echo "Installing poppler-utils to rasterise the meeting pack's PDFs..."
    apt_get install -y -qq --no-install-recommends poppler-utils
  fi
  if [ "$have_nginx" = 0 ]; then
    echo "Installing Debian's nginx for the replica test (it runs as the test's own process, not as a service)..."
    apt_get install -y -qq --no-install-recommends nginx
  fi
}

# Run when executed; sourcing the file (as its test does) only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
