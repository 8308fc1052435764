#!/usr/bin/env bash
# Makes sure Debian's chromium is installed at /usr/bin/chromium: the browser tests drive it
# with playwright-core (no browser download). Runs before `pnpm test`; a missing browser fails
# those tests, it never skips them.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "ensure-chromium: installing Debian's chromium" >&2
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
