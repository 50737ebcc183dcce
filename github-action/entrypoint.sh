#!/usr/bin/env bash
# DriftZero GitHub Action entrypoint. It adapts GitHub Actions to dzctl and nothing more: inputs come
# in as INPUT_* variables (set by the runner from `with:`), become dzctl flags; the credential is
# masked before anything else sees it, exported to later steps through $GITHUB_ENV, and the results
# go to $GITHUB_OUTPUT, the step summary and annotations. dz-control makes every decision.
#
# Exit codes follow dzctl: 0 ok, 1 denied, 2 usage or invalid input, 3 dz-control unavailable.
set -euo pipefail

DZCTL_JAR="${DZCTL_JAR:-/opt/driftzero/dzctl.jar}"
SUMMARY_TEMPLATE="${DZ_SUMMARY_TEMPLATE:-$(dirname "$0")/summary.md.tmpl}"

# --- GitHub Actions plumbing -------------------------------------------------------------------
# Input names contain '-', which bash cannot expand, so read them with printenv (the runner names
# them INPUT_ + the input name in upper case).
input() { printenv "INPUT_$1" || true; }

# Workflow-command data must escape %, CR and LF, or a message could end the command early.
escape() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}
annotate() { printf '::%s title=DriftZero::%s\n' "$1" "$(escape "$2")"; }
fail() { annotate error "$1"; exit "${2:-2}"; }

# A fresh random delimiter per value: a value can then never close its own heredoc-style block
# (GitHub's multi-line form for $GITHUB_OUTPUT and $GITHUB_ENV).
delimiter() { printf 'ghadelimiter_%s' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"; }
put() { # FILE NAME VALUE
  local d
  d=$(delimiter)
  printf '%s<<%s\n%s\n%s\n' "$2" "$d" "$3" "$d" >>"$1"
}

for v in GITHUB_OUTPUT GITHUB_ENV GITHUB_STEP_SUMMARY; do
  [ -n "${!v:-}" ] || fail "$v is not set: this script runs as the DriftZero action's entrypoint on a GitHub Actions runner"
done

work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/driftzero.XXXXXX")
trap 'rm -rf "$work"' EXIT
session="$work/session.json"

# dzctl's stdout (JSON) goes to $DZ_OUT, its stderr to the log and to $DZ_ERR; $DZ_RC is its exit code.
dzctl() {
  local -a opts=()
  read -ra opts <<<"${DZ_JAVA_OPTS:-}"
  set +e
  DZ_OUT=$(java "${opts[@]}" -jar "$DZCTL_JAR" "$@" 2>"$work/stderr")
  DZ_RC=$?
  set -e
  DZ_ERR=$(cat "$work/stderr")
  if [ -n "$DZ_ERR" ]; then printf '%s\n' "$DZ_ERR" >&2; fi
}

# dzctl answered with an error rather than a decision: say what failed, keep its exit code.
check_answer() { # WHAT
  if [ "$DZ_RC" -ne 0 ] && [ "$DZ_RC" -ne 1 ]; then
    fail "$1 failed (dzctl exit $DZ_RC): ${DZ_ERR:-no message}" "$DZ_RC"
  fi
  if ! jq -e 'type == "object" and has("result")' >/dev/null 2>&1 <<<"$DZ_OUT"; then
    fail "$1 gave no decision (dzctl exit $DZ_RC, output is not its JSON answer): ${DZ_ERR:-no message}" 3
  fi
}

# --- Inputs → dzctl flags ----------------------------------------------------------------------
server=$(input CONTROL-PLANE-URL)
policy=$(input POLICY)
manifest=$(input MANIFEST)
scope=$(input SCOPE)
target=$(input TARGET)
ttl=$(input TTL-SECONDS)
audience=$(input AUDIENCE)
sigstore=$(input SIGSTORE)
trusted_root=$(input TRUSTED-ROOT)
signing_config=$(input SIGNING-CONFIG)
truststore=$(input SIGSTORE-TRUSTSTORE)
key=$(input KEY)
tpm=$(input TPM)
fail_on_deny=$(input FAIL-ON-DENY)
env_var=$(input CREDENTIAL-ENV-VAR)

# Bad inputs are refused here, before anything is attested, so a typo never leaves an attestation
# (and its audit event) behind for a credential that cannot be requested.
[ -n "$manifest" ] || fail "input manifest is empty: set it to the approved manifest file, e.g. manifest: .driftzero/build-release.yaml"
[[ "$ttl" =~ ^[0-9]+$ ]] || fail "input ttl-seconds is '$ttl', not a whole number of seconds: use e.g. ttl-seconds: 900"
[[ "$env_var" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "input credential-env-var '$env_var' is not a valid environment variable name: use e.g. DZ_CREDENTIAL"
case "$fail_on_deny" in
  true | false) ;;
  *) fail "input fail-on-deny is '$fail_on_deny': use true or false" ;;
esac
if { [ -n "$scope" ] && [ -z "$target" ]; } || { [ -z "$scope" ] && [ -n "$target" ]; }; then
  fail "inputs scope and target go together: set both to request a credential, or neither to attest only"
fi

args=(attest --output json --manifest "$manifest" --session-file "$session")
if [ -n "$server" ]; then args+=(--server "$server"); fi
if [ -n "$policy" ]; then args+=(--policy "$policy"); fi
case "$sigstore" in
  off)
    if [ -n "$key" ]; then args+=(--key "$key"); fi
    ;;
  public-good | staging | custom)
    if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
      fail "sigstore: $sigstore signs with this job's OIDC token, but GitHub gave the job none (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). Fix: add 'permissions: id-token: write' to this job (with 'contents: read'). Pull requests from forks never get a token. Or sign key-based: sigstore: off with key."
    fi
    args+=(--sigstore "$sigstore" --identity github --audience "$audience")
    if [ -n "$trusted_root" ]; then args+=(--trusted-root "$trusted_root"); fi
    if [ -n "$signing_config" ]; then args+=(--signing-config "$signing_config"); fi
    if [ -n "$truststore" ]; then args+=(--sigstore-truststore "$truststore"); fi
    ;;
  *) fail "input sigstore is '$sigstore': use public-good, staging, custom or off" ;;
