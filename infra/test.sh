#!/usr/bin/env bash
# Run the whole test suite: install dependencies with infra/setup.sh, run every test project in
# Dcgan.Worker.sln and print the totals from the TRX result files as the last line of stdout:
#   N passed, N failed[, N skipped]
#
# Usage: infra/test.sh        (as root, or as a user with sudo for the apt steps of setup.sh)
#
# Tests that need RabbitMQ or Azurite are meant to start private instances with
# infra/scripts/start-rabbitmq.sh and start-azurite.sh, so no server has to run beforehand.
# Exits non-zero if setup fails, if dotnet test fails (a build error or a failed
# test), if any test failed or if no test ran. The .NET 10 SDK must be on PATH.
set -euo pipefail

readonly RESULTS_DIR=TestResults

# The .NET CLI sends usage data to Microsoft unless this is set.
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

error() {
    echo "test.sh: error: $*" >&2
}

# Count test outcomes over all TRX files under RESULTS_DIR into passed, failed and skipped.
# TRX marks skipped tests as NotExecuted. Every other outcome except Passed (Failed, Error,
# Timeout, Aborted and the rest of the TRX outcome list) counts as failed.
count_outcomes() {
    passed=0
    failed=0
    skipped=0
    local outcome
    while read -r outcome; do
        case $outcome in
            Passed) passed=$((passed + 1)) ;;
            NotExecuted) skipped=$((skipped + 1)) ;;
            *) failed=$((failed + 1)) ;;
        esac
    done < <(find "$RESULTS_DIR" -name '*.trx' -type f -exec cat {} + 2>/dev/null |
        grep -o '<UnitTestResult [^>]*>' |
        grep -o ' outcome="[A-Za-z]*"' |
        sed 's/ outcome="\(.*\)"/\1/')
}

print_totals() {
    local totals="$passed passed, $failed failed"
    if ((skipped > 0)); then
        totals+=", $skipped skipped"
    fi
    echo "$totals"
}

passed=0
failed=0
skipped=0
rm -rf "$RESULTS_DIR"

if ! infra/setup.sh; then
    error "infra/setup.sh failed, so no tests ran"
    print_totals
    exit 1
fi

if ! command -v dotnet >/dev/null 2>&1; then
    error "dotnet not found. Install the .NET 10 SDK and put it on PATH."
    print_totals
    exit 1
fi

# The TRX logger gets no LogFileName on purpose. With a fixed name every test project writes the
# same file and the last one overwrites the others. Its default names are unique per project.
test_status=0
dotnet test Dcgan.Worker.sln -c Release --logger trx --results-directory "$RESULTS_DIR" ||
    test_status=$?

count_outcomes
status=0
if ((test_status != 0)); then
    error "dotnet test exited with status $test_status"
    status=1
fi
if ((failed > 0)); then
    error "$failed test(s) failed"
    status=1
fi
if ((passed + failed + skipped == 0)); then
    error "no test results found in $RESULTS_DIR. Either no test ran or the build failed before any test could run."
    status=1
fi
print_totals
exit "$status"
