#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis on the loopback interface, for the test suite (make test, CI).
#
#   scripts/services.sh start            start both (idempotent), write var/services.env
#   scripts/services.sh stop             stop what `start` started, remove its directory
#   scripts/services.sh status           exit 0 when both answer, 3 otherwise
#   scripts/services.sh run -- CMD ...   start, run CMD with the services' environment, ALWAYS stop,
#                                        exit with CMD's status (used by `make test`)
#
# Everything lives in a fresh `mktemp -d` directory (data, sockets, logs, pid files); nothing
# touches the system's own clusters (the image's stopped `15 main` cluster stays alone).
# Only processes started from such a directory, recorded in this repository's var/services.env or
# tagged with this repository's path, are ever stopped. PostgreSQL runs with fsync off: tests only.
#
# Environment: EI_PG_PORT (default 5433), EI_REDIS_PORT (default 6380),
#              EI_PGBIN (default /usr/lib/postgresql/15/bin, else the newest installed).
# pytest-postgresql is not used: it cannot start a cluster as root ("pg_ctl: cannot be run as root").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENV_FILE="$ROOT/var/services.env"
STATE_PREFIX="${TMPDIR:-/tmp}/einclusion-services."
PG_PORT=${EI_PG_PORT:-5433}
REDIS_PORT=${EI_REDIS_PORT:-6380}
PG_DB=einclusion

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERREUR : $*"; exit 1; }

