#!/usr/bin/env bash
# Stop an Azurite instance started by infra/scripts/start-azurite.sh.
#
# Usage: infra/scripts/stop-azurite.sh DIR
#
# Sends SIGTERM to the pid in DIR/azurite.pid and SIGKILL if it is still running after
# STOP_TIMEOUT_SECONDS. DIR and its data are kept. Running it again, or on a DIR whose Azurite
# has already stopped, does nothing and exits 0.
set -euo pipefail

readonly STOP_TIMEOUT_SECONDS=10

log() {
    echo "stop-azurite: $*" >&2
}

# Succeed if PID is a running process. A zombie does not count: on machines whose init does
# not reap orphans, exited processes stay in the process table as zombies.
is_alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z ]]
}

# Wait up to SECONDS for PID to exit. Return 1 if it is still running by then.
wait_for_exit() {
    local pid=$1 seconds=$2
    local deadline=$(($(date +%s) + seconds))
    while (($(date +%s) < deadline)); do
        is_alive "$pid" || return 0
        sleep 0.2
    done
    ! is_alive "$pid"
}

if (($# != 1)); then
    echo "usage: $0 DIR" >&2
    echo "  DIR  folder that was passed to start-azurite.sh" >&2
    exit 2
fi
pid_file=$1/azurite.pid

if [[ ! -s $pid_file ]]; then
    log "no $pid_file, so there is nothing to stop"
    exit 0
fi
pid=$(<"$pid_file")
# The command-line check guards against a pid that the kernel has since given to another process.
if ! [[ $pid =~ ^[0-9]+$ ]] || ! is_alive "$pid" ||
    ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q azurite; then
    log "Azurite (pid $pid) is not running, so there is nothing to stop"
    rm -f "$pid_file"
    exit 0
fi

log "stopping Azurite (pid $pid)"
kill -TERM "$pid" 2>/dev/null || true
if ! wait_for_exit "$pid" "$STOP_TIMEOUT_SECONDS"; then
    log "Azurite (pid $pid) still running after $STOP_TIMEOUT_SECONDS s, so sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 5 || {
        log "error: Azurite (pid $pid) did not exit"
        exit 1
    }
fi
rm -f "$pid_file"
log "stopped"
