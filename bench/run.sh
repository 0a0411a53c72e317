#!/usr/bin/env bash
# The webhook benchmark, one command. Builds Release (build-release/), then
# on 127.0.0.1 drives, with the same load generator and dialogue:
#   (a) ponte-bare-server: Beast keep-alive + the same authentication and
#       JSON parse, answering 200 and doing nothing else (the ceiling), and
#   (b) ponte, with fake Telegram and WhatsApp APIs in the load generator,
#   (c) the load generator's own echo bot (--self-test): stores nothing,
#       sends each step's replies to the same fake Telegram API; the most
#       any bot sending these replies can reach while the fakes share the
#       machine,
# at 16, 64 and 256 connections, and prints for each: updates/s, webhook
# latency p50/p99/p99.9, replies delivered vs expected, peak RSS, and
# Ponte's throughput as a share of the bare server's. See bench/README.md.
#
#   bench/run.sh                      compare (the default)
#   bench/run.sh ponte                Ponte alone at the same connection counts
#   bench/run.sh hold [--chats N]     N conversations (default 100000) left
#                                     waiting at a question; Ponte's RSS after
#   bench/run.sh flood                64 connections of chats plus one sender
#                                     posting 300 updates/s
#   bench/run.sh idle                 12000 idle connections held open, plus
#                                     the chats at 64 connections
# Extra arguments go to every ponte-loadgen run (e.g. --chats 2000,
# --channels telegram, --dialogue FILE). Environment:
#   PONTE_BENCH_CONNECTIONS="16 64"   connection counts of compare
#   PONTE_BENCH_BUILD_DIR=build       use that build directory as it is
#   PONTE_BENCH_PERF=FILE             record Ponte with perf (call graphs) into FILE
#   PONTE_BENCH_PERF_FREQ=1999        its sampling frequency (default 299)
#   PONTE_BENCH_SYNCHRONOUS=normal    storage.synchronous for Ponte (default full)
#   PONTE_BENCH_LOG_LEVEL=warn        Ponte's log_level (default info)
#   PONTE_BENCH_THREADS=1             Ponte's I/O threads (default 0: one per core)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=compare
case "${1:-}" in compare | ponte | hold | flood | idle) mode=$1; shift ;; esac
connections=${PONTE_BENCH_CONNECTIONS:-16 64 256}

if [ -n "${PONTE_BENCH_BUILD_DIR:-}" ]; then
  build=$(cd "$PONTE_BENCH_BUILD_DIR" && pwd)
else
  build="$repo/build-release"
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPONTE_BUILD_TESTS=ON >/dev/null
  fi
fi
cmake --build "$build" -j2 --target ponte ponte-loadgen ponte-bare-server >/dev/null

loadgen="$build/ponte-loadgen"
free_port() { "$loadgen" --print-free-port; }
server_port=$(free_port)
tg_port=$(free_port)
wa_port=$(free_port)
mapfile -t dirs < <("$loadgen" --print-dirs "$@")

tmp=$(mktemp -d /tmp/ponte-bench-XXXXXX)
server_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

secrets=(--secret bench-secret --token 123:bench --app-secret bench-app-secret
  --wa-phone-id 106540352242922 --wa-token bench-wa-token
  --fake-port "$tg_port" --wa-fake-port "$wa_port")

write_config() {
  mkdir -p "$tmp/data"
  # Per-recipient send limits are raised: simulated people answer at once,
  # and the fakes take any rate. Everything else is Ponte's default.
  cat >"$tmp/config.json" <<JSON
{"listen": "127.0.0.1:$server_port",
 "data_dir": "$tmp/data",
 "flows_dir": "${dirs[0]}",
 "locales_dir": "${dirs[1]}",
 "telegram": {"token": "123:bench", "secret_token": "bench-secret",
              "api_base": "http://127.0.0.1:$tg_port"},
 "whatsapp": {"phone_number_id": "106540352242922", "access_token": "bench-wa-token",
              "app_secret": "bench-app-secret", "verify_token": "bench-verify",
              "api_base": "http://127.0.0.1:$wa_port"},
 "log_level": "${PONTE_BENCH_LOG_LEVEL:-info}",
 "threads": ${PONTE_BENCH_THREADS:-0},
 "storage": {"synchronous": "${PONTE_BENCH_SYNCHRONOUS:-full}"},
 "outbox": {"telegram_global_per_s": 1000000, "telegram_chat_per_min": 600000,
            "telegram_chat_burst": 100, "whatsapp_global_per_s": 1000000,
            "whatsapp_user_per_min": 600000, "whatsapp_user_burst": 100}}
JSON
}

