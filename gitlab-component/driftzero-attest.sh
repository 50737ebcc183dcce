#!/usr/bin/env bash
# DriftZero GitLab component script. It adapts GitLab CI to dzctl and nothing more: the component's
# inputs arrive as DZ_INPUT_* job variables and become dzctl flags; the decision, reasons, Rekor
# coordinates and the audit command go to the job log (stderr) in a collapsible section; non-secret
# results go to the dotenv report; the credential goes to stdout ONLY, for the caller to capture:
#     DZ_CREDENTIAL="$(driftzero-attest.sh)"
# GitLab cannot mask a value that appears at run time, so the credential is never printed to the log.
# dz-control makes every decision. Exit codes follow dzctl: 0 ok, 1 denied, 2 usage, 3 unavailable.
set -euo pipefail

DZCTL_JAR="${DZCTL_JAR:-/opt/driftzero/dzctl.jar}"
DOTENV="${DZ_DOTENV:-driftzero.env}"

log() { printf '%s\n' "$*" >&2; }
fail() { log "ERROR: DriftZero: $1"; exit "${2:-2}"; }
section_start() { printf '\e[0Ksection_start:%s:%s[collapsed=%s]\r\e[0K%s\n' "$(date +%s)" "$1" "$2" "$3" >&2; }
section_end() { printf '\e[0Ksection_end:%s:%s\r\e[0K\n' "$(date +%s)" "$1" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/driftzero.XXXXXX")
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
  if [ -n "$DZ_ERR" ]; then log "$DZ_ERR"; fi
}

check_answer() { # WHAT
  if [ "$DZ_RC" -ne 0 ] && [ "$DZ_RC" -ne 1 ]; then
    fail "$1 failed (dzctl exit $DZ_RC): ${DZ_ERR:-no message}" "$DZ_RC"
  fi
  if ! jq -e 'type == "object" and has("result")' >/dev/null 2>&1 <<<"$DZ_OUT"; then
    fail "$1 gave no decision (dzctl exit $DZ_RC, output is not its JSON answer): ${DZ_ERR:-no message}" 3
  fi
}
field() { jq -r "$2 // empty" <<<"$1"; }

# --- Inputs → dzctl flags ----------------------------------------------------------------------
server=${DZ_INPUT_CONTROL_PLANE_URL:-}
policy=${DZ_INPUT_POLICY:-}
manifest=${DZ_INPUT_MANIFEST:-}
scope=${DZ_INPUT_SCOPE:-}
target=${DZ_INPUT_TARGET:-}
ttl=${DZ_INPUT_TTL_SECONDS:-900}
sigstore=${DZ_INPUT_SIGSTORE:-public-good}
trusted_root=${DZ_INPUT_TRUSTED_ROOT:-}
signing_config=${DZ_INPUT_SIGNING_CONFIG:-}
truststore=${DZ_INPUT_SIGSTORE_TRUSTSTORE:-}
key=${DZ_INPUT_KEY:-}
actor=${DZ_INPUT_ACTOR:-}
tpm=${DZ_INPUT_TPM:-none}
fail_on_deny=${DZ_INPUT_FAIL_ON_DENY:-true}

# Bad inputs are refused before anything is attested, so a typo leaves no audit event behind.
[ -n "$manifest" ] || fail "input manifest is empty: set it to the approved manifest file, e.g. manifest: .driftzero/build-release.yaml"
[[ "$ttl" =~ ^[0-9]+$ ]] || fail "input ttl-seconds is '$ttl', not a whole number of seconds: use e.g. ttl-seconds: 900"
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
    # Without a token, dzctl names the actor from GitLab's own variables (host/project@ref).
    if [ -n "$actor" ]; then args+=(--actor "$actor"); fi
    ;;
  public-good | custom)
    if [ -z "${SIGSTORE_ID_TOKEN:-}" ]; then
      fail "sigstore: $sigstore signs with the job's OIDC token, but SIGSTORE_ID_TOKEN is not set. Fix: the job needs 'id_tokens: { SIGSTORE_ID_TOKEN: { aud: sigstore } }' (the component declares it; keep it if you override id_tokens). On self-managed GitLab, public Fulcio does not issue certificates: use sigstore: custom (a private Sigstore instance) or sigstore: off with key."
    fi
    args+=(--sigstore "$sigstore" --identity gitlab --gitlab-token-var SIGSTORE_ID_TOKEN --audience sigstore)
    if [ -n "$trusted_root" ]; then args+=(--trusted-root "$trusted_root"); fi
    if [ -n "$signing_config" ]; then args+=(--signing-config "$signing_config"); fi
    if [ -n "$truststore" ]; then args+=(--sigstore-truststore "$truststore"); fi
    if [ -n "$actor" ]; then args+=(--actor "$actor"); fi
    ;;
  *) fail "input sigstore is '$sigstore': use public-good, custom or off" ;;
