#!/usr/bin/env bash
# Start the Azurite Blob Storage emulator for tests and local development.
#
# Usage: infra/scripts/start-azurite.sh DIR [PORT]
#
# Runs infra/azurite/node_modules/.bin/azurite-blob (installed by infra/setup.sh) on
# 127.0.0.1:PORT with its data in DIR, writes the pid to DIR/azurite.pid and the port to
# DIR/blob-port, waits until the port accepts connections and prints the port as the last line
# of stdout. When PORT is 0 or omitted, a free port is chosen. Progress and errors go to stderr.
# Clients use the well-known development account devstoreaccount1 at
# http://127.0.0.1:PORT/devstoreaccount1.
#
# Stop it with infra/scripts/stop-azurite.sh DIR.
set -euo pipefail

readonly STARTUP_TIMEOUT_SECONDS=30

usage() {
    echo "usage: $0 DIR [PORT]" >&2
    echo "  DIR   folder for Azurite's blobs, metadata, log and pid file (created if missing)" >&2
    echo "  PORT  TCP port on 127.0.0.1 for the Blob service, or 0 (the default) to pick a free port" >&2
    exit 2
}

log() {
    echo "start-azurite: $*" >&2
}

fail() {
    echo "start-azurite: error: $*" >&2
    exit 1
}

# Print a TCP port that is free on 127.0.0.1. Another process can still take it before
# Azurite binds it.
free_port() {
    if command -v python3 >/dev/null 2>&1 && python3 <<'EOF' 2>/dev/null; then
import socket

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
print(listener.getsockname()[1])
listener.close()
EOF
        return 0
    fi

    # Without Python, probe random ports below the kernel's default ephemeral range
    # (32768-60999), so that outgoing connections are unlikely to take them meanwhile.
    local port attempt
    for attempt in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    fail "could not find a free TCP port on 127.0.0.1"
}

# Succeed if PID is a running process. A zombie does not count: on machines whose init does
# not reap orphans, exited processes stay in the process table as zombies.
is_alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z ]]
}

(($# >= 1 && $# <= 2)) || usage
dir=$1
requested_port=${2:-0}
[[ $requested_port =~ ^[0-9]+$ ]] && ((requested_port <= 65535)) ||
    fail "invalid PORT '$requested_port': expected a TCP port number, or 0 to pick a free one"

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
azurite_blob=$repo_root/infra/azurite/node_modules/.bin/azurite-blob
[[ -x $azurite_blob ]] || fail "$azurite_blob not found. Run infra/setup.sh to install Azurite."
command -v node >/dev/null || fail "node not found. Azurite needs Node.js 20 or later on PATH."

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ -s $dir/azurite.pid ]] && is_alive "$(<"$dir/azurite.pid")"; then
    fail "Azurite started from $dir is still running (pid $(<"$dir/azurite.pid"))." \
        "Stop it with $(dirname "$0")/stop-azurite.sh $dir"
fi

if ((requested_port == 0)); then
    port=$(free_port)
else
    if (exec 3<>"/dev/tcp/127.0.0.1/$requested_port") 2>/dev/null; then
        fail "PORT $requested_port is already in use on 127.0.0.1. Pass 0 to pick a free port."
    fi
    port=$requested_port
fi

log "starting azurite-blob on 127.0.0.1:$port with data in $dir"
started_at_ms=$(($(date +%s%N) / 1000000))
# --skipApiVersionCheck accepts requests from Azure SDKs newer than this Azurite release, and
# --loose ignores request headers that Azurite does not support instead of rejecting them.
# --disableTelemetry is needed because by default Azurite 3.37 sends usage data to Azure
# Application Insights, so every test run would contact a Microsoft endpoint.
setsid "$azurite_blob" \
    --blobHost 127.0.0.1 \
    --blobPort "$port" \
    --location "$dir" \
    --skipApiVersionCheck \
    --loose \
    --disableTelemetry \
    </dev/null >"$dir/azurite.log" 2>&1 &
pid=$!
echo "$pid" >"$dir/azurite.pid"
echo "$port" >"$dir/blob-port"

deadline_ms=$((started_at_ms + STARTUP_TIMEOUT_SECONDS * 1000))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! is_alive "$pid"; then
        echo "--- last 40 lines of $dir/azurite.log ---" >&2
        tail -n 40 "$dir/azurite.log" >&2
        rm -f "$dir/azurite.pid"
        fail "azurite-blob exited during startup. See the log above."
    fi
    if (($(date +%s%N) / 1000000 >= deadline_ms)); then
        echo "--- last 40 lines of $dir/azurite.log ---" >&2
        tail -n 40 "$dir/azurite.log" >&2
        "$(dirname "$0")/stop-azurite.sh" "$dir" >&2 || true
        fail "timed out after $STARTUP_TIMEOUT_SECONDS s waiting for azurite-blob" \
            "to accept connections on 127.0.0.1:$port"
    fi
    sleep 0.2
done

elapsed_ms=$(($(date +%s%N) / 1000000 - started_at_ms))
log "azurite-blob (pid $pid) is ready after $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s"
echo "$port"
