#!/bin/sh
# What `make cluster` and `make cluster-load` need from Debian: nginx (the proxy in front
# of the nodes), redis-server (the login throttle's counters, shared by the nodes) and
# PostgreSQL's initdb and pg_ctl (the database both nodes use).
#
# As root it installs what is missing with apt-get; otherwise it prints the command that
# would, and fails.
set -eu

missing=""
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
# Debian keeps initdb and pg_ctl off PATH, in /usr/lib/postgresql/<version>/bin.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing="$missing postgresql"
fi

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    echo "Installing what the cluster needs:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "The cluster needs:$missing. Install them with:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi
