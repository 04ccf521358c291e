#!/usr/bin/env bash
# Merges the Cobertura reports under DIR (one per test project, from `dotnet test --collect "XPlat Code Coverage"`),
# prints the app's line coverage and fails when it is under the floor in coverage-floor.txt.
# Usage: tools/coverage-check.sh [DIR]   (default TestResults/coverage)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-TestResults/coverage}
floor=$(tr -d '[:space:]' < coverage-floor.txt)

shopt -s globstar nullglob
reports=("$dir"/**/coverage.cobertura.xml)
if [ ${#reports[@]} -eq 0 ]; then
  echo "coverage: no coverage.cobertura.xml under $dir" >&2
  exit 1
fi

dotnet tool restore >/dev/null
# One report per test project; ReportGenerator merges them line by line (a line is covered if any project covered it).
dotnet tool run reportgenerator "-reports:$(IFS=';'; echo "${reports[*]}")" "-targetdir:$dir/report" \
  "-reporttypes:TextSummary;Cobertura" -verbosity:Warning >/dev/null

summary="$dir/report/Summary.txt"
line=$(grep -m1 -E '^ *Line coverage:' "$summary" | grep -oE '[0-9]+(\.[0-9]+)?')
covered=$(grep -m1 -E '^ *Covered lines:' "$summary" | grep -oE '[0-9]+')
coverable=$(grep -m1 -E '^ *Coverable lines:' "$summary" | grep -oE '[0-9]+')
echo "coverage: line ${line}% (${covered} of ${coverable} lines, ${#reports[@]} reports merged), floor ${floor}%"
if awk -v line="$line" -v floor="$floor" 'BEGIN { exit !(line + 0 < floor + 0) }'; then
  echo "coverage: ${line}% is under the floor of ${floor}% (coverage-floor.txt)" >&2
  exit 1
fi
