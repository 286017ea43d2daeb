#!/usr/bin/env bash
# The browser tests drive Debian's chromium through playwright-core (no browser downloads): install it if missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing: run 'sudo apt-get install -y chromium' (the browser tests need /usr/bin/chromium)" >&2
  exit 1
fi
echo "installing Debian chromium for the browser tests..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