wait_healthy() {
  for _ in $(seq 1 300); do # up to 30 s
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$server_port/healthz" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "run.sh: $1 did not become healthy on 127.0.0.1:$server_port; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
}

start_bare() {
  "$build/ponte-bare-server" --listen "127.0.0.1:$server_port" --threads 2 \
    --secret bench-secret --app-secret bench-app-secret >"$tmp/server.log" 2>&1 &
  server_pid=$!
  wait_healthy ponte-bare-server
}

start_ponte() {
  rm -rf "$tmp/data"
  write_config
  # shellcheck disable=SC2086  # PONTE_BENCH_ENV: NAME=value words for experiments
  env ${PONTE_BENCH_ENV:-} "$build/ponte" serve --config "$tmp/config.json" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  wait_healthy ponte
  if [ -n "${PONTE_BENCH_PERF:-}" ]; then
    # Samples Ponte's stacks until it stops (perf report -i "$PONTE_BENCH_PERF").
    perf record -F "${PONTE_BENCH_PERF_FREQ:-299}" --call-graph dwarf,16384 -p "$server_pid" -o "$PONTE_BENCH_PERF" >/dev/null 2>&1 &
  fi
}

# Stops the server; fails the run if it does not exit 0 on SIGTERM.
stop_server() {
  kill -TERM "$server_pid"
  set +e
  wait "$server_pid"
  local rc=$?
  set -e
  server_pid=""
  if [ "$rc" -ne 0 ]; then
    echo "run.sh: $1 exited with $rc after SIGTERM" >&2
    status=1
  fi
}

kib() { awk -v k="$1" '/^'"$1"':/ {print $2}' "/proc/$server_pid/status"; }
reset_peak() { echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || true; }

# loadgen_run NAME OUTFILE loadgen-args...: one loadgen run, its report kept in
# OUTFILE; sets $rc to its exit status and the RESULT fields to $fields.
run_id=0
loadgen_run() {
  local name=$1 out=$2
  shift 2
  echo
  echo "### $name"
  set +e
  # Defaults sized for this 2-core machine; arguments given to run.sh win.
  "$loadgen" "${secrets[@]}" --chats 3000 --duration-s 60 \
    --first-update-id $((700000001 + run_id * 10000000)) \
    --first-chat-id $((100000001 + run_id * 10000000)) "$@" | tee "$out"
  rc=${PIPESTATUS[0]}
  set -e
  run_id=$((run_id + 1))
  [ "$rc" -eq 0 ] || status=1
  fields=$(grep '^RESULT' "$out" | sed 's/^RESULT //' || echo 'RESULT missing')
}

# run NAME OUTFILE loadgen-args...: one loadgen run against the running
# server; appends "NAME <RESULT fields> peak_rss_mib=M exit=RC" to $results.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
run() {
  local name=$1 out=$2
  shift 2
  reset_peak
  local ticks_before
  ticks_before=$(cpu_ticks)
  loadgen_run "$name" "$out" --target "127.0.0.1:$server_port" "$@"
  local hwm rss cpu_ms acked per_update
  hwm=$(kib VmHWM)
  rss=$(kib VmRSS)
  # CPU the server used during the run (user + system, all threads,
  # replies drained included): per update, it does not depend on how busy
  # the machine is with other work the way updates/s does.
  cpu_ms=$(( ($(cpu_ticks) - ticks_before) * 1000 / $(getconf CLK_TCK) ))
  acked=$(sed -n 's/^updates sent .* \([0-9]*\) acknowledged.*/\1/p' "$out")
  per_update=$(awk -v c="$cpu_ms" -v n="${acked:-0}" 'BEGIN { if (n > 0) printf "%.0f", 1000 * c / n; else print "-" }')
  echo "server peak RSS   $((hwm / 1024)) MiB (now $((rss / 1024)) MiB)"
  echo "server CPU        $cpu_ms ms, $per_update us per update"
  results+=("$name $fields peak_rss_mib=$((hwm / 1024)) rss_mib=$((rss / 1024)) cpu_us_per_update=$per_update exit=$rc")
}

