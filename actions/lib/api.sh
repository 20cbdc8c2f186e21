#!/usr/bin/env bash
# Shared by the create-branch, delete-branch and reset-branch actions: inputs, REST API v2 calls with curl + jq,
# waiting for operations, and the step's outputs. Sourced, never run. Inputs come as the runner passes them to a
# JavaScript action: INPUT_<NAME> (upper case); each action.yml maps its inputs onto those variables.
set -euo pipefail

for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "::error::$tool is needed on the runner"; exit 1; }
done

# input NAME [DEFAULT]: the value of input NAME (INPUT_NAME), trimmed, or DEFAULT.
input() {
  local var value
  var="INPUT_$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')"
  value="${!var-}"
  value="${value#"${value%%[![:space:]]*}"}"
  value="${value%"${value##*[![:space:]]}"}"
  printf '%s' "${value:-${2-}}"
}

fail() { echo "::error::$*" >&2; exit 1; }

# output NAME VALUE: one line of the step's outputs (GITHUB_OUTPUT); printed when there is no such file.
output() {
  if [ -n "${GITHUB_OUTPUT-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; else printf '%s=%s\n' "$1" "$2"; fi
}

XENON_API_KEY_INPUT="$(input api_key)"
[ -n "$XENON_API_KEY_INPUT" ] || fail "input api_key is required"
echo "::add-mask::$XENON_API_KEY_INPUT"
API_HOST="$(input api_host "https://console.neon.tech/api/v2")"
API_HOST="${API_HOST%/}"
case "$API_HOST" in */api/v2) ;; *) API_HOST="$API_HOST/api/v2" ;; esac
PROJECT_ID="$(input project_id)"
[ -n "$PROJECT_ID" ] || fail "input project_id is required"

# The key goes to curl in a header file, not on its command line (where ps would show it).
API_TMP="$(mktemp -d)"
trap 'rm -rf "$API_TMP"' EXIT
( umask 077; printf 'Authorization: Bearer %s\n' "$XENON_API_KEY_INPUT" >"$API_TMP/auth" )

urlencode() { jq -rn --arg v "$1" '$v|@uri'; }

# api METHOD PATH [JSON]: the answer's body on stdout; API_STATUS holds the HTTP status. 423 (an operation on the
# branch is running) is retried for up to 2 minutes; any other non-2xx fails the step unless API_ALLOW (a list of
# statuses, e.g. "404") allows it.
api() {
  local method="$1" path="$2" body="${3-}" status deadline=$((SECONDS + 120))
  while true; do
    local args=(-sS -o "$API_TMP/body" -w '%{http_code}' -X "$method" -H "@$API_TMP/auth"
      -H 'Accept: application/json' -H 'User-Agent: xenon-actions' --connect-timeout 10 --max-time 120)
    if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
    status="$(curl "${args[@]}" "$API_HOST$path")" || fail "$method $path: cannot reach $API_HOST"
    API_STATUS="$status"
    if [ "$status" = 423 ] && [ "$SECONDS" -lt "$deadline" ]; then sleep 2; continue; fi
    if [ "${status:0:1}" = 2 ] || [[ " ${API_ALLOW-} " == *" $status "* ]]; then
      cat "$API_TMP/body"
      return 0
    fi
    fail "$method $path: HTTP $status: $(jq -r '(.code // "") + " " + (.message // "")' "$API_TMP/body" 2>/dev/null || cat "$API_TMP/body")"
  done
}

# find_branch NAME_OR_ID: the branch's JSON (empty when none), looked up with the list's search, as Neon's actions.
find_branch() {
  local answer
  answer="$(api GET "/projects/$(urlencode "$PROJECT_ID")/branches?search=$(urlencode "$1")")"
  jq -c --arg b "$1" '[.branches[] | select(.id == $b)] + [.branches[] | select(.name == $b)] | .[0] // empty' <<<"$answer"
}

# wait_branch BRANCH_ID: until no operation of the branch (nor any in WAIT_OPERATION_IDS) is scheduling, running or
# failed (retried); one of WAIT_OPERATION_IDS that ended otherwise than finished fails the step. Bounded by input timeout (seconds, default 600).
wait_branch() {
  local branch="$1" deadline=$((SECONDS + $(input timeout 600))) ops pending errors
  while true; do
    ops="$(api GET "/projects/$(urlencode "$PROJECT_ID")/operations")"
    pending="$(jq -r --arg b "$branch" --arg ids "${WAIT_OPERATION_IDS-}" '($ids | split(" ")) as $w
      | [.operations[] | select((.branch_id == $b or (.id as $i | $w | index($i)))
                               and (.status == "scheduling" or .status == "running" or .status == "failed"))]
      | length' <<<"$ops")"
    [ "$pending" = 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || fail "operations of branch $branch still running after $(input timeout 600) s"
    sleep 1
  done
  if [ -n "${WAIT_OPERATION_IDS-}" ]; then
    errors="$(jq -r --arg ids "$WAIT_OPERATION_IDS" '($ids | split(" ")) as $w | [.operations[] | select((.id as $i | $w | index($i)) and .status != "finished")] | map(.action + " " + .status + ": " + (.error // "")) | join("; ")' <<<"$ops")"
    [ -z "$errors" ] || fail "operations of branch $branch did not finish: $errors"
  fi
}

# connection_outputs BRANCH_ID: db_url, db_url_pooled, db_host, db_host_pooled, password (masked) of input role
# (default: the owner of input database) on input database (default neondb).
connection_outputs() {
  local branch="$1" database role password uri uri_pooled p="/projects/$(urlencode "$PROJECT_ID")"
  database="$(input database neondb)"
  role="$(input role)"
  if [ -z "$role" ]; then
    role="$(api GET "$p/branches/$(urlencode "$branch")/databases/$(urlencode "$database")" | jq -r '.database.owner_name')"
  fi
  password="$(api GET "$p/branches/$(urlencode "$branch")/roles/$(urlencode "$role")/reveal_password" | jq -r '.password')"
  [ -n "$password" ] && echo "::add-mask::$password"
  uri="$(api GET "$p/connection_uri?branch_id=$(urlencode "$branch")&database_name=$(urlencode "$database")&role_name=$(urlencode "$role")&pooled=false" | jq -r '.uri')"
  uri_pooled="$(api GET "$p/connection_uri?branch_id=$(urlencode "$branch")&database_name=$(urlencode "$database")&role_name=$(urlencode "$role")&pooled=true" | jq -r '.uri')"
  output db_url "$uri"
  output db_url_pooled "$uri_pooled"
  output db_host "$(uri_host "$uri")"
  output db_host_pooled "$(uri_host "$uri_pooled")"
  output password "$password"
}

# uri_host URI: host[:port] of a postgresql:// URI.
uri_host() {
  local rest="${1#*://}"
  rest="${rest#*@}"
  rest="${rest%%/*}"
  printf '%s' "${rest%%\?*}"
}
