#!/usr/bin/env bash
# MoodSpace: one entry point for dependencies, build, serve, test, train, bench.
#
#   ./build.sh            install what is missing, build build/moodspace and dist/
#   ./build.sh serve [P]  build, then serve dist/ on http://127.0.0.1:P (8000)
#   ./build.sh test       build, run every test, print "N passed, M failed"
#   ./build.sh train [CSV]    word vectors (embed), then the shipped model into weights/
#                             (+ song calibration)
#   ./build.sh catalog [DIR]  rebuild weights/catalog.json from screenplays (+ scene and
#                             segment calibration into weights/model.bin's meta)
#   ./build.sh demo [CSV]     rebuild the bundled demo library
#   A new model: train, then catalog, then demo; then re-measure the soundtracks with
#   node tests/bench/soundtrack-stats.mjs (wasm/calib.h, wasm/soundtrack.h)
#   ./build.sh bench      benchmarks against TensorFlow.js, the page in Chromium and
#                         Lighthouse mobile (never part of test; --baseline DIR: a
#                         dist/ of another commit measured in the same run)
#   ./build.sh fuzz [S]   libFuzzer harnesses (tests/fuzz), S seconds each (60) on one
#                         core, then the table build/fuzz/report.md (executions,
#                         execs/s, crashes, line coverage of each engine file)
#   ./build.sh deps       only install dependencies
#   ./build.sh check      run the tests on what is already built (no build)
#
# Works as root or through sudo, is idempotent and quick when nothing changed:
# apt-get runs only for missing packages, npm ci only when the lock file
# changed, and make rebuilds only what is out of date.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export NODE_PATH=/usr/share/nodejs   # Debian's emcc 3.1.6 needs acorn from here
JOBS=$(nproc 2>/dev/null || echo 2)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root or sudo to run: $*"; fi
}

# --- dependencies -----------------------------------------------------------

# clang-14 comes with emscripten; `clang` (the clang command) and
# libclang-rt-14-dev (libFuzzer's runtime) add little, for the fuzz harnesses;
# llvm-14 (llvm-profdata-14, llvm-cov-14) for their coverage table.
APT_PACKAGES=(emscripten libstb-dev chromium dpkg-dev brotli make gcc clang libclang-rt-14-dev llvm-14)

deps_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# cJSON comes from Debian's source package; apt-get source needs a deb-src entry.
deps_cjson() {
  [ -f build/deps/cjson/cJSON.c ] && return 0
  if ! grep -rqs 'deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    log "adding a deb-src entry for Debian bookworm"
    as_root sh -c 'printf "Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" > /etc/apt/sources.list.d/moodspace-src.sources'
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
  log "fetching cJSON sources (apt-get source cjson)"
  rm -rf build/deps/src && mkdir -p build/deps/src build/deps/cjson
  (cd build/deps/src && apt-get source -qq cjson >/dev/null 2>&1) \
    || die "apt-get source cjson failed (is deb.debian.org reachable?)"
  local d; d=$(find build/deps/src -maxdepth 1 -type d -name 'cjson-*' | head -n1)
  [ -n "$d" ] && [ -f "$d/cJSON.c" ] || die "cJSON sources not found after apt-get source"
  cp "$d/cJSON.c" "$d/cJSON.h" build/deps/cjson/
  [ -f "$d/LICENSE" ] && cp "$d/LICENSE" build/deps/cjson/ || true
}

# npm packages strictly from the lock file; re-run only when the lock changes.
deps_npm() {
  [ -f package-lock.json ] || return 0
  local stamp=node_modules/.lock-stamp
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then return 0; fi
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
}

deps() { deps_apt; deps_cjson; deps_npm; }

# --- build ------------------------------------------------------------------

# The wasm flags in wasm/Makefile are tested with Debian 12's emscripten 3.1.6
# (other majors change MODULARIZE/ES6 output and settings names).
EMCC_MAJOR=3
check_emcc() {
  local emcc=${EMCC:-emcc} v
  command -v "$emcc" >/dev/null \
    || die "$emcc not found: install Debian's emscripten package (./build.sh deps) or set EMCC=/path/to/emcc"
  v=$("$emcc" --version 2>/dev/null | sed -n '1s/.*) \([0-9][0-9]*\.[0-9][0-9.]*\).*/\1/p')
  [ -n "$v" ] || die "could not read the version from '$emcc --version'"
  [ "${v%%.*}" = "$EMCC_MAJOR" ] \
    || die "$emcc is version $v; the wasm build needs emscripten $EMCC_MAJOR.x (Debian 12 ships 3.1.6): set EMCC=/path/to/emcc"
}

build_c() {
  log "make (native tool, test binaries, wasm)"
  make -s -j"$JOBS" -f wasm/Makefile all
}

build_web() {
  log "web build into dist/"
  node web/build/build.mjs
}

build() { deps; check_emcc; build_c; build_web; }

# --- test -------------------------------------------------------------------

