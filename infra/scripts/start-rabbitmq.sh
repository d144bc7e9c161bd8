#!/usr/bin/env bash
# Start a private RabbitMQ node for tests and local development.
#
# Usage: infra/scripts/start-rabbitmq.sh DIR [AMQP_PORT]
#
# Everything the node writes (config, Mnesia data, logs, feature flags, pid files) goes under
# DIR. AMQP, the Erlang distribution port and a private epmd listen on 127.0.0.1 only. When
# AMQP_PORT is 0 or omitted, a free port is chosen. The script writes DIR/amqp-port,
# DIR/node-name and DIR/epmd-port, waits until the broker has booted and prints the AMQP port
# as the last line of stdout. Progress and errors go to stderr.
#
# Stop the node with infra/scripts/stop-rabbitmq.sh DIR. To run rabbitmqctl against it, set
# ERL_EPMD_PORT first, or the CLI starts a system-wide epmd on port 4369:
#   ERL_EPMD_PORT=$(cat DIR/epmd-port) rabbitmqctl -n "$(cat DIR/node-name)" status
#
# The node accepts messages up to 64 MiB (max_message_size, explained in
# infra/rabbitmq/rabbitmq.conf). Set DCGAN_RABBITMQ_MAX_MESSAGE_SIZE to another size in bytes to
# change that.
#
# When the script runs as root, the node runs as the rabbitmq user, which must be able to enter
# DIR and its parent folders. Otherwise the node runs as the calling user.
set -euo pipefail

readonly STARTUP_TIMEOUT_SECONDS=60
# Training jobs run for hours. With RabbitMQ's default of 30 minutes the broker closes the
# channel of a consumer that has not acknowledged its job by then, and requeues the job.
readonly CONSUMER_TIMEOUT_MS=36000000
# Largest message the broker accepts, as in infra/rabbitmq/rabbitmq.conf, which explains the
# value. Tests set DCGAN_RABBITMQ_MAX_MESSAGE_SIZE to start a node with another limit.
readonly MAX_MESSAGE_SIZE=${DCGAN_RABBITMQ_MAX_MESSAGE_SIZE:-67108864}
readonly RABBITMQ_BIN=/usr/lib/rabbitmq/bin

usage() {
    echo "usage: $0 DIR [AMQP_PORT]" >&2
    echo "  DIR        folder for the node's config, data, logs and pid files (created if missing)" >&2
    echo "  AMQP_PORT  TCP port on 127.0.0.1 for AMQP, or 0 (the default) to pick a free port" >&2
    exit 2
}

log() {
    echo "start-rabbitmq: $*" >&2
}

fail() {
    echo "start-rabbitmq: error: $*" >&2
    exit 1
}

