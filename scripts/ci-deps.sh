#!/usr/bin/env bash
# Debian packages the slow tests need: Chromium for the browser tests (tests/browser) and
# nginx in front of the app instances (tests/cluster). Called by .ci/run before `make test`;
# harmless when everything is already installed.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null) \
    || echo "could not install: ${missing[*]}" >&2
fi
