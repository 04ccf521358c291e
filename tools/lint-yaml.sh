#!/usr/bin/env bash
# Lints the GitHub Actions workflows, the SAM template and the OIDC role template with yamllint (.yamllint).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v yamllint >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends yamllint
fi
yamllint --strict .yamllint .github/workflows deploy/*.yaml
echo "yamllint: $(ls .github/workflows/*.yml deploy/*.yaml | wc -l) files clean"
