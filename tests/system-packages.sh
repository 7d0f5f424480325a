#!/bin/sh
# What the app's tests and tools need from Debian beyond Python, installed with apt-get
# when missing and run as root (CI, a fresh Debian machine):
#
#   chromium    the browser tests (tests/browser)
#   redis       redis-server: the throttle's, rate limit's and job queue's Redis storage
#   postgresql  initdb and pg_ctl: every database test runs on a throwaway cluster too
#   pango       WeasyPrint's text layout, for the PDF downloads
#   nginx       the proxy of the cluster runs (tests/load)
#
# Usage: system-packages.sh [--required] [need ...]   (no needs: all of them)
# `make test` runs it with every need; when not root it prints the one command that
# would install what is missing, and the tests that need it are skipped, each saying why
# (under CI=true they fail instead). `make cluster` passes --required and only what the
# cluster needs: not root and something missing is then an error.
set -eu

required=0
if [ "${1:-}" = "--required" ]; then
    required=1
    shift
fi
[ "$#" -gt 0 ] || set -- chromium redis postgresql pango nginx

missing=""
for need in "$@"; do
    case "$need" in
    chromium) command -v chromium >/dev/null 2>&1 || missing="$missing chromium" ;;
    redis) command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server" ;;
    nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light" ;;
    postgresql)
        # Debian keeps initdb and pg_ctl off PATH, in /usr/lib/postgresql/<version>/bin.
        if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
            missing="$missing postgresql"
        fi
        ;;
    pango)
        if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
            missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
        fi
        ;;
    *) echo "system-packages.sh: unknown need '$need'" >&2; exit 2 ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    echo "Installing what is needed:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "Needed:$missing. Install them with:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    if [ "$required" -eq 1 ]; then
        exit 1
    fi
    echo "Until then the tests that need them are skipped, each saying why." >&2
fi
