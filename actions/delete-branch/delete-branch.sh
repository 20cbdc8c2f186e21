#!/usr/bin/env bash
# Delete a branch (name or id) and wait until it is gone. A branch that does not exist is not an error (the pull
# request's branch may never have been created): output deleted=false.
# Inputs (INPUT_*): api_host, api_key, project_id, branch_name (or branch), timeout. Outputs: branch_id, deleted.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/api.sh"

p="/projects/$(urlencode "$PROJECT_ID")"
name="$(input branch_name "$(input branch)")"
[ -n "$name" ] || fail "input branch_name is required"
existing="$(find_branch "$name")"
if [ -z "$existing" ]; then
  echo "Branch $name does not exist: nothing to delete"
  output branch_id ""
  output deleted false
  exit 0
fi
branch_id="$(jq -r '.id' <<<"$existing")"
wait_branch "$branch_id"
WAIT_OPERATION_IDS="$(api DELETE "$p/branches/$(urlencode "$branch_id")" | jq -r '[.operations[].id] | join(" ")')"
wait_branch "$branch_id"
API_ALLOW=404 api GET "$p/branches/$(urlencode "$branch_id")" >/dev/null
echo "Branch $name ($branch_id) deleted"
output branch_id "$branch_id"
output deleted true
