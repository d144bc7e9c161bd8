#!/usr/bin/env bash
# Stop a node started by infra/scripts/start-rabbitmq.sh, together with its private epmd.
#
# Usage: infra/scripts/stop-rabbitmq.sh DIR
#
# Asks the node to stop with rabbitmqctl, sends SIGTERM to whatever still runs after
# STOP_TIMEOUT_SECONDS and SIGKILL 10 s later. DIR and its data are kept. Running it again, or on
# a DIR whose node has already stopped, does nothing and exits 0. Exits 1 if a process survives
# SIGKILL.
set -euo pipefail

readonly STOP_TIMEOUT_SECONDS=30
readonly RABBITMQ_BIN=/usr/lib/rabbitmq/bin

log() {
    echo "stop-rabbitmq: $*" >&2
}

# Print the pid stored in FILE if that process is alive and its command line contains PATTERN,
# which guards against a pid that the kernel has since given to an unrelated process.
live_pid() {
    local file=$1 pattern=$2 pid
    [[ -s $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
    echo "$pid"
}

# Succeed if PID is a running process. A zombie does not count: on machines whose init does
# not reap orphans, exited processes stay in the process table as zombies.
is_alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z ]]
}

# Wait up to SECONDS for every given pid to exit. Return 1 if one is still running by then.
wait_for_exit() {
    local seconds=$1 pid
    shift
    local deadline=$(($(date +%s) + seconds))
    while (($(date +%s) < deadline)); do
        local alive=0
        for pid in "$@"; do
            if is_alive "$pid"; then
                alive=1
            fi
        done
        ((alive == 0)) && return 0
        sleep 0.5
    done
    return 1
}

if (($# != 1)); then
    echo "usage: $0 DIR" >&2
    echo "  DIR  folder that was passed to start-rabbitmq.sh" >&2
    exit 2
fi
dir=$1
if [[ ! -d $dir ]]; then
    log "$dir does not exist, so there is nothing to stop"
    exit 0
fi

node_name=$(cat "$dir/node-name" 2>/dev/null || true)
epmd_port=$(cat "$dir/epmd-port" 2>/dev/null || true)
server_pid=$(live_pid "$dir/server.pid" rabbitmq-server || true)
beam_pid=$(live_pid "$dir/rabbitmq.pid" beam || true)
epmd_pid=$(live_pid "$dir/epmd.pid" epmd || true)

if [[ -z $server_pid && -z $beam_pid && -z $epmd_pid ]]; then
    log "no running node or epmd found for $dir, so there is nothing to stop"
    rm -f "$dir/server.pid" "$dir/epmd.pid" "$dir/rabbitmq.pid"
    exit 0
fi

if [[ -n $server_pid || -n $beam_pid ]]; then
    # Without a graceful stop there is no reason to wait before sending SIGTERM.
    graceful_wait_seconds=0
    if [[ -n $node_name && -n $epmd_port && -n $epmd_pid ]]; then
        log "stopping node $node_name"
        # ERL_EPMD_PORT points the CLI at the private epmd. Without it the CLI would start a
        # system-wide epmd on port 4369 and not find the node.
        rabbitmqctl_command=("$RABBITMQ_BIN/rabbitmqctl" -n "$node_name" --quiet stop)
        if ((EUID == 0)); then
            rabbitmqctl_command=(runuser -u rabbitmq -- "${rabbitmqctl_command[@]}")
        fi
        if ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1 \
            timeout "$STOP_TIMEOUT_SECONDS" "${rabbitmqctl_command[@]}" >&2; then
            graceful_wait_seconds=$STOP_TIMEOUT_SECONDS
        else
            log "rabbitmqctl stop failed for $node_name, so sending SIGTERM"
        fi
    fi

    pids=()
    [[ -n $server_pid ]] && pids+=("$server_pid")
    [[ -n $beam_pid ]] && pids+=("$beam_pid")
    if ! wait_for_exit "$graceful_wait_seconds" "${pids[@]}"; then
        log "sending SIGTERM to node ${node_name:-from $dir} (pids ${pids[*]})"
        # start-rabbitmq.sh starts the server with setsid, so its pid is also its process group id.
        [[ -n $server_pid ]] && kill -TERM -- "-$server_pid" 2>/dev/null || true
        [[ -n $beam_pid ]] && kill -TERM "$beam_pid" 2>/dev/null || true
        if ! wait_for_exit 10 "${pids[@]}"; then
            log "sending SIGKILL to ${pids[*]}"
            [[ -n $server_pid ]] && kill -KILL -- "-$server_pid" 2>/dev/null || true
            [[ -n $beam_pid ]] && kill -KILL "$beam_pid" 2>/dev/null || true
            if ! wait_for_exit 5 "${pids[@]}"; then
                log "error: processes ${pids[*]} did not exit after SIGKILL"
                exit 1
            fi
        fi
    fi
fi

if [[ -n $epmd_pid ]]; then
    log "stopping epmd on port ${epmd_port:-unknown} (pid $epmd_pid)"
    kill -TERM "$epmd_pid" 2>/dev/null || true
    if ! wait_for_exit 5 "$epmd_pid"; then
        kill -KILL "$epmd_pid" 2>/dev/null || true
    fi
fi

rm -f "$dir/server.pid" "$dir/epmd.pid" "$dir/rabbitmq.pid"
log "stopped"
