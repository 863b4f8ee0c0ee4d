#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a free loopback port, with trust auth.
#
#   bash tests/services/postgres.sh start DIR             initdb (first time), start; prints the URL
#   bash tests/services/postgres.sh restart DIR [SECONDS] stop (fast), wait SECONDS (0), start
#   bash tests/services/postgres.sh halt DIR              stop the server, keep the cluster
#   bash tests/services/postgres.sh stop DIR              stop and delete the cluster (exits 0)
#   bash tests/services/postgres.sh status DIR            prints the URL when running, else exits 1
#
# `start` installs Debian's `postgresql` with apt-get when no `initdb` is found (that needs root;
# it says so when it cannot). The server runs as the unprivileged `postgres` user (`nobody` when
# there is none), because initdb refuses root. Its data (DIR/data), sockets (DIR/socket) and
# server log (DIR/postgres.log) live under DIR, and DIR/url gets
# postgresql://postgres@127.0.0.1:PORT/entitlement (database `entitlement` is created). When
# that user cannot reach DIR (a private parent directory), the cluster (data, socket and log)
# lives in a directory of its own under /tmp, named in DIR/cluster, which `stop` removes too.
# `restart` and `halt` + `start` keep the data and the port, as a database restart in production
# would; the server is stopped with the fast mode, so open connections are cut. Durability is
# off (fsync, synchronous_commit, full_page_writes): the cluster is thrown away.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|restart|halt|status DIR [SECONDS]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
command="$1"
dir="$2"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

if id postgres >/dev/null 2>&1; then pguser=postgres; else pguser=nobody; fi

# Runs a command as the cluster's owner (directly when we are not root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$pguser" -- "$@"
    else
        "$@"
    fi
}

find_bindir() {
    local initdb
    initdb="$(command -v initdb 2>/dev/null || true)"
    if [ -z "$initdb" ]; then
        initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)"
    fi
    [ -n "$initdb" ] && dirname "$(readlink -f "$initdb")"
}

install_postgres() {
    if [ "$(id -u)" != 0 ]; then
        echo "postgres.sh: initdb not found, and installing Debian's postgresql needs root" >&2
        echo "  (run: apt-get install -y postgresql)" >&2
        exit 1
    fi
    # Debian's package would otherwise create and start a cluster of its own on port 5432.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    echo "postgres.sh: installing Debian's postgresql with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends postgresql >"$dir/apt.log" 2>&1; then
        apt-get update -q >>"$dir/apt.log" 2>&1 || true
        apt-get install -y -q --no-install-recommends postgresql >>"$dir/apt.log" 2>&1 || {
            echo "postgres.sh: apt-get install postgresql failed (log: $dir/apt.log):" >&2
            tail -5 "$dir/apt.log" >&2
            exit 1
        }
    fi
}

# Where the cluster lives: DIR itself when its owner can reach it, else a directory under /tmp.
cluster_root() {
    if [ -s "$dir/cluster" ]; then
        cat "$dir/cluster"
    else
        echo "$dir"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bindir root port
    bindir="$(find_bindir || true)"
    if [ -z "$bindir" ]; then
        install_postgres
        bindir="$(find_bindir || true)"
        [ -n "$bindir" ] || { echo "postgres.sh: no initdb after installing postgresql" >&2; exit 1; }
    fi
    echo "$bindir" >"$dir/bindir"
    if [ ! -s "$dir/port" ]; then free_port >"$dir/port"; fi
    port="$(cat "$dir/port")"
    root="$(cluster_root)"
    if [ ! -s "$root/data/PG_VERSION" ]; then
        if [ "$(id -u)" = 0 ]; then
            chown "$pguser" "$dir"
            if ! runuser -u "$pguser" -- test -w "$dir"; then
                root="$(mktemp -d /tmp/entitlement-pg.XXXXXX)"
                chown "$pguser" "$root"
                echo "$root" >"$dir/cluster"
            fi
        fi
        mkdir -p "$root/data" "$root/socket"
        [ "$(id -u)" = 0 ] && chown -R "$pguser" "$root/data" "$root/socket"
        chmod 700 "$root/data"
        as_owner "$bindir/initdb" -D "$root/data" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
            echo "postgres.sh: initdb failed:" >&2
            tail -20 "$dir/initdb.log" >&2
            exit 1
        }
        cat >>"$root/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$root/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
EOF
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w -t 60 start >/dev/null || {
            echo "postgres.sh: the server did not start:" >&2
            tail -20 "$root/postgres.log" >&2
            exit 1
        }
    fi
    if ! as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'entitlement'" | grep -q 1; then
        as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres entitlement
    fi
    echo "postgresql://postgres@127.0.0.1:$port/entitlement" >"$dir/url"
    cat "$dir/url"
}

# Stops the server, whatever state it is in: fast shutdown, else SIGKILL of the postmaster.
halt() {
    local root bindir pid
    root="$(cluster_root)"
    [ -d "$root/data" ] || return 0
    bindir="$(cat "$dir/bindir" 2>/dev/null || find_bindir || true)"
    if [ -n "$bindir" ] && as_owner "$bindir/pg_ctl" -D "$root/data" -m fast -w -t 30 stop \
        >/dev/null 2>&1; then
        return 0
    fi
    pid="$(head -1 "$root/data/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$root/data/postmaster.pid"
}

case "$command" in
start)
    start
    ;;
restart)
    halt
    sleep "${3:-0}"
    start
    ;;
halt)
    halt
    ;;
stop)
    halt || true
    root="$(cluster_root)"
    rm -rf "$root/data" "$root/socket" 2>/dev/null || true
    [ "$root" != "$dir" ] && rm -rf "$root"
    rm -f "$dir/url" "$dir/cluster" "$dir/port" "$dir/bindir"
    exit 0
    ;;
status)
    root="$(cluster_root)"
    bindir="$(cat "$dir/bindir" 2>/dev/null || true)"
    [ -n "$bindir" ] && [ -s "$dir/url" ] &&
        as_owner "$bindir/pg_ctl" -D "$root/data" status >/dev/null 2>&1 || exit 1
    cat "$dir/url"
    ;;
*)
    usage
    ;;
esac
