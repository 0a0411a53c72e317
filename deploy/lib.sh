# Shared by deploy/run.sh and deploy/test.sh: install what is missing from
# Debian's packages (only when something is missing, so a second run is
# fast), then configure once and build incrementally.
set -euo pipefail

PONTE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

RUN_PACKAGES=(g++ cmake ninja-build pkg-config ccache ca-certificates
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libicu-dev libssl-dev libargon2-dev)
# clang + its runtimes (libFuzzer, ASan, UBSan, TSan; not pulled in by
# --no-install-recommends) and llvm-symbolizer for file:line in their reports.
TEST_PACKAGES=(libgtest-dev libgmock-dev clang-format chromium clang libclang-rt-14-dev llvm-14)
# Node.js runs the browser tests; any node >= 18 on PATH will do.
command -v node >/dev/null && command -v npm >/dev/null || TEST_PACKAGES+=(nodejs npm)
BENCH_PACKAGES=(libbenchmark-dev)  # bench/engine.sh only, never CI's test run

ensure_packages() {
  local missing=()
  for p in "$@"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ponte: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

compiler_of() { grep -o 'CMAKE_CXX_COMPILER=[^ ]*' <<<"$1" || true; }

# build_dir <dir> <cmake args...>: configure when the directory is new or was
# configured with other arguments (run.sh and test.sh share build/), then
# build incrementally.
build_dir() {
  local dir="$1"
  shift
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  local stamp="$PONTE_ROOT/$dir/.ponte-configure-args"
  local args="${launcher[*]} $*"
  local before
  before="$(cat "$stamp" 2>/dev/null || true)"
  # Another compiler cannot reuse the cache: start the directory afresh.
  if [ -f "$stamp" ] && [ "$(compiler_of "$before")" != "$(compiler_of "$args")" ]; then
    rm -rf "${PONTE_ROOT:?}/$dir"
  fi
  if [ ! -f "$PONTE_ROOT/$dir/build.ninja" ] || [ "$before" != "$args" ]; then
    cmake -S "$PONTE_ROOT" -B "$PONTE_ROOT/$dir" -G Ninja "${launcher[@]}" "$@"
    printf '%s' "$args" >"$stamp"
  fi
  cmake --build "$PONTE_ROOT/$dir" -j "$(nproc)"
}

# build/ is shared by run.sh (no tests) and test.sh with the same compiler
# flags, so switching between them adds or drops targets but recompiles
# nothing. Line tables only (-g1): file:line in backtraces and sanitizer
# reports, for about a quarter less compile time than full debug information.
MAIN_BUILD_ARGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
  -DPONTE_WERROR=ON)
