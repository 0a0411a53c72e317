#!/usr/bin/env bash
# Installs what is missing, then checks everything CI checks: formatting, the
# bundled flows, the full test suite in a warnings-as-errors build, and the
# full suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
cd "$PONTE_ROOT"
started=$SECONDS

echo "== clang-format"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== build (RelWithDebInfo, -Werror)"
build_dir build "${MAIN_BUILD_ARGS[@]}" -DPONTE_BUILD_TESTS=ON -DPONTE_BUILD_BENCH=ON

echo "== bundled flows"
build/ponte flows check --config deploy/ponte.dev.json
build/ponte flows test --config deploy/ponte.dev.json

echo "== tests"
ctest --test-dir build -j "$(nproc)" --output-on-failure

echo "== browser tests (headless chromium)"
tests/browser/run.sh build/ponte

echo "== build (ASan + UBSan)"
build_dir build-asan -DCMAKE_BUILD_TYPE=Debug -DPONTE_WERROR=ON -DPONTE_BUILD_TESTS=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DPONTE_BUILD_BENCH=OFF -DPONTE_SANITIZE=address,undefined

echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j "$(nproc)" --output-on-failure

echo "ponte: all checks passed in $((SECONDS - started)) s"