esac
case "$tpm" in
  "" | none) ;;
  *) args+=(--tpm "$tpm") ;;
esac

# --- Attest, then the credential -----------------------------------------------------------------
dzctl "${args[@]}"
check_answer "dzctl attest"
attest_json=$DZ_OUT
result=$(field "$attest_json" .result)
attestation_id=$(field "$attest_json" .attestation_id)
audit_id=$(field "$attest_json" .audit_id)
policy_used=$(field "$attest_json" .policy)
rekor_uuid=$(field "$attest_json" .rekor_uuid)
rekor_log_index=$(field "$attest_json" .rekor_log_index)
rekor_entry=$(field "$attest_json" .rekor_entry)
reasons_json=$(jq -c '.reasons // []' <<<"$attest_json")

token=""
expires_at=""
if [ "$result" = ACCEPTED ] && [ -n "$scope" ]; then
  dzctl credentials request --scope "$scope" --target "$target" --ttl "$ttl" --session-file "$session" --output json
  check_answer "dzctl credentials request"
  token=$(field "$DZ_OUT" .credential.token)
  result=$(field "$DZ_OUT" .result)
  audit_id=$(field "$DZ_OUT" .audit_id)
  expires_at=$(field "$DZ_OUT" .expires_at)
  reasons_json=$(jq -c '.reasons // []' <<<"$DZ_OUT")
  DZ_OUT=""
  if [ "$result" = ISSUED ] && [ -z "$token" ]; then
    fail "dz-control answered ISSUED without a credential (audit_id $audit_id): report this to the dz-control operator" 3
  fi
fi

# --- Report: log section, dotenv (non-secret only) -----------------------------------------------
verify_server=${server:-${DZ_CONTROL_URL:-}}
verify_event="dzctl audit verify --server $verify_server --event $audit_id"
if [ "$sigstore" = custom ] && [ -n "$trusted_root" ]; then verify_event+=" --trusted-root $trusted_root"; fi
log "DriftZero: $result (policy $policy_used, attestation $attestation_id, audit $audit_id)"
section_start driftzero_attest true "DriftZero decision details"
log "decision: $result"
log "policy: $policy_used"
log "manifest: $manifest"
log "attestation_id: $attestation_id"
log "audit_id: $audit_id"
if [ -n "$scope" ]; then log "credential: scope $scope, target $target, ttl ${ttl}s${expires_at:+, expires $expires_at}"; fi
if [ -n "$rekor_log_index$rekor_uuid" ]; then
  log "rekor_log_index: $rekor_log_index"
  log "rekor_uuid: $rekor_uuid"
  if [ -n "$rekor_entry" ]; then log "rekor_entry: $rekor_entry"; fi
else
  log "rekor: not logged (sigstore: $sigstore)"
fi
jq -r '.[] | "reason: \(.code): \(.message)"' <<<"$reasons_json" >&2
log "verify this decision: $verify_event"
log "verify the audit trail: dzctl audit verify --server $verify_server"
section_end driftzero_attest

{
  printf 'DZ_RESULT=%s\n' "$result"
  printf 'DZ_ATTESTATION_ID=%s\n' "$attestation_id"
  printf 'DZ_AUDIT_ID=%s\n' "$audit_id"
  printf 'DZ_REKOR_UUID=%s\n' "$rekor_uuid"
  printf 'DZ_REKOR_LOG_INDEX=%s\n' "$rekor_log_index"
  printf 'DZ_CREDENTIAL_EXPIRES_AT=%s\n' "$expires_at"
} >"$DOTENV"

case "$result" in
  ISSUED | ACCEPTED) ;;
  *)
    why=$(jq -r '[.[] | "\(.code): \(.message)"] | join("; ")' <<<"$reasons_json")
    if [ "$fail_on_deny" = true ]; then
      fail "DENIED by dz-control (audit_id $audit_id): ${why:-no reason given}" 1
    fi
    log "WARNING: DriftZero: DENIED by dz-control (audit_id $audit_id), continuing because fail-on-deny is false: ${why:-no reason given}"
    ;;
esac

# The one thing on stdout: captured by the job into $DZ_CREDENTIAL, never shown.
if [ -n "$token" ]; then printf '%s' "$token"; fi
