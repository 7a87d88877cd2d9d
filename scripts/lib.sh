# Shared by the scripts: installing system packages and running a throwaway PostgreSQL.
# Sourced, not run.

# as_root CMD…: runs CMD as root (directly when root, else through sudo).
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_packages PKG…: installs the Debian packages that are missing, once.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# free_port: prints a TCP port that is free on 127.0.0.1 now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_throwaway_postgres DIR: initdb into DIR on a free port and start it; sets PG_PORT, PG_DIR,
# TEST_DATABASE_URL. stop_throwaway_postgres stops it and removes DIR.
start_throwaway_postgres() {
    PG_DIR="$1"
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [ -z "$bin" ]; then
        echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2
        return 1
    fi
    PG_PORT="$(free_port)"
    mkdir -p "$PG_DIR"
    local run=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root: the cluster belongs to the postgres user, who must be
        # able to reach the folder.
        chmod o+x "$(dirname "$PG_DIR")"
        chown postgres:postgres "$PG_DIR"
        chmod 700 "$PG_DIR"
        run=(su postgres -s /bin/bash -c)
    else
        run=(bash -c)
    fi
    "${run[@]}" "'$bin/initdb' -D '$PG_DIR/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N >'$PG_DIR/initdb.log' 2>&1" \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    "${run[@]}" "'$bin/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -t 60 start -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" >/dev/null" \
        || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_BIN="$bin"
    TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
    export TEST_DATABASE_URL
    echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT"
}

stop_throwaway_postgres() {
    [ -n "${PG_DIR:-}" ] || return 0
    if [ -d "$PG_DIR/data" ]; then
        if [ "$(id -u)" = 0 ]; then
            su postgres -s /bin/bash -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate -w stop" >/dev/null 2>&1 || true
        else
            "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
}
