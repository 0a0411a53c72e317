#!/usr/bin/env bash
# Runs every tests/browser/*.test.mjs against a built ponte binary:
#   tests/browser/run.sh [path/to/ponte]
# Installs playwright-core from package-lock.json on first use (npm ci); the
# browser is Debian's chromium, never a downloaded one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PONTE_BIN="$(realpath "${1:-$here/../../build/ponte}")"
cd "$here"
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.ponte-lock; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.ponte-lock
fi
exec node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