# run_echo NAME OUTFILE loadgen-args...: the load generator against its
# own echo bot; appends "NAME <RESULT fields> exit=RC" to $results.
run_echo() {
  local name=$1 out=$2
  shift 2
  loadgen_run "$name" "$out" --self-test "$@"
  results+=("$name $fields exit=$rc")
}

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

status=0
results=()
case "$mode" in
  compare)
    start_bare
    for c in $connections; do run "bare c=$c" "$tmp/bare-$c.txt" --connections "$c" --no-replies "$@"; done
    stop_server ponte-bare-server
    start_ponte
    for c in $connections; do run "ponte c=$c" "$tmp/ponte-$c.txt" --connections "$c" "$@"; done
    stop_server ponte
    for c in $connections; do run_echo "echo c=$c" "$tmp/echo-$c.txt" --connections "$c" "$@"; done
    echo
    echo "### summary (updates/s; webhook latency ms; replies delivered/expected; peak RSS MiB)"
    echo "### echo/s: the load generator's echo bot, the ceiling with the fakes on this machine"
    printf '%-6s | %-9s %-7s %-7s %-7s %-5s | %-9s %-7s %-7s %-7s %-15s %-5s | %-10s | %-9s %-9s\n' \
      conns bare/s p50 p99 p99.9 RSS ponte/s p50 p99 p99.9 replies RSS "ponte/bare" echo/s "echo/bare"
    pct() { awk -v p="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * p / b; else print "-" }'; }
    n=0
    k=$(wc -w <<<"$connections")
    for c in $connections; do
      b=${results[$n]}
      p=${results[$((n + k))]}
      e=${results[$((n + 2 * k))]}
      bu=$(field updates_per_s "$b")
      pu=$(field updates_per_s "$p")
      eu=$(field updates_per_s "$e")
      printf '%-6s | %-9s %-7s %-7s %-7s %-5s | %-9s %-7s %-7s %-7s %-15s %-5s | %-10s | %-9s %-9s\n' \
        "$c" "$bu" "$(field p50_ms "$b")" "$(field p99_ms "$b")" "$(field p999_ms "$b")" \
        "$(field peak_rss_mib "$b")" \
        "$pu" "$(field p50_ms "$p")" "$(field p99_ms "$p")" "$(field p999_ms "$p")" \
        "$(field delivered "$p")/$(field expected "$p")" "$(field peak_rss_mib "$p")" \
        "$(pct "$pu" "$bu")" "$eu" "$(pct "$eu" "$bu")"
      n=$((n + 1))
    done
    ;;
  ponte)
    start_ponte
    for c in $connections; do run "ponte c=$c" "$tmp/ponte-$c.txt" --connections "$c" "$@"; done
    stop_server ponte
    ;;
  hold)
    start_ponte
    run "ponte hold" "$tmp/hold.txt" --hold --chats 100000 --connections 64 \
      --duration-s 900 --drain-s 300 "$@"
    sessions=$(sqlite3 "$tmp/data/ponte.db" "select count(*) from sessions")
    echo "sessions in the database: $sessions"
    echo "ponte RSS after: VmRSS $(kib VmRSS) KiB, VmHWM $(kib VmHWM) KiB, open fds $(find /proc/"$server_pid"/fd -mindepth 1 | wc -l)"
    stop_server ponte
    ;;
  flood)
    start_ponte
    run "ponte no flood" "$tmp/calm.txt" --connections 64 "$@"
    run "ponte flood" "$tmp/flood.txt" --connections 64 --flood-per-s 300 "$@"
    stop_server ponte
    ;;
  idle)
    start_ponte
    run "ponte idle" "$tmp/idle.txt" --connections 64 --idle-connections 12000 "$@"
    echo "ponte open fds after: $(find /proc/"$server_pid"/fd -mindepth 1 | wc -l)"
    stop_server ponte
    ;;
esac

echo
echo "### results"
printf '%s\n' "${results[@]}"
exit "$status"
