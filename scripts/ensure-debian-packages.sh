#!/bin/sh
# Installs the Debian packages the tests run for real (not mocked), skipping what is already there.
# Usage: scripts/ensure-debian-packages.sh  (run by `npm test` before the tests; needs root when something is missing)
set -eu

# binary:package pairs
WANTED="chromium:chromium prometheus-pushgateway:prometheus-pushgateway"

missing=""
for pair in $WANTED; do
  bin=${pair%%:*}
  pkg=${pair#*:}
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/bin/$bin" ]; then
    missing="$missing $pkg"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "ensure-debian-packages: missing:$missing — install them (apt-get install -y$missing) or run as root" >&2
  exit 1
fi

echo "ensure-debian-packages: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
# The Debian package starts the pushgateway as a service where an init system runs; tests start their own.
if command -v service >/dev/null 2>&1; then service prometheus-pushgateway stop >/dev/null 2>&1 || true; fi
pkill -x prometheus-pushgateway >/dev/null 2>&1 || true
echo "ensure-debian-packages: done" >&2