esac
case "$tpm" in
  "" | none) ;;
  *) args+=(--tpm "$tpm") ;;
esac

# --- Attest ------------------------------------------------------------------------------------
dzctl "${args[@]}"
check_answer "dzctl attest"
attest_json=$DZ_OUT
field() { jq -r "$2 // empty" <<<"$1"; }
result=$(field "$attest_json" .result)
attestation_id=$(field "$attest_json" .attestation_id)
audit_id=$(field "$attest_json" .audit_id)
policy_used=$(field "$attest_json" .policy)
rekor_uuid=$(field "$attest_json" .rekor_uuid)
rekor_log_index=$(field "$attest_json" .rekor_log_index)
rekor_entry=$(field "$attest_json" .rekor_entry)
reasons_json=$(jq -c '.reasons // []' <<<"$attest_json")

echo "DriftZero attestation: $result (attestation_id $attestation_id, audit_id $audit_id, policy $policy_used)"
if [ -n "$rekor_log_index$rekor_uuid" ]; then
  echo "rekor_log_index: $rekor_log_index"
  echo "rekor_uuid: $rekor_uuid"
  if [ -n "$rekor_entry" ]; then echo "rekor_entry: $rekor_entry"; fi
fi

# --- Credential --------------------------------------------------------------------------------
expires_at=""
if [ "$result" = ACCEPTED ] && [ -n "$scope" ]; then
  dzctl credentials request --scope "$scope" --target "$target" --ttl "$ttl" --session-file "$session" --output json
  check_answer "dzctl credentials request"
  token=$(field "$DZ_OUT" .credential.token)
  if [ -n "$token" ]; then
    # Masked first, in both forms a later step might print, before the value goes anywhere else.
    echo "::add-mask::$token"
    echo "::add-mask::$(printf '%s' "$token" | base64 -w0)"
  fi
  result=$(field "$DZ_OUT" .result)
  audit_id=$(field "$DZ_OUT" .audit_id)
  expires_at=$(field "$DZ_OUT" .expires_at)
  reasons_json=$(jq -c '.reasons // []' <<<"$DZ_OUT")
  DZ_OUT=""
  echo "DriftZero credential: $result (scope $scope, target $target, audit_id $audit_id)"
  if [ "$result" = ISSUED ]; then
    [ -n "$token" ] || fail "dz-control answered ISSUED without a credential (audit_id $audit_id): report this to the dz-control operator" 3
    put "$GITHUB_ENV" "$env_var" "$token"
    put "$GITHUB_ENV" "${env_var}_EXPIRES_AT" "$expires_at"
    echo "exported as \$$env_var (masked), expires $expires_at"
  fi
  token=""
