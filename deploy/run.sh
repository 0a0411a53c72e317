#!/usr/bin/env bash
# Installs what is missing, builds, and starts Ponte on 127.0.0.1:8080 with
# the embedded SQLite database (./data), the bundled flows and locales and
# the web chat. No platform tokens needed. Ctrl-C stops it cleanly.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages "${RUN_PACKAGES[@]}"
build_dir build "${MAIN_BUILD_ARGS[@]}" -DPONTE_BUILD_TESTS=OFF -DPONTE_BUILD_BENCH=OFF
echo "ponte: open http://127.0.0.1:8080 (Ctrl-C to stop)" >&2
exec "$PONTE_ROOT/build/ponte" serve --config "$PONTE_ROOT/deploy/ponte.dev.json" "$@"
