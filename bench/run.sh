#!/usr/bin/env bash
# Foundation benchmark: builds Release, starts the real `ponte` against the
# load generator's in-process fake Telegram API, and drives the Telegram
# webhook with 16, 64 and 256 keep-alive connections. Everything stays on
# 127.0.0.1. Extra arguments go to every ponte-loadgen run, e.g.
#   bench/run.sh --chats 1000
# PONTE_BENCH_CONNECTIONS="16 64" overrides the connection counts;
# PONTE_BENCH_BUILD_DIR=build uses an already configured build directory
# instead of configuring build-release/ (numbers then depend on its build type).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
connections=${PONTE_BENCH_CONNECTIONS:-16 64 256}

if [ -n "${PONTE_BENCH_BUILD_DIR:-}" ]; then
  build=$(cd "$PONTE_BENCH_BUILD_DIR" && pwd)
else
  build="$repo/build-release"
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPONTE_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$build" --target ponte ponte-loadgen

loadgen="$build/ponte-loadgen"
ponte_port=$("$loadgen" --print-free-port)
fake_port=$("$loadgen" --print-free-port)
while [ "$fake_port" = "$ponte_port" ]; do fake_port=$("$loadgen" --print-free-port); done

tmp=$(mktemp -d /tmp/ponte-bench-XXXXXX)
ponte_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$ponte_pid" ] && kill -0 "$ponte_pid" 2>/dev/null; then kill -KILL "$ponte_pid"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/data"
cat >"$tmp/config.json" <<EOF
{"listen": "127.0.0.1:$ponte_port",
 "data_dir": "$tmp/data",
 "flows_dir": "$repo/flows",
 "locales_dir": "$repo/locales",
 "telegram": {"token": "123:bench", "secret_token": "bench-secret",
              "api_base": "http://127.0.0.1:$fake_port"}}
EOF

"$build/ponte" serve --config "$tmp/config.json" >"$tmp/ponte.log" 2>&1 &
ponte_pid=$!

healthy=""
for _ in $(seq 1 300); do  # up to 30 s
  if ! kill -0 "$ponte_pid" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$ponte_port/healthz" 2>/dev/null; then
    healthy=yes
    break
  fi
  sleep 0.1
done
if [ -z "$healthy" ]; then
  echo "run.sh: ponte did not become healthy on 127.0.0.1:$ponte_port; its log:" >&2
  cat "$tmp/ponte.log" >&2
  exit 1
fi
echo "ponte pid $ponte_pid on 127.0.0.1:$ponte_port, fake Telegram API on 127.0.0.1:$fake_port"

results=()
status=0
run=0
for c in $connections; do
  echo
  echo "### $c connections"
  # Each run gets its own chats and update ids, so replies still draining
  # from an earlier run are not counted in a later one.
  set +e
  "$loadgen" --target "127.0.0.1:$ponte_port" --secret bench-secret --token 123:bench \
    --fake-port "$fake_port" --connections "$c" \
    --first-update-id $((700000001 + run * 100000000)) \
    --first-chat-id $((100000001 + run * 100000000)) "$@" | tee "$tmp/run-$c.txt"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || status=1
  results+=("connections=$c $(grep '^RESULT' "$tmp/run-$c.txt" || echo 'RESULT missing') exit=$rc")
  run=$((run + 1))
done

kill -TERM "$ponte_pid"
set +e
wait "$ponte_pid"
ponte_rc=$?
set -e
ponte_pid=""
[ "$ponte_rc" -eq 0 ] || { echo "run.sh: ponte exited with $ponte_rc after SIGTERM" >&2; status=1; }

echo
echo "### summary"
printf '%s\n' "${results[@]}"
echo "ponte exit after SIGTERM: $ponte_rc"
exit "$status"
