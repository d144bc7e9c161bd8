#!/usr/bin/env bash
# Install what the tests and local runs need on Debian 12: RabbitMQ, the Fashion-MNIST data set
# and the pinned Azurite from infra/azurite. It skips whatever is already installed, so running
# it again is safe and quick.
#
# Usage: infra/setup.sh
#
# Run as root, or as a user with sudo for the apt steps. Node.js 20 or later and the .NET SDK
# are not installed here and must already be on PATH.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# iproute2 provides ss for infra/scripts/selfcheck.sh.
readonly APT_PACKAGES=(rabbitmq-server dataset-fashion-mnist iproute2)
# Azurite 3.37 declares "node": ">=22.0.0" in its package.json, but its Blob service runs on
# Node.js 20 (checked with 20.20.2). Versions below 20 are untested.
readonly MIN_NODE_MAJOR=20

repo_root=$(cd "$(dirname "$0")/.." && pwd)
azurite_dir=$repo_root/infra/azurite
started_at=$(date +%s)

log() {
    echo "setup: $*"
}

fail() {
    echo "setup: error: $*" >&2
    exit 1
}

as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo --non-interactive env DEBIAN_FRONTEND=noninteractive "$@"
    else
        fail "'$*' needs root. Run infra/setup.sh as root, or install sudo."
    fi
}

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

policy_rc_created=0
remove_policy_rc() {
    if ((policy_rc_created)); then
        as_root rm -f /usr/sbin/policy-rc.d
    fi
}
trap remove_policy_rc EXIT

install_apt_packages() {
    local missing=() package
    for package in "${APT_PACKAGES[@]}"; do
        is_installed "$package" || missing+=("$package")
    done
    if ((${#missing[@]} == 0)); then
        log "apt packages already installed: ${APT_PACKAGES[*]}"
        return 0
    fi

    # Without a policy-rc.d that denies service starts, installing rabbitmq-server on a machine
    # without systemd starts the system broker with the default configuration, which listens
    # on every interface. The tests start their own private nodes instead.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\n# Added by infra/setup.sh while it installs packages.\nexit 101\n' |
            as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        policy_rc_created=1
    fi

    log "installing with apt-get: ${missing[*]}"
    as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
    remove_policy_rc
    policy_rc_created=0
}

check_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
        fail "node or npm not found. Install Node.js $MIN_NODE_MAJOR or later for Azurite." \
            "Debian 12's own nodejs package is version 18, which is too old."
    local version major
    version=$(node --version)
    major=${version#v}
    major=${major%%.*}
    ((major >= MIN_NODE_MAJOR)) ||
        fail "Node.js $version is too old for Azurite. Install Node.js $MIN_NODE_MAJOR or later."
}

# npm ci reinstalls node_modules from scratch, so it only runs when package-lock.json differs
# from the one the current node_modules was installed from.
install_azurite() {
    local stamp=$azurite_dir/node_modules/.installed-lock-sha256 lock_sha
    lock_sha=$(sha256sum "$azurite_dir/package-lock.json" | cut -d' ' -f1)
    if [[ -x $azurite_dir/node_modules/.bin/azurite-blob && -f $stamp && $(<"$stamp") == "$lock_sha" ]]; then
        log "Azurite already installed in infra/azurite/node_modules"
        return 0
    fi
    log "installing Azurite with npm ci in infra/azurite"
    (cd "$azurite_dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sha" >"$stamp"
}

install_apt_packages
check_node
install_azurite
log "done in $(($(date +%s) - started_at)) s"
