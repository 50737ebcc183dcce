#!/usr/bin/env bash
# Installs what the tests need, idempotently: Debian packages only when missing.
set -euo pipefail
# jq and rsync: the GitHub Action entrypoint and GitLab component script read dzctl's JSON with jq;
# gitlab-ci-local's shell executor copies artifacts with rsync. nodejs brings the npm that installs scripts/ci-tools.
PACKAGES=(${DZ_TEST_PACKAGES:-} jq rsync nodejs)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Pinned npm tools for the wrapper tests (linters, gitlab-ci-local), skipped when already installed.
"$(dirname "$0")/ci-tools/install.sh"
