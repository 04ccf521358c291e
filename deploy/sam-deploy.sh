#!/usr/bin/env bash
# Deploys a packaged template (from `sam package`) to one stack and writes its API URL to $GITHUB_OUTPUT (url=...).
# Used by .github/workflows/deploy.yml for the stage and for production; usable by hand with the same variables:
#   STACK (stack name), BUCKET (artifacts bucket), CFN_ROLE (the CloudFormation execution role's ARN),
#   PARAMETERS (space-separated Key=Value template parameters). No secret passes through here: the functions read
#   theirs from Secrets Manager at start-up (docs/deploy.md).
# `sam deploy` returns when CloudFormation has finished, and CloudFormation waits for every function's CodeDeploy
# canary: an alarm during a canary rolls that function back, fails the stack update and so fails this script.
# Then it runs the restaurants backfill through the restaurants function (below).
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

# The one-off restaurants backfill (docs/dynamodb.md, "restaurants"): idempotent and resumable, and a stack where it
# is done answers at once. Each call runs it for at most 20 s of the function's 29, so call until it says it is done.
function=$(aws cloudformation describe-stack-resource --stack-name "$STACK" --logical-resource-id RestaurantsFunction \
  --query StackResourceDetail.PhysicalResourceId --output text)
answer=$(mktemp)
for call in $(seq 1 100); do
  failed=$(aws lambda invoke --function-name "$function:live" --cli-binary-format raw-in-base64-out \
    --payload '{"tavolo":"backfill-restaurants"}' --query FunctionError --output text "$answer")
  if [ "$failed" != "None" ]; then
    echo "restaurants backfill failed (call $call): $(cat "$answer")" >&2
    exit 1
  fi
  echo "restaurants backfill: $(cat "$answer")"
  if grep -q '"done":true' "$answer"; then
    break
  fi
  if [ "$call" = 100 ]; then
    echo "restaurants backfill not done after 100 calls; run this script again to resume it" >&2
    exit 1
  fi
done
rm -f "$answer"

url=$(aws cloudformation describe-stacks --stack-name "$STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue" --output text)
echo "deployed $STACK: $url"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "url=$url" >> "$GITHUB_OUTPUT"
fi
