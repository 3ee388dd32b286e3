#!/usr/bin/env bash
# Debian packages the slow tests need: Chromium for the browser tests (tests/browser),
# nginx in front of the app instances (tests/cluster), and bubblewrap plus the JDK and Go for
# the sandbox (tests/sandbox runs candidates' code in all four languages; python3 and node are
# already there). Called by .ci/run before `make test`; harmless when everything is installed.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ -x /usr/bin/bwrap ] || missing+=(bubblewrap)
{ [ -x /usr/bin/javac ] && [ -x /usr/bin/java ]; } || missing+=(default-jdk-headless)
[ -x /usr/bin/go ] || missing+=(golang-go)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null) \
    || echo "could not install: ${missing[*]}" >&2
fi
