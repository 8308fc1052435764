#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed: the Redis tests start their own servers
# on free loopback ports (test/support/RedisServer.ts). Runs before `pnpm test`; a missing
# server fails those tests, it never skips them.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "ensure-redis: installing Debian's redis-server" >&2
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package may start a system instance on 6379; the tests never use it.
command -v redis-server >/dev/null
