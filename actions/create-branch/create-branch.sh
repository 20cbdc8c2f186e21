#!/usr/bin/env bash
# Get-or-create a branch with a read-write endpoint, wait for its operations, output how to connect.
# Inputs (INPUT_*): api_host, api_key, project_id, branch_name, parent (name or id), parent_timestamp, role, database,
# suspend_timeout, timeout. Outputs: db_url, db_url_pooled, db_host, db_host_pooled, password, branch_id, created.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/api.sh"

p="/projects/$(urlencode "$PROJECT_ID")"
name="$(input branch_name)"
parent="$(input parent "$(input parent_branch)")"
parent_timestamp="$(input parent_timestamp)"
suspend_timeout="$(input suspend_timeout 0)"
[[ "$suspend_timeout" =~ ^-?[0-9]+$ ]] || fail "suspend_timeout must be a number of seconds: $suspend_timeout"

existing=""
if [ -n "$name" ]; then existing="$(find_branch "$name")"; fi

if [ -n "$existing" ]; then
  branch_id="$(jq -r '.id' <<<"$existing")"
  created=false
  echo "Branch $name exists ($branch_id): reusing it"
  wait_branch "$branch_id"
  endpoints="$(api GET "$p/branches/$(urlencode "$branch_id")/endpoints")"
  if [ "$(jq '[.endpoints[] | select(.type == "read_write")] | length' <<<"$endpoints")" = 0 ]; then
    echo "Branch $branch_id has no read-write endpoint: creating one"
    body="$(jq -cn --arg b "$branch_id" --argjson t "$suspend_timeout" '{endpoint: {branch_id: $b, type: "read_write", suspend_timeout_seconds: $t}}')"
    WAIT_OPERATION_IDS="$(api POST "$p/endpoints" "$body" | jq -r '[.operations[].id] | join(" ")')"
    wait_branch "$branch_id"
  fi
else
  parent_id=""
  if [ -n "$parent" ]; then
    parent_id="$(find_branch "$parent" | jq -r '.id // empty')"
    [ -n "$parent_id" ] || fail "parent branch $parent not found in project $PROJECT_ID"
  fi
  body="$(jq -cn --arg name "$name" --arg parent "$parent_id" --arg ts "$parent_timestamp" --argjson t "$suspend_timeout" '
    {branch: ({} + (if $name != "" then {name: $name} else {} end)
                 + (if $parent != "" then {parent_id: $parent} else {} end)
                 + (if $ts != "" then {parent_timestamp: $ts} else {} end)),
     endpoints: [{type: "read_write", suspend_timeout_seconds: $t}]}')"
  answer="$(api POST "$p/branches" "$body")"
  branch_id="$(jq -r '.branch.id' <<<"$answer")"
  created=true
  echo "Branch $(jq -r '.branch.name' <<<"$answer") created ($branch_id)"
  WAIT_OPERATION_IDS="$(jq -r '[.operations[].id] | join(" ")' <<<"$answer")"
  wait_branch "$branch_id"
fi

connection_outputs "$branch_id"
output branch_id "$branch_id"
output created "$created"
