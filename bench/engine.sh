#!/usr/bin/env bash
# Engine benchmarks in a Release build: one step at a choice node, a
# free-text search among 500 answers, a reload of 200 flows x 5 languages.
# Prints Google Benchmark's medians. Extra arguments go to the benchmark
# binary (e.g. --benchmark_filter=search). PONTE_BENCH_BUILD_DIR as in run.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"
ensure_packages "${RUN_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
build="${PONTE_BENCH_BUILD_DIR:-$PONTE_ROOT/build-release}"
if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$PONTE_ROOT" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DPONTE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target ponte-engine-bench
"$build/ponte-engine-bench" --benchmark_report_aggregates_only=true "$@" | grep -v '_mean\|_stddev\|_cv'
