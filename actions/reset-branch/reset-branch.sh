#!/usr/bin/env bash
# Reset a branch (name or id) to the latest state of its parent — or of input parent (name or id), at input
# parent_timestamp when given — keeping its id, endpoints and connection strings; wait for the operations.
# Inputs (INPUT_*): api_host, api_key, project_id, branch_name (or branch), parent, parent_timestamp,
# preserve_under_name, role, database, timeout.
# Outputs: branch_id, db_url, db_url_pooled, db_host, db_host_pooled, password.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/api.sh"

p="/projects/$(urlencode "$PROJECT_ID")"
name="$(input branch_name "$(input branch)")"
[ -n "$name" ] || fail "input branch_name is required"
target="$(find_branch "$name")"
[ -n "$target" ] || fail "branch $name not found in project $PROJECT_ID"
branch_id="$(jq -r '.id' <<<"$target")"
parent="$(input parent)"
if [ -n "$parent" ] && [ "$parent" != true ]; then
  source_id="$(find_branch "$parent" | jq -r '.id // empty')"
  [ -n "$source_id" ] || fail "parent branch $parent not found in project $PROJECT_ID"
else
  source_id="$(jq -r '.parent_id // empty' <<<"$target")"
  [ -n "$source_id" ] || fail "branch $name has no parent to reset to"
fi
body="$(jq -cn --arg s "$source_id" --arg ts "$(input parent_timestamp)" --arg keep "$(input preserve_under_name)" '
  {source_branch_id: $s} + (if $ts != "" then {source_timestamp: $ts} else {} end)
                         + (if $keep != "" then {preserve_under_name: $keep} else {} end)')"
wait_branch "$branch_id"
WAIT_OPERATION_IDS="$(api POST "$p/branches/$(urlencode "$branch_id")/restore" "$body" | jq -r '[.operations[].id] | join(" ")')"
wait_branch "$branch_id"
echo "Branch $name ($branch_id) reset to $source_id"
output branch_id "$branch_id"
connection_outputs "$branch_id"
