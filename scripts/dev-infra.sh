#!/usr/bin/env bash
# Local infrastructure for Avalo Deploy: NATS (JetStream) on 127.0.0.1:4222 and PostgreSQL on 127.0.0.1:5432.
#
#   scripts/dev-infra.sh up      reuse whatever already listens, otherwise install (Debian apt) and start;
#                                ensure role/database avalo/avalo; idempotent
#   scripts/dev-infra.sh down    stop only what this script started
#   scripts/dev-infra.sh status  print both states; exit 0 when both answer, else 1
#
# Runs as root, or as another user with sudo. No systemd and no extra tools needed (ports are probed with /dev/tcp).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.avalo"
LOGS="$STATE/logs"
NATS_BIN=/usr/sbin/nats-server
NATS_PORT=4222
NATS_MONITOR_PORT=8222
NATS_PID="$STATE/nats.pid"
PG_PORT=5432
PG_MARKER="$STATE/postgres.started"
WAIT_SECONDS=30

if [[ "$(id -u)" -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi

log() { printf 'dev-infra: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# port_open PORT: true when something accepts a TCP connection on 127.0.0.1:PORT.
port_open() {
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

wait_port() { # PORT NAME
    local i
    for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
        port_open "$1" && return 0
        sleep 0.5
    done
    return 1
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "apt-get not found; install $* manually"
    if [[ $APT_UPDATED -eq 0 ]]; then
        log "apt-get update"
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        APT_UPDATED=1
    fi
    log "apt-get install -y $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}

# ---------------------------------------------------------------- NATS

# http_get PORT PATH: body-and-headers of a plain HTTP/1.0 GET, empty on failure.
http_get() {
    timeout 3 bash -c '
        exec 3<>/dev/tcp/127.0.0.1/'"$1"' || exit 1
        printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "'"$2"'" >&3
        cat <&3' 2>/dev/null || true
}

# js_api_probe: asks $JS.API.INFO over the NATS protocol; true when JetStream answers.
js_api_probe() {
    timeout 3 bash -c '
        exec 3<>/dev/tcp/127.0.0.1/'"$NATS_PORT"' || exit 1
        printf "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"dev-infra\"}\r\nSUB _INBOX.devinfra 1\r\nPUB \$JS.API.INFO _INBOX.devinfra 0\r\n\r\n" >&3
        while IFS= read -r -t 2 line <&3; do
            case "$line" in *account_info_response*) exit 0 ;; esac
        done
        exit 1' 2>/dev/null
}

check_jetstream() {
    local jsz
    jsz="$(http_get "$NATS_MONITOR_PORT" /jsz)"
    if [[ -n "$jsz" ]]; then
        if grep -Eq '"disabled": ?true' <<<"$jsz"; then
            die "NATS on 127.0.0.1:$NATS_PORT runs without JetStream (/jsz says disabled); restart it with -js"
        fi
        log "NATS JetStream enabled (monitoring /jsz)"
    elif js_api_probe; then
        log "NATS JetStream enabled (\$JS.API.INFO answered; monitoring port $NATS_MONITOR_PORT not reachable)"
    else
        log "WARNING: could not confirm JetStream on 127.0.0.1:$NATS_PORT (no /jsz on :$NATS_MONITOR_PORT, no \$JS.API.INFO reply)"
    fi
}

nats_pid_alive() {
    [[ -f "$NATS_PID" ]] || return 1
    local pid
    pid="$(cat "$NATS_PID" 2>/dev/null)" || return 1
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    local cmd
    cmd="$(tr "\0" " " <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    [[ "$cmd" == *nats-server* ]]
}

nats_up() {
    if port_open "$NATS_PORT"; then
        if nats_pid_alive; then
            log "NATS already running (started by dev-infra, pid $(cat "$NATS_PID"))"
        else
            log "NATS already listening on 127.0.0.1:$NATS_PORT; reusing it"
        fi
        check_jetstream
        return 0
    fi
    rm -f "$NATS_PID"
    [[ -x "$NATS_BIN" ]] || apt_install nats-server
    [[ -x "$NATS_BIN" ]] || die "$NATS_BIN still missing after apt-get install nats-server"
    mkdir -p "$STATE/nats" "$LOGS"
    log "starting nats-server (JetStream store $STATE/nats, log $LOGS/nats.log)"
    setsid nohup "$NATS_BIN" -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" -js -sd "$STATE/nats" \
        -P "$NATS_PID" >>"$LOGS/nats.log" 2>&1 </dev/null &
    if ! wait_port "$NATS_PORT"; then
        tail -n 20 "$LOGS/nats.log" >&2 || true
        die "nats-server did not listen on 127.0.0.1:$NATS_PORT within ${WAIT_SECONDS}s"
    fi
    log "NATS up on 127.0.0.1:$NATS_PORT (pid $(cat "$NATS_PID" 2>/dev/null || echo '?'))"
    check_jetstream
}

nats_down() {
    if ! nats_pid_alive; then
        rm -f "$NATS_PID"
        log "NATS: nothing started by dev-infra to stop"
        return 0
    fi
    local pid i
    pid="$(cat "$NATS_PID")"
    log "stopping nats-server pid $pid"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        [[ -d "/proc/$pid" ]] || break
        sleep 0.5
    done
    [[ -d "/proc/$pid" ]] && kill -9 "$pid" 2>/dev/null || true
    rm -f "$NATS_PID"
}

# ---------------------------------------------------------------- PostgreSQL

as_postgres() {
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -u postgres "$@")
    fi
}

pg_version() {
    local v
    v="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$v" ]] || v="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    printf '%s' "$v"
}

pg_up() {
    if port_open "$PG_PORT"; then
        if [[ -f "$PG_MARKER" ]]; then
            log "PostgreSQL already running (started by dev-infra, cluster $(cat "$PG_MARKER"))"
        else
            log "PostgreSQL already listening on 127.0.0.1:$PG_PORT; reusing it"
        fi
    else
        rm -f "$PG_MARKER"
        if ! command -v pg_ctlcluster >/dev/null || [[ -z "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ]]; then
            apt_install postgresql
        fi
        local v
        v="$(pg_version)"
        [[ -n "$v" ]] || die "no PostgreSQL version found under /etc/postgresql or /usr/lib/postgresql"
        if [[ ! -d "/etc/postgresql/$v/main" ]]; then
            log "creating cluster $v/main"
            "${SUDO[@]}" pg_createcluster "$v" main >&2
        fi
        # The package's postinst may already have started it.
        if ! port_open "$PG_PORT"; then
            log "starting PostgreSQL cluster $v/main"
            "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 || true
        fi
        if ! wait_port "$PG_PORT"; then
            "${SUDO[@]}" tail -n 20 "/var/log/postgresql/postgresql-$v-main.log" >&2 || true
            die "PostgreSQL did not listen on 127.0.0.1:$PG_PORT within ${WAIT_SECONDS}s (check port in /etc/postgresql/$v/main/postgresql.conf)"
        fi
        mkdir -p "$STATE"
        printf '%s\n' "$v" >"$PG_MARKER"
        log "PostgreSQL $v up on 127.0.0.1:$PG_PORT"
    fi
    command -v psql >/dev/null || apt_install postgresql-client
    pg_ensure_role
}

pg_admin() { # SQL...
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres -At "$@"
}

avalo_login_ok() {
    PGPASSWORD=avalo PGCONNECT_TIMEOUT=5 psql -X -h 127.0.0.1 -p "$PG_PORT" -U avalo -d avalo -Atc 'select 1' >/dev/null 2>&1
}

pg_ensure_role() {
    if ! id postgres >/dev/null 2>&1; then
        log "WARNING: no 'postgres' OS user; cannot manage roles, only checking the avalo login"
        avalo_login_ok || die "password login avalo/avalo@127.0.0.1:$PG_PORT/avalo failed"
        return 0
    fi
    pg_admin -c "DO \$\$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'avalo') THEN
                CREATE ROLE avalo LOGIN CREATEDB PASSWORD 'avalo';
            END IF;
        END \$\$;" -c "ALTER ROLE avalo WITH LOGIN CREATEDB PASSWORD 'avalo';"
    if [[ "$(pg_admin -c "SELECT 1 FROM pg_database WHERE datname = 'avalo'")" != 1 ]]; then
        log "creating database avalo"
        pg_admin -c "CREATE DATABASE avalo OWNER avalo"
    else
        pg_admin -c "ALTER DATABASE avalo OWNER TO avalo"
    fi
    if avalo_login_ok; then
        log "PostgreSQL login avalo/avalo@127.0.0.1:$PG_PORT/avalo ok"
        return 0
    fi
    local hba method
    hba="$(pg_admin -c 'SHOW hba_file')"
    method="$(pg_admin -c 'SHOW password_encryption')"
    [[ "$method" == md5 ]] || method=scram-sha-256
    log "password login failed; adding 'host all avalo 127.0.0.1/32 $method' to $hba"
    "${SUDO[@]}" cp "$hba" "$hba.dev-infra.bak"
    "${SUDO[@]}" awk -v line="host    all    avalo    127.0.0.1/32    $method" '
        !done && $0 !~ /^[[:space:]]*(#|$)/ { print "# added by avalo scripts/dev-infra.sh"; print line; done = 1 }
        { print }
        END { if (!done) print line }' "$hba.dev-infra.bak" | "${SUDO[@]}" tee "$hba" >/dev/null
    pg_admin -c 'SELECT pg_reload_conf()' >/dev/null
    sleep 1
    avalo_login_ok || die "password login avalo/avalo@127.0.0.1:$PG_PORT/avalo still fails; check $hba"
    log "PostgreSQL login avalo/avalo@127.0.0.1:$PG_PORT/avalo ok"
}

pg_down() {
    if [[ ! -f "$PG_MARKER" ]]; then
        log "PostgreSQL: nothing started by dev-infra to stop"
        return 0
    fi
    local v
    v="$(cat "$PG_MARKER")"
    log "stopping PostgreSQL cluster $v/main"
    "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$v" main stop >&2 || true
    rm -f "$PG_MARKER"
}

# ---------------------------------------------------------------- main

status() {
    local rc=0
    if port_open "$NATS_PORT"; then
        if nats_pid_alive; then echo "nats:       up   127.0.0.1:$NATS_PORT (started by dev-infra, pid $(cat "$NATS_PID"))"
        else echo "nats:       up   127.0.0.1:$NATS_PORT (external)"; fi
    else
        echo "nats:       down 127.0.0.1:$NATS_PORT"; rc=1
    fi
    if port_open "$PG_PORT"; then
        if [[ -f "$PG_MARKER" ]]; then echo "postgresql: up   127.0.0.1:$PG_PORT (started by dev-infra, cluster $(cat "$PG_MARKER"))"
        else echo "postgresql: up   127.0.0.1:$PG_PORT (external)"; fi
    else
        echo "postgresql: down 127.0.0.1:$PG_PORT"; rc=1
    fi
    return $rc
}

case "${1:-}" in
    up)
        mkdir -p "$STATE" "$LOGS"
        nats_up
        pg_up
        status
        ;;
    down)
        nats_down
        pg_down
        ;;
    status)
        status
        ;;
    *)
        echo "usage: $0 up|down|status" >&2
        exit 2
        ;;
esac
