#!/usr/bin/env bash
# Installs the Debian packages DriftZero's tests talk to (real protocol peers, not mocks).
# Idempotent: installs only what is missing, runs `apt-get update` at most once, exits non-zero on
# failure. Add a package by adding a line to PACKAGES.
set -euo pipefail

PACKAGES=(
  swtpm        # software TPM 2.0 (io.driftzero.core.tpm tests)
  swtpm-tools  # swtpm_setup: EK provisioning for a swtpm state dir
  tpm2-tools   # tpm2_pcrread etc.: cross-checks PCR values read through TSS.Java
  postgresql   # PostgreSQL server (initdb, pg_ctl): the production store, run privately by scripts/postgres.sh
  jq           # the GitHub Action entrypoint and GitLab component script read dzctl's JSON with it
  rsync        # gitlab-ci-local's shell executor copies artifacts with it
  shellcheck   # lints the wrapper scripts (GitHub Action entrypoint, GitLab component script)
  nodejs       # npm, which installs the pinned wrapper-test tools in scripts/ci-tools
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

# Pinned npm tools for the wrapper tests (linters, gitlab-ci-local), skipped when already installed.
ci_tools() { "$(dirname "$0")/ci-tools/install.sh"; }

if [ ${#missing[@]} -eq 0 ]; then
  ci_tools
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-test-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
ci_tools