# Print COUNT distinct TCP ports that are free on 127.0.0.1, one per line. Another process can
# still take a port before the caller binds it.
free_ports() {
    local count=$1
    if command -v python3 >/dev/null 2>&1 && python3 - "$count" <<'EOF' 2>/dev/null; then
import socket
import sys

listeners = []
for _ in range(int(sys.argv[1])):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listeners.append(listener)
for listener in listeners:
    print(listener.getsockname()[1])
    listener.close()
EOF
        return 0
    fi

    # Without Python, probe random ports below the kernel's default ephemeral range
    # (32768-60999), so that outgoing connections are unlikely to take them meanwhile.
    local found=() port attempt
    for attempt in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        if [[ " ${found[*]} " == *" $port "* ]]; then
            continue
        fi
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            found+=("$port")
            if ((${#found[@]} == count)); then
                printf '%s\n' "${found[@]}"
                return 0
            fi
        fi
    done
    fail "could not find $count free TCP ports on 127.0.0.1"
}

# Run a RabbitMQ script from the package as the user that owns the node.
run_as_node_user() {
    if ((EUID == 0)); then
        runuser -u rabbitmq -- "$@"
    else
        "$@"
    fi
}

# Run rabbitmqctl against the private node. If the private epmd has died, the CLI starts a new
# one, and ERL_EPMD_ADDRESS keeps that one on loopback.
run_rabbitmqctl() {
    ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1 \
        run_as_node_user "$RABBITMQ_BIN/rabbitmqctl" -n "$node_name" "$@"
}

# Succeed if PID_FILE names a running process. A zombie does not count: on machines whose init
# does not reap orphans, exited processes stay in the process table as zombies.
is_running() {
    local pid_file=$1 pid state
    [[ -s $pid_file ]] || return 1
    pid=$(<"$pid_file")
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z ]]
}

print_log_tail() {
    local file
    for file in "$dir/log/server-output.log" "$dir/log/$node_name.log"; do
        if [[ -s $file ]]; then
            echo "--- last 40 lines of $file ---" >&2
            tail -n 40 "$file" >&2
        fi
    done
}

# Stop whatever this script started so far, so a failed start leaves no process behind.
abort_start() {
    print_log_tail
    "$(dirname "$0")/stop-rabbitmq.sh" "$dir" >&2 || true
    fail "$*"
}

(($# >= 1 && $# <= 2)) || usage
dir=$1
requested_port=${2:-0}
[[ $requested_port =~ ^[0-9]+$ ]] && ((requested_port <= 65535)) ||
    fail "invalid AMQP_PORT '$requested_port': expected a TCP port number, or 0 to pick a free one"
[[ $MAX_MESSAGE_SIZE =~ ^[0-9]+$ ]] && ((MAX_MESSAGE_SIZE >= 1 && MAX_MESSAGE_SIZE <= 536870912)) ||
    fail "invalid DCGAN_RABBITMQ_MAX_MESSAGE_SIZE '$MAX_MESSAGE_SIZE': expected 1 to 536870912 bytes"

[[ -x $RABBITMQ_BIN/rabbitmq-server ]] ||
    fail "$RABBITMQ_BIN/rabbitmq-server not found. Run infra/setup.sh to install the rabbitmq-server package."
command -v epmd >/dev/null || fail "epmd not found. Run infra/setup.sh to install the rabbitmq-server package."

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if is_running "$dir/server.pid" || is_running "$dir/epmd.pid"; then
    fail "a node started from $dir is still running. Stop it with $(dirname "$0")/stop-rabbitmq.sh $dir"
fi

# One spare port, in case the requested AMQP port is among the free ones.
mapfile -t ports < <(free_ports 4)
amqp_port=${ports[0]}
if ((requested_port != 0)); then
    if (exec 3<>"/dev/tcp/127.0.0.1/$requested_port") 2>/dev/null; then
        fail "AMQP_PORT $requested_port is already in use on 127.0.0.1. Pass 0 to pick a free port."
    fi
    amqp_port=$requested_port
fi
other_ports=()
for port in "${ports[@]}"; do
    if ((port != amqp_port)); then
        other_ports+=("$port")
    fi
done
dist_port=${other_ports[0]}
epmd_port=${other_ports[1]}
# The AMQP port keeps node names unique among the nodes running on this machine.
node_name="dcgan-test-$amqp_port@localhost"

mkdir -p "$dir/mnesia" "$dir/log"
rm -f "$dir/rabbitmq.pid" "$dir/log/server-output.log"
cat >"$dir/rabbitmq.conf" <<EOF
# Written by infra/scripts/start-rabbitmq.sh for a private test node.
listeners.tcp.default = 127.0.0.1:$amqp_port
distribution.listener.interface = 127.0.0.1
consumer_timeout = $CONSUMER_TIMEOUT_MS
max_message_size = $MAX_MESSAGE_SIZE
log.file.level = info
log.console = false
EOF
# No plugins: the management UI and its HTTP listener are not needed for tests.
echo '[].' >"$dir/enabled_plugins"
# An empty env file keeps /etc/rabbitmq/rabbitmq-env.conf from changing the private node.
: >"$dir/rabbitmq-env.conf"
echo "$amqp_port" >"$dir/amqp-port"
echo "$node_name" >"$dir/node-name"
echo "$epmd_port" >"$dir/epmd-port"

if ((EUID == 0)); then
    chown -R rabbitmq:rabbitmq "$dir"
    runuser -u rabbitmq -- test -w "$dir/mnesia" ||
        fail "the rabbitmq user cannot write to $dir." \
            "Choose a DIR whose parent folders it can enter, for example under /tmp."
fi

log "starting epmd on 127.0.0.1:$epmd_port"
setsid epmd -port "$epmd_port" -address 127.0.0.1 </dev/null >"$dir/log/epmd.log" 2>&1 &
echo $! >"$dir/epmd.pid"

log "starting node $node_name with AMQP on 127.0.0.1:$amqp_port and distribution on 127.0.0.1:$dist_port"
started_at=$(date +%s)
started_at_ms=$(($(date +%s%N) / 1000000))
(
    cd "$dir"
    export RABBITMQ_NODENAME=$node_name
    export RABBITMQ_NODE_PORT=$amqp_port
    export RABBITMQ_DIST_PORT=$dist_port
    export RABBITMQ_MNESIA_BASE=$dir/mnesia
    export RABBITMQ_LOG_BASE=$dir/log
    export RABBITMQ_PID_FILE=$dir/rabbitmq.pid
    export RABBITMQ_FEATURE_FLAGS_FILE=$dir/feature_flags
    export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
    export RABBITMQ_CONFIG_FILE=$dir/rabbitmq
    export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
    export RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
    export ERL_EPMD_PORT=$epmd_port
    # If the private epmd has died, Erlang starts a new one, and this keeps it on loopback.
    export ERL_EPMD_ADDRESS=127.0.0.1
    if ((EUID == 0)); then
        exec setsid runuser -u rabbitmq -- "$RABBITMQ_BIN/rabbitmq-server"
    fi
    exec setsid "$RABBITMQ_BIN/rabbitmq-server"
) </dev/null >"$dir/log/server-output.log" 2>&1 &
echo $! >"$dir/server.pid"

deadline=$((started_at + STARTUP_TIMEOUT_SECONDS))
until run_rabbitmqctl --quiet await_startup --timeout 5 >/dev/null 2>&1; do
    if ! is_running "$dir/server.pid"; then
        abort_start "node $node_name exited during startup. See the log above and $dir/log"
    fi
    if (($(date +%s) >= deadline)); then
        abort_start "timed out after $STARTUP_TIMEOUT_SECONDS s waiting for node $node_name to start." \
            "See the log above and $dir/log"
    fi
    sleep 1
done

elapsed_ms=$(($(date +%s%N) / 1000000 - started_at_ms))
log "node $node_name is ready after $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s"
echo "$amqp_port"
