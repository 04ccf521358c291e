#!/usr/bin/env bash
# Deploys a packaged template (from `sam package`) to one stack and writes its API URL to $GITHUB_OUTPUT (url=...).
# Used by .github/workflows/deploy.yml for the stage and for production; usable by hand with the same variables:
#   STACK (stack name), BUCKET (artifacts bucket), CFN_ROLE (the CloudFormation execution role's ARN),
#   PARAMETERS (space-separated Key=Value template parameters). No secret passes through here: the functions read
#   theirs from Secrets Manager at start-up (docs/deploy.md).
# `sam deploy` returns when CloudFormation has finished, and CloudFormation waits for every function's CodeDeploy
# canary: an alarm during a canary rolls that function back, fails the stack update and so fails this script.
set -euo pipefail
template=${1:?usage: deploy/sam-deploy.sh PACKAGED_TEMPLATE}
: "${STACK:?}" "${BUCKET:?}" "${CFN_ROLE:?}"
read -r -a parameters <<< "${PARAMETERS:-}"
overrides=()
if [ ${#parameters[@]} -gt 0 ]; then
  overrides=(--parameter-overrides "${parameters[@]}")
fi

sam deploy --template-file "$template" --stack-name "$STACK" --s3-bucket "$BUCKET" --s3-prefix "tavolo/$STACK" \
  --role-arn "$CFN_ROLE" --capabilities CAPABILITY_IAM --no-confirm-changeset --no-fail-on-empty-changeset \
  --tags "app=tavolo" "stack=$STACK" "${overrides[@]}"

url=$(aws cloudformation describe-stacks --stack-name "$STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text)
echo "deployed $STACK: $url"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "url=$url" >> "$GITHUB_OUTPUT"
fi
