#!/bin/sh
# What the test suite needs from Debian beyond Python: Chromium (tests/browser), redis-server
# (the throttle's and the API rate limit's Redis storage), PostgreSQL's initdb and pg_ctl
# (every database test runs on a throwaway cluster too), Pango (the PDF downloads) and nginx
# (the short cluster run in tests/load/test_cluster.py).
#
# Run by `make test`. As root (CI, a fresh Debian machine) it installs what is missing with
# apt-get; otherwise it prints the one command that would, and the tests that need a missing
# package are skipped, each saying why (under CI=true they fail instead).
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
# Debian keeps initdb and pg_ctl off PATH, in /usr/lib/postgresql/<version>/bin.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing postgresql"
fi
if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
    missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
fi

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    echo "Installing what the test suite needs:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "The test suite needs:$missing. Install them with:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    echo "Until then the tests that need them are skipped, each saying why." >&2
fi