fi

reasons_text=$(jq -r '.[] | "\(.code): \(.message)"' <<<"$reasons_json")
if [ -n "$reasons_text" ]; then
  echo "reasons:"
  while IFS= read -r line; do echo "  - $line"; done <<<"$reasons_text"
fi

# --- Outputs, summary, annotations ----------------------------------------------------------------
put "$GITHUB_OUTPUT" result "$result"
put "$GITHUB_OUTPUT" attestation-id "$attestation_id"
put "$GITHUB_OUTPUT" audit-id "$audit_id"
put "$GITHUB_OUTPUT" rekor-uuid "$rekor_uuid"
put "$GITHUB_OUTPUT" rekor-log-index "$rekor_log_index"
put "$GITHUB_OUTPUT" credential-expires-at "$expires_at"

# The auditor's commands: this decision in depth (with the Sigstore root when one was given), then
# the whole signed, hash-chained trail.
verify_server=${server:-${DZ_CONTROL_URL:-}}
verify_event="dzctl audit verify --server $verify_server --event $audit_id"
if [ "$sigstore" = custom ] && [ -n "$trusted_root" ]; then verify_event+=" --trusted-root $trusted_root"; fi
verify_chain="dzctl audit verify --server $verify_server"
echo "verify this decision: $verify_event"
echo "verify the audit trail: $verify_chain"

md_reasons=$(jq -r 'if length == 0 then "None: every check passed." else .[] | "- `\(.code)`: \(.message)" end' <<<"$reasons_json")
if [ -n "$rekor_log_index" ] && [ -n "$rekor_entry" ]; then
  md_index="[$rekor_log_index]($rekor_entry)"
else
  md_index=${rekor_log_index:-"not logged (sigstore: $sigstore)"}
fi
case "$result" in
  ISSUED) icon="✅"; md_credential="issued for scope \`$scope\` on \`$target\`, exported as \`\$$env_var\` (masked), expires $expires_at" ;;
  ACCEPTED) icon="✅"; md_credential="none requested (no scope/target)" ;;
  *) icon="⛔"; md_credential=$([ -n "$scope" ] && echo "refused for scope \`$scope\` on \`$target\`" || echo "none requested") ;;
esac
summary=$(cat "$SUMMARY_TEMPLATE")
render() { summary=${summary//"{{$1}}"/$2}; }
render icon "$icon"
render decision "$result"
render policy "$policy_used"
render manifest "$manifest"
render credential "$md_credential"
render ttl "$([ -n "$scope" ] && echo "$ttl s" || echo "n/a")"
render attestation_id "$attestation_id"
render audit_id "$audit_id"
render rekor_log_index "$md_index"
render rekor_uuid "${rekor_uuid:-n/a}"
render reasons "$md_reasons"
render verify_command "$verify_event"$'\n'"$verify_chain"
printf '%s\n' "$summary" >>"$GITHUB_STEP_SUMMARY"

case "$result" in
  ISSUED) annotate notice "credential ISSUED for scope '$scope' on '$target' (expires $expires_at, audit_id $audit_id); later steps read it from \$$env_var" ;;
  ACCEPTED) annotate notice "attestation ACCEPTED under $policy_used (attestation_id $attestation_id, audit_id $audit_id)" ;;
  *)
    why=$(jq -r '[.[] | "\(.code): \(.message)"] | join("; ")' <<<"$reasons_json")
    if [ "$fail_on_deny" = true ]; then
      annotate error "DENIED by dz-control (audit_id $audit_id): ${why:-no reason given}"
      exit 1
    fi
    # fail-on-deny: false means the workflow handles denial itself: warn, keep the step green.
    annotate warning "DENIED by dz-control (audit_id $audit_id), continuing because fail-on-deny is false: ${why:-no reason given}"
    ;;
esac