pg_bin() {
    if [[ -n ${EI_PGBIN:-} ]]; then
        echo "$EI_PGBIN"
    elif [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        echo /usr/lib/postgresql/15/bin
    else
        local newest
        newest=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
        [[ -x $newest/pg_ctl ]] || die "PostgreSQL introuvable (/usr/lib/postgresql/*/bin) : lancez scripts/system_packages.sh"
        log "PostgreSQL 15 absent, utilisation de $newest"
        echo "$newest"
    fi
}

# Run a PostgreSQL binary as the postgres user when we are root (pg_ctl refuses root).
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Read a variable from an env file written by `start`, without sourcing it into this shell.
env_value() { sed -n "s/^export $2=//p" "$1" 2>/dev/null | tail -1; }

pid_alive_as() { # pid comm-name: a live (not zombie) process of that name
    [[ -n $1 && -r /proc/$1/stat ]] || return 1
    [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2"* ]] || return 1
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # the field after "(comm) " is the state
    [[ ${stat:0:1} != Z ]]
}

pg_running() { # dir port
    [[ -f $1/pg/postmaster.pid ]] || return 1
    local pid
    pid=$(head -1 "$1/pg/postmaster.pid")
    pid_alive_as "$pid" postgres || return 1
    "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$2" -U postgres -d postgres -t 2
}

redis_running() { # dir port
    [[ -f $1/redis.pid ]] || return 1
    pid_alive_as "$(cat "$1/redis.pid")" redis-server || return 1
    [[ $(redis-cli -h 127.0.0.1 -p "$2" ping 2>/dev/null) == PONG ]]
}

# Stop whatever still runs from a state directory, then remove it. Safe on half-started or
# crashed runs: each step checks the pid belongs to a process of the expected kind.
teardown_dir() { # dir [redis-port]
    local dir=$1 redis_port=${2:-} pid i
    if [[ $dir != "$STATE_PREFIX"* || ! -d $dir ]]; then
        return 0
    fi
    if [[ -f $dir/redis.pid ]]; then
        pid=$(cat "$dir/redis.pid")
        if pid_alive_as "$pid" redis-server; then
            if [[ -n $redis_port ]]; then
                redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
            fi
            for i in $(seq 50); do
                if ! pid_alive_as "$pid" redis-server; then break; fi
                if [[ $i -eq 20 ]]; then kill "$pid" 2>/dev/null || true; fi
                sleep 0.1
            done
            if pid_alive_as "$pid" redis-server; then kill -9 "$pid" 2>/dev/null || true; fi
            log "Redis arrêté (pid $pid)"
        fi
    fi
    if [[ -f $dir/pg/postmaster.pid ]]; then
        pid=$(head -1 "$dir/pg/postmaster.pid")
        if pid_alive_as "$pid" postgres; then
            as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast -w -t 20 stop >/dev/null 2>&1 \
                || as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg" -m immediate -w -t 10 stop >/dev/null 2>&1 \
                || kill -9 "$pid" 2>/dev/null || true
            log "PostgreSQL arrêté (pid $pid)"
        fi
    fi
    rm -rf -- "$dir"
}

# Directories left by crashed runs of this checkout (tagged with its path) and no longer in the
# env file: stop their processes and remove them.
sweep_orphans() {
    local current=${1:-} dir
    for dir in "$STATE_PREFIX"*; do
        [[ -d $dir && $dir != "$current" ]] || continue
        [[ -f $dir/repo && $(cat "$dir/repo") == "$ROOT" ]] || continue
        log "Nettoyage d'un reste de lancement précédent : $dir"
        teardown_dir "$dir" "$(cat "$dir/redis.port" 2>/dev/null || true)"
    done
}

cmd_status() {
    local dir pg_port redis_port ok=0
    if [[ ! -f $ENV_FILE ]]; then
        echo "Services arrêtés (pas de $ENV_FILE)."
        return 3
    fi
    dir=$(env_value "$ENV_FILE" EI_SERVICES_DIR)
    pg_port=$(env_value "$ENV_FILE" EI_PG_PORT)
    redis_port=$(env_value "$ENV_FILE" EI_REDIS_PORT)
    if pg_running "$dir" "$pg_port"; then echo "PostgreSQL : en marche sur 127.0.0.1:$pg_port"; else echo "PostgreSQL : arrêté"; ok=3; fi
    if redis_running "$dir" "$redis_port"; then echo "Redis      : en marche sur 127.0.0.1:$redis_port"; else echo "Redis      : arrêté"; ok=3; fi
    echo "Dossier    : $dir"
    echo "Variables  : source $ENV_FILE"
    return $ok
}

cmd_start() {
    local dir pgbin i
    if [[ -f $ENV_FILE ]]; then
        dir=$(env_value "$ENV_FILE" EI_SERVICES_DIR)
        if pg_running "$dir" "$(env_value "$ENV_FILE" EI_PG_PORT)" \
            && redis_running "$dir" "$(env_value "$ENV_FILE" EI_REDIS_PORT)"; then
            log "Déjà démarrés ($dir) ; variables dans $ENV_FILE"
            sweep_orphans "$dir"
            return 0
        fi
        log "État précédent incomplet ou périmé : nettoyage"
        teardown_dir "$dir" "$(env_value "$ENV_FILE" EI_REDIS_PORT)"
        rm -f "$ENV_FILE"
    fi
    sweep_orphans

    pgbin=$(pg_bin)
    command -v redis-server >/dev/null || die "redis-server introuvable : lancez scripts/system_packages.sh"
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        die "utilisateur système postgres absent : lancez scripts/system_packages.sh"
    fi
    port_in_use "$PG_PORT" && die "le port $PG_PORT est déjà pris (choisissez-en un autre : EI_PG_PORT=...)"
    port_in_use "$REDIS_PORT" && die "le port $REDIS_PORT est déjà pris (choisissez-en un autre : EI_REDIS_PORT=...)"

    dir=$(mktemp -d "${STATE_PREFIX}XXXXXX")
    echo "$ROOT" >"$dir/repo"
    echo "$REDIS_PORT" >"$dir/redis.port"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir"; fi
    STARTING_DIR=$dir # from here on, any failure tears down what was started (on_exit)

    as_pg "$pgbin/initdb" -D "$dir/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1
    as_pg "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 30 \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
        start >/dev/null
    "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 20
    "$pgbin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB"

    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/redis.pid" \
        --logfile "$dir/redis.log" --dir "$dir" --save '' --appendonly no >/dev/null
    for i in $(seq 100); do
        [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG && -s $dir/redis.pid ]] && break
        if [[ $i -eq 100 ]]; then die "Redis ne répond pas sur le port $REDIS_PORT"; fi
        sleep 0.1
    done

    mkdir -p "$(dirname "$ENV_FILE")"
    cat >"$ENV_FILE.tmp" <<EOF
# Written by scripts/services.sh start; removed by scripts/services.sh stop.
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB
export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export EI_SERVICES_DIR=$dir
export EI_PG_PORT=$PG_PORT
export EI_REDIS_PORT=$REDIS_PORT
EOF
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    STARTING_DIR=
    log "PostgreSQL sur 127.0.0.1:$PG_PORT et Redis sur 127.0.0.1:$REDIS_PORT ($dir)"
    log "Variables : source $ENV_FILE"
}

cmd_stop() {
    if [[ -f $ENV_FILE ]]; then
        teardown_dir "$(env_value "$ENV_FILE" EI_SERVICES_DIR)" "$(env_value "$ENV_FILE" EI_REDIS_PORT)"
        rm -f "$ENV_FILE"
    fi
    sweep_orphans
    log "Services arrêtés"
}

cmd_run() {
    [[ ${1:-} == -- ]] && shift
    [[ $# -gt 0 ]] || die "usage : $0 run -- COMMANDE [ARGS...]"
    STOP_ON_EXIT=1
    cmd_start
    local status=0
    # shellcheck disable=SC1090
    (set -a && . "$ENV_FILE" && set +a && exec "$@") || status=$?
    return $status
}

STARTING_DIR=
STOP_ON_EXIT=0
on_exit() {
    local status=$?
    set +e
    if [[ -n $STARTING_DIR ]]; then
        log "Échec du démarrage ; derniers journaux de $STARTING_DIR :"
        tail -n 20 "$STARTING_DIR/pg.log" "$STARTING_DIR/redis.log" >&2 2>/dev/null
        teardown_dir "$STARTING_DIR" "$REDIS_PORT"
        rm -f "$ENV_FILE.tmp"
    fi
    if [[ $STOP_ON_EXIT -eq 1 ]]; then
        cmd_stop
    fi
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    run) shift; cmd_run "$@" ;;
    *)
        echo "usage : $0 {start|stop|status|run -- COMMANDE...}" >&2
        exit 2
        ;;
esac
