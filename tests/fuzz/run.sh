#!/usr/bin/env bash
# Fuzzes every target of a PONTE_BUILD_FUZZ build for a bounded time, as many
# at once as there are cores: tests/fuzz/run.sh [BUILD_DIR] [SECONDS]
# (defaults build-asan, 30). Each starts from its seed corpus in
# tests/fuzz/corpus/<target>/ (read only: new inputs go to
# BUILD_DIR/fuzz/work/<target>/). A crash, leak, undefined behaviour, an
# input slower than 10 s or a process over 2 GB fails the run; the input that
# did it is saved in BUILD_DIR/fuzz/work/<target>/ and named in the output.
# Replay one: BUILD_DIR/fuzz/fuzz_<target> <file>. Every finding becomes a
# regression test with that input and gets fixed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:-$root/build-asan}" && pwd)"
seconds="${2:-30}"
jobs="$(nproc)"
work="$build/fuzz/work"

targets=()
for bin in "$build"/fuzz/fuzz_*; do targets+=("$(basename "$bin" | sed 's/^fuzz_//')"); done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no targets in $build/fuzz (configure with -DPONTE_BUILD_FUZZ=ON)" >&2
  exit 1
fi

fuzz_one() {
  local name="$1" dir="$work/$1"
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  # detect_leaks: LSan checks each input that allocated more than it freed.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "$root/tests/fuzz/corpus/$name" \
    >"$dir/log" 2>&1
}

failed=()
running=()
names=()
for name in "${targets[@]}"; do
  fuzz_one "$name" &
  running+=($!)
  names+=("$name")
  if [ ${#running[@]} -ge "$jobs" ]; then
    if ! wait "${running[0]}"; then failed+=("${names[0]}"); fi
    running=("${running[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!running[@]}"; do
  if ! wait "${running[$i]}"; then failed+=("${names[$i]}"); fi
done

for name in "${targets[@]}"; do
  log="$work/$name/log"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)"
  echo "fuzz $name: ${runs:-?} runs in ${seconds} s, ${cov:-cov: ?}"
done
if [ ${#failed[@]} -gt 0 ]; then
  for name in "${failed[@]}"; do
    echo "== fuzz $name FAILED; last lines of $work/$name/log:"
    tail -n 60 "$work/$name/log"
    ls "$work/$name"/crash-* "$work/$name"/leak-* "$work/$name"/timeout-* "$work/$name"/oom-* 2>/dev/null || true
  done
  exit 1
fi