# Count the TAP lines of one test program's output into pass/fail (run_tests'
# locals): $1 its output, $2 its exit status, $3 its name. A failing exit
# with no "not ok" line counts as one failure.
tally() {
  local p f
  p=$(printf '%s\n' "$1" | grep -cE '^ok ' || true)
  f=$(printf '%s\n' "$1" | grep -cE '^not ok ' || true)
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $3 exited with status $2"; printf '%s\n' "$1" | tail -20; fi
  pass=$((pass + p)); fail=$((fail + f))
}

# Each C test binary prints TAP lines ("ok - ..." / "not ok - ..."); each JS
# test file runs under node's test runner with the TAP reporter. We count both.
run_tests() {
  local pass=0 fail=0 out t rc
  mkdir -p build/test-logs
  for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    log "C: $t"
    set +e
    out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t" 2>&1)
    rc=$?
    set -e
    printf '%s\n' "$out" | tee "build/test-logs/$(basename "$t").log" | grep -E '^(not ok|# )' || true
    tally "$out" "$rc" "$t"
  done
  # the fuzz harnesses: replay seeds and crash reproducers, plus a few
  # thousand fixed-seed mutations (tests/fuzz/run.sh --replay); clang only
  if have_libfuzzer; then
    log "fuzz: replay (tests/fuzz/run.sh --replay)"
    set +e
    out=$(nice -n 5 tests/fuzz/run.sh --replay 2000 2>&1)
    rc=$?
    set -e
    printf '%s\n' "$out" > build/test-logs/fuzz.log
    printf '%s\n' "$out" | grep -E '^(not ok|ok) ' || true
    tally "$out" "$rc" tests/fuzz/run.sh
  else
    echo "# skip: fuzz replay needs clang with libFuzzer (apt-get install clang libclang-rt-14-dev)"
  fi
  local files=()
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find tests/js tests/e2e -name '*.test.mjs' -print0 2>/dev/null | sort -z)
  if [ ${#files[@]} -gt 0 ]; then
    log "JS: node --test (${#files[@]} files)"
    set +e
    # one file at a time: the browser tests each start their own servers
    node --test --test-concurrency=1 --test-reporter=tap "${files[@]}" > build/test-logs/js.tap 2>&1
    rc=$?
    set -e
    grep -E '^ *(not ok|# Subtest|# (pass|fail|skip|tests))' build/test-logs/js.tap | grep -vE '^ +# Subtest' || true
    local p f
    p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' build/test-logs/js.tap | tail -n1)
    f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' build/test-logs/js.tap | tail -n1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - node --test exited with status $rc"; tail -40 build/test-logs/js.tap; fi
    if [ "$f" -gt 0 ]; then grep -B2 -A30 -E '^ *not ok' build/test-logs/js.tap | head -200 || true; fi
    pass=$((pass + p)); fail=$((fail + f))
  fi
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}

# clang with its libFuzzer runtime (Debian's clang package ships both).
have_libfuzzer() {
  command -v clang >/dev/null || return 1
  echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' \
    | clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1
}

# --- commands ---------------------------------------------------------------

cmd=${1:-build}
[ $# -gt 0 ] && shift
case "$cmd" in
  build) build ;;
  deps) deps ;;
  serve)
    build
    port=${1:-${PORT:-8000}}
    log "serving dist/ on http://127.0.0.1:$port/ (Ctrl-C to stop)"
    exec node tests/fake/static-server.mjs dist "$port"
    ;;
  test) build; run_tests ;;
  check) run_tests ;;   # tests only, on what is already built (for iterating)
  train)
    build
    csv=${1:-../shared/data/songs.csv}
    # word vectors for the script head: every screenplay beside the CSV + training lyrics
    log "moodspace embed (single thread, deterministic)"
    build/moodspace embed --csv "$csv" --scripts "$(dirname "$csv")/screenplays" --out build/wordvec.bin
    # the script head's valence and energy are then refitted on the dev films' labelled scenes
    build/moodspace train --csv "$csv" --out weights --wordvec build/wordvec.bin --scene-labels labels/scenes.json "${@:2}"
    # song calibration (wasm/calib.h): the new model's predictions on its training split
    exec build/moodspace calibrate --csv "$csv" --model weights/model.bin
    ;;
  catalog)
    build
    build/moodspace catalog --dir "${1:-../shared/data/screenplays}" --out weights/catalog.json "${@:2}"
    # scene and segment calibration from the catalog just built, into the model's meta
    exec build/moodspace calibrate --catalog weights/catalog.json --model weights/model.bin
    ;;
  demo)
    build
    exec build/moodspace demo --csv "${1:-../shared/data/songs.csv}" --out weights/demo.json "${@:2}"
    ;;
  bench) build; exec node tests/bench/run.mjs "$@" ;;
  fuzz)
    build
    have_libfuzzer || die "clang with libFuzzer is missing (apt-get install clang libclang-rt-14-dev)"
    exec nice -n 10 tests/fuzz/run.sh "${1:-60}"
    ;;
  *) die "unknown command '$cmd' (build, serve, test, check, train, catalog, demo, bench, fuzz, deps)" ;;
esac
