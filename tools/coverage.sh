#!/usr/bin/env bash
# The README's test command with code coverage collected, then the merged figure checked against coverage-floor.txt.
# Usage: tools/coverage.sh [extra dotnet test arguments, e.g. --filter ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=TestResults/coverage
rm -rf "$dir"
status=0
dotnet test Tavolo.slnx --settings coverage.runsettings --collect "XPlat Code Coverage" --results-directory "$dir" "$@" || status=$?
tools/coverage-check.sh "$dir"
exit "$status"
