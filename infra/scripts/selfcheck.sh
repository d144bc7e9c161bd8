#!/usr/bin/env bash
# Check the start and stop scripts for RabbitMQ and Azurite on this machine.
#
# Usage: infra/scripts/selfcheck.sh        (after infra/setup.sh)
#
# Starts both servers in a temporary folder. Checks that RabbitMQ responds to rabbitmqctl status
# and to the AMQP 0-9-1 protocol header, and that Azurite responds to an HTTP request. Checks that
# every listening socket of the started processes is bound to loopback. Then stops both and
# checks that no process started from the temporary folder remains. Exits non-zero on the first
# failed check.
set -euo pipefail

scripts_dir=$(cd "$(dirname "$0")" && pwd)
work_dir=$(mktemp -d /tmp/dcgan-selfcheck.XXXXXX)
# The rabbitmq user must be able to enter the folder when the node runs as that user.
chmod 755 "$work_dir"
rabbitmq_dir=$work_dir/rabbitmq
azurite_dir=$work_dir/azurite

cleanup() {
    "$scripts_dir/stop-rabbitmq.sh" "$rabbitmq_dir" >/dev/null 2>&1 || true
    "$scripts_dir/stop-azurite.sh" "$azurite_dir" >/dev/null 2>&1 || true
    rm -rf "$work_dir"
}
trap cleanup EXIT

check() {
    echo "selfcheck: ok: $*"
}

fail() {
    echo "selfcheck: FAILED: $*" >&2
    exit 1
}

milliseconds() {
    echo $(($(date +%s%N) / 1000000))
}

# Fail unless every listening TCP socket of PID is bound to 127.0.0.1 or ::1.
check_loopback_only() {
    local name=$1 pid=$2 sockets
    sockets=$(ss -Hltnp | grep "pid=$pid," || true)
    [[ -n $sockets ]] || fail "$name (pid $pid) has no listening socket"
    if awk '{print $4}' <<<"$sockets" | grep -v -E '^(127\.0\.0\.1|\[::1\]):[0-9]+$'; then
        fail "$name (pid $pid) listens on a non-loopback address (listed above)"
    fi
    check "$name (pid $pid) listens on loopback only: $(awk '{print $4}' <<<"$sockets" | tr '\n' ' ')"
}

# List running processes, except this script, whose command line or environment contains the
# temporary folder. Zombies are skipped because they hold no resources.
processes_in_work_dir() {
    local proc pid state
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        state=$(sed 's/.*) //' "$proc/stat" 2>/dev/null | cut -d' ' -f1) || continue
        [[ -z $state || $state == Z ]] && continue
        if grep -q -a -F "$work_dir" "$proc/cmdline" "$proc/environ" 2>/dev/null; then
            echo "$pid $(tr '\0' ' ' 2>/dev/null <"$proc/cmdline")"
        fi
    done
}

# RabbitMQ
started=$(milliseconds)
amqp_port=$("$scripts_dir/start-rabbitmq.sh" "$rabbitmq_dir" 0 | tail -n 1)
check "RabbitMQ started on port $amqp_port in $(($(milliseconds) - started)) ms"
[[ $(<"$rabbitmq_dir/amqp-port") == "$amqp_port" ]] || fail "amqp-port file does not match the printed port"

rabbitmqctl_command=(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$(<"$rabbitmq_dir/node-name")" status)
if ((EUID == 0)); then
    rabbitmqctl_command=(runuser -u rabbitmq -- "${rabbitmqctl_command[@]}")
fi
ERL_EPMD_PORT=$(<"$rabbitmq_dir/epmd-port") ERL_EPMD_ADDRESS=127.0.0.1 "${rabbitmqctl_command[@]}" >/dev/null ||
    fail "rabbitmqctl status failed for $(<"$rabbitmq_dir/node-name")"
check "rabbitmqctl status"

# A broker replies to the AMQP 0-9-1 protocol header with a Connection.Start method frame, which
# begins with frame type 1 on channel 0.
exec 3<>"/dev/tcp/127.0.0.1/$amqp_port"
printf 'AMQP\x00\x00\x09\x01' >&3
frame_start=$(timeout 5 head -c 3 <&3 | od -An -tx1 | tr -d ' \n')
exec 3<&-
[[ $frame_start == 010000 ]] || fail "expected an AMQP method frame on port $amqp_port, got bytes '$frame_start'"
check "AMQP handshake on port $amqp_port"

check_loopback_only beam.smp "$(<"$rabbitmq_dir/rabbitmq.pid")"
check_loopback_only epmd "$(<"$rabbitmq_dir/epmd.pid")"

# Azurite
started=$(milliseconds)
blob_port=$("$scripts_dir/start-azurite.sh" "$azurite_dir" 0 | tail -n 1)
check "Azurite started on port $blob_port in $(($(milliseconds) - started)) ms"

# Azurite rejects an unauthenticated List Containers request with 403, which shows that it is
# serving requests.
exec 3<>"/dev/tcp/127.0.0.1/$blob_port"
printf 'GET /devstoreaccount1?comp=list HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$blob_port" >&3
status_line=$(timeout 5 head -n 1 <&3 | tr -d '\r')
exec 3<&-
[[ $status_line =~ ^HTTP/1\.[01]\ [0-9]{3} ]] || fail "expected an HTTP status line from Azurite, got '$status_line'"
check "Azurite responded: $status_line"

check_loopback_only azurite "$(<"$azurite_dir/azurite.pid")"

# Stop both and look for leftovers.
started=$(milliseconds)
"$scripts_dir/stop-rabbitmq.sh" "$rabbitmq_dir"
check "RabbitMQ stopped in $(($(milliseconds) - started)) ms"
started=$(milliseconds)
"$scripts_dir/stop-azurite.sh" "$azurite_dir"
check "Azurite stopped in $(($(milliseconds) - started)) ms"

leftovers=$(processes_in_work_dir)
[[ -z $leftovers ]] || fail "processes still running after stop:"$'\n'"$leftovers"
for port in "$amqp_port" "$(<"$rabbitmq_dir/epmd-port")" "$blob_port"; do
    if ss -Hltn "sport = :$port" | grep -q .; then
        fail "port $port is still listening after stop"
    fi
done
check "no process or listening port left behind"
