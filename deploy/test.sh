#!/usr/bin/env bash
# Installs what is missing, then checks everything CI checks: formatting, the
# help line built exactly as deploy/run.sh builds it (gcc, -Werror), the
# bundled flows, the browser tests against that binary, the full test suite
# under AddressSanitizer + UndefinedBehaviorSanitizer (clang, -Werror), the
# fuzz targets for a bounded time, and the full suite under ThreadSanitizer.
#
# Three compilations of everything would not fit CI's budget on 2 cores, so
# the test code is compiled twice (ASan and TSan trees), not three times: the
# gcc tree builds what people run, and every test runs in both sanitizer trees.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
cd "$PONTE_ROOT"
started=$SECONDS
# phase NAME: prints how long the previous phase took, then "== NAME".
phase() {
  [ -n "${phase_name:-}" ] && echo "ponte: $phase_name: $((SECONDS - phase_started)) s"
  phase_name="$1"
  phase_started=$SECONDS
  if [ -n "$1" ]; then echo "== $1"; fi
}

phase "clang-format"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

phase "build the help line (gcc, RelWithDebInfo, -Werror; as deploy/run.sh)"
build_dir build "${MAIN_BUILD_ARGS[@]}" -DPONTE_BUILD_TESTS=OFF -DPONTE_BUILD_BENCH=OFF

phase "bundled flows"
build/ponte flows check --config deploy/ponte.dev.json
build/ponte flows test --config deploy/ponte.dev.json

phase "browser tests (headless chromium)"
tests/browser/run.sh build/ponte

# Sanitizers: clang (libFuzzer, and TSan that knows coroutines), warnings
# still errors. One ASan + UBSan tree serves the suite and the fuzz targets.
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14 TSAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
SANITIZE_ARGS=(-DCMAKE_CXX_COMPILER=clang++ -DPONTE_WERROR=ON -DPONTE_BUILD_TESTS=ON -DPONTE_BUILD_BENCH=OFF)

phase "build (clang, ASan + UBSan, fuzz targets)"
build_dir build-asan "${SANITIZE_ARGS[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DPONTE_SANITIZE=address,undefined -DPONTE_BUILD_FUZZ=ON

phase "tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j "$(nproc)" --output-on-failure

phase "fuzzing (${PONTE_FUZZ_SECONDS:=30} s per target)"
tests/fuzz/run.sh build-asan "$PONTE_FUZZ_SECONDS"

# -O1 -g0: TSan is slow at -O0, and its reports name functions without debug
# information; the build is CI's third, so it is kept cheap.
phase "build (clang, TSan)"
build_dir build-tsan "${SANITIZE_ARGS[@]}" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g0" \
  -DPONTE_SANITIZE=thread

phase "tests under TSan"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PONTE_ROOT/tests/tsan.supp" \
  ctest --test-dir build-tsan -j "$(nproc)" --output-on-failure

phase ""
echo "ponte: all checks passed in $((SECONDS - started)) s"
