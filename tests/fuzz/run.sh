#!/usr/bin/env bash
# tests/fuzz/run.sh — build and run the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
#
#   tests/fuzz/run.sh [SECONDS]      fuzz each harness for SECONDS (default 60) on
#                                    one core; new inputs are kept in
#                                    build/fuzz/corpus/NAME, crashes written to
#                                    build/fuzz/crashes/NAME-*; then replays every
#                                    corpus through coverage builds (clang
#                                    source-based coverage, llvm-profdata-14 /
#                                    llvm-cov-14) and writes the table
#                                    build/fuzz/report.md: executions, execs/s,
#                                    crashes per harness (ms_* calls per entry
#                                    point for fuzz_api), line coverage of each
#                                    engine file
#   tests/fuzz/run.sh --replay [N]   what ./build.sh test runs: every seed input
#                                    and every crash reproducer
#                                    (tests/fuzz/crashes/NAME/*), then N (2000)
#                                    fresh mutations with a fixed seed; prints one
#                                    TAP line per harness
#   tests/fuzz/run.sh --coverage     only the coverage table of the corpora
#                                    (build/fuzz/corpus and the seeds)
#
# Needs clang with libFuzzer (Debian's clang package). Seeds: tests/fuzz/corpus/NAME
# (committed texts) and build/fuzz/seeds/NAME, written by fuzz_weights
# (FUZZ_WRITE_SEEDS: a weights file per architecture of fuzz_models.h, covering
# every layer kind, the same files for ms_model_load, the calibration tables),
# plus tiny weights files from tests/js/fixtures/tiny-model.mjs. Dictionaries:
# json.dict (ms_* requests, calibration), script.dict (scripts, lyrics).
set -uo pipefail
cd "$(dirname "$0")/../.."
FZ=build/fuzz
HARNESSES=(tokenizer scenes weights api calib)
# FUZZ_HARNESSES="api calib" tests/fuzz/run.sh 300: fuzz only those (the
# table keeps the other harnesses' last logs)
FUZZ_ONLY=(${FUZZ_HARNESSES:-${HARNESSES[*]}})

dict_for() {
  case $1 in
    tokenizer|scenes) echo "-dict=tests/fuzz/script.dict" ;;
    api|calib) echo "-dict=tests/fuzz/json.dict" ;;
  esac
}

make -s -j"$(nproc 2>/dev/null || echo 2)" -f wasm/Makefile fuzz || { echo "not ok - fuzz harnesses build"; exit 1; }

# Generated seeds, so no binary is committed.
rm -rf "$FZ/seeds"
mkdir -p "$FZ/seeds/weights" "$FZ/seeds/api" "$FZ/seeds/calib" "$FZ/seeds/tokenizer" "$FZ/seeds/scenes"
FUZZ_WRITE_SEEDS=$FZ/seeds "$FZ/fuzz_weights" >/dev/null 2>&1 || { echo "not ok - fuzz_weights could not write the seeds"; exit 1; }
node --input-type=module -e "
  import fs from 'node:fs';
  import { makeTinyModel } from './tests/js/fixtures/tiny-model.mjs';
  fs.writeFileSync('$FZ/seeds/weights/tiny-40.bin', makeTinyModel({ seed: 3 }));
  fs.writeFileSync('$FZ/seeds/weights/tiny-8-meta.bin', makeTinyModel({ seed: 5, seqLen: 8, meta: '{\"name\":\"x\"}' }));
" || { echo "not ok - weights seeds (node)"; exit 1; }

# seed directories of a harness (the committed ones, then the generated ones)
seeds_for() {
  [ -d "tests/fuzz/corpus/$1" ] && echo "tests/fuzz/corpus/$1"
  echo "$FZ/seeds/$1"
}

if [ "${1:-}" = --replay ]; then
  runs=${2:-2000}
  fail=0
  for h in "${HARNESSES[@]}"; do
    bin=$FZ/fuzz_$h work=$FZ/work/$h log=$FZ/work/$h.log
    rm -rf "$work"; mkdir -p "$work"
    repro=()
    [ -d "tests/fuzz/crashes/$h" ] && while IFS= read -r -d '' f; do repro+=("$f"); done \
      < <(find "tests/fuzz/crashes/$h" -type f ! -name '*.md' -print0)
    ok=1
    if [ ${#repro[@]} -gt 0 ] && ! "$bin" "${repro[@]}" > "$log.repro" 2>&1; then ok=0; tail -30 "$log.repro"; fi
    # shellcheck disable=SC2046
    if ! "$bin" -runs="$runs" -seed=1 -max_len=65536 -timeout=20 -rss_limit_mb=2048 $(dict_for "$h") \
         -artifact_prefix="$work/" "$work" $(seeds_for "$h") > "$log" 2>&1; then ok=0; tail -40 "$log"; fi
    if [ $ok = 1 ]; then
      echo "ok - fuzz_$h: ${#repro[@]} reproducers and the seeds replayed, $runs mutations, no finding"
    else
      echo "not ok - fuzz_$h: a finding (log: $log; input in $work/)"; fail=1
    fi
  done
  exit $fail
fi

# Coverage of the corpora: each harness's coverage build replays its corpus
# (-runs=0), the profiles are merged, llvm-cov reports lines per engine file.
coverage() {
  local prof=$FZ/prof
  command -v llvm-profdata-14 >/dev/null && command -v llvm-cov-14 >/dev/null \
    || { echo "coverage: llvm-profdata-14 / llvm-cov-14 missing (apt-get install llvm-14)"; return 1; }
  make -s -j"$(nproc 2>/dev/null || echo 2)" -f wasm/Makefile fuzz-cov || return 1
  rm -rf "$prof"; mkdir -p "$prof"
  local objs=() h
  for h in "${HARNESSES[@]}"; do
    mkdir -p "$FZ/corpus/$h"
    # shellcheck disable=SC2046
    LLVM_PROFILE_FILE="$prof/$h.profraw" build/fuzz-cov/fuzz_$h -runs=0 -max_len=65536 -rss_limit_mb=4096 \
      "$FZ/corpus/$h" $(seeds_for "$h") > "$prof/$h.log" 2>&1 || echo "coverage: fuzz_$h replay failed (see $prof/$h.log)"
    llvm-profdata-14 merge -sparse "$prof/$h.profraw" -o "$prof/$h.profdata"
    objs+=(-object "build/fuzz-cov/fuzz_$h")
  done
  llvm-profdata-14 merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"
  # per harness: lines covered in the engine (wasm/*.c) by that harness alone
  for h in "${HARNESSES[@]}"; do
    llvm-cov-14 report "build/fuzz-cov/fuzz_$h" -instr-profile="$prof/$h.profdata" wasm/*.c 2>/dev/null \
      | awk -v h="$h" '$1=="TOTAL"{print h, $8, $9, $10}' > "$prof/$h.total"
  done
  # all harnesses together, per engine file
  # shellcheck disable=SC2068
  llvm-cov-14 report "build/fuzz-cov/fuzz_api" ${objs[@]:2} -instr-profile="$prof/all.profdata" wasm/*.c 2>/dev/null \
    > "$prof/report.txt"
}

# The table (markdown) from the fuzzing logs and the coverage report.
report() {
  local secs=$1 out=$FZ/report.md h
  {
    if [ "$secs" = 0 ]; then echo "Coverage of the corpora in build/fuzz/corpus and the seeds (\`tests/fuzz/run.sh --coverage\`; executions: the last run's logs):"
    else echo "Fuzzing run of $(date -u +%Y-%m-%d), \`./build.sh fuzz $secs\` (one core, ${secs} s per harness):"; fi
    echo
    echo "| harness | executions | execs/s | crashes (run stopped at the first) | engine lines covered (this harness's corpus) |"
    echo "|---|---:|---:|---:|---:|"
    for h in "${HARNESSES[@]}"; do
      local units rate crashes cov
      units=$(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$FZ/work/$h.fuzz.log" 2>/dev/null | awk '{print $2}')
      units=${units:-0}
      # libFuzzer's own rate (a run stopped by a crash is shorter than SECONDS)
      rate=$(grep -a -o 'exec/s: [0-9]*' "$FZ/work/$h.fuzz.log" 2>/dev/null | tail -1 | awk '{print $2}')
      crashes=$(find "$FZ/crashes" -name "$h-*" -type f 2>/dev/null | wc -l)
      cov=$(awk '{printf "%s (%d of %d)", $4, $2 - $3, $2}' "$FZ/prof/$h.total" 2>/dev/null)
      echo "| fuzz_$h | $units | $rate | $crashes | ${cov:-n/a} |"
    done
    echo
    local per
    per=$(grep -h -o 'fuzz_api: executions per entry point:.*' "$FZ/work/api.fuzz.log" 2>/dev/null | tail -1 | sed 's/^fuzz_api: executions per entry point: //')
    [ -n "$per" ] && { echo "fuzz_api executions per entry point: $per"; echo; }
    echo "Line coverage of each engine file, all harnesses' corpora replayed (llvm-cov-14):"
    echo
    echo "| file | lines | covered | line coverage |"
    echo "|---|---:|---:|---:|"
    awk '$1 ~ /\.c$/ {printf "| wasm/%s | %d | %d | %s |\n", $1, $8, $8 - $9, $10} $1=="TOTAL" {printf "| **all engine files** | %d | %d | %s |\n", $8, $8 - $9, $10}' "$FZ/prof/report.txt" 2>/dev/null
  } > "$out"
  cat "$out"
}

if [ "${1:-}" = --coverage ]; then
  coverage && report 0
  exit $?
fi

secs=${1:-60}
mkdir -p "$FZ/crashes" "$FZ/work"
for h in "${FUZZ_ONLY[@]}"; do
  mkdir -p "$FZ/corpus/$h"
  echo "== fuzz_$h for ${secs}s"
  # shellcheck disable=SC2046
  "$FZ/fuzz_$h" -max_total_time="$secs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    $(dict_for "$h") -artifact_prefix="$FZ/crashes/$h-" "$FZ/corpus/$h" $(seeds_for "$h") > "$FZ/work/$h.fuzz.log" 2>&1
  grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|fuzz: |fuzz_api: )' \
    "$FZ/work/$h.fuzz.log" || true
done
echo "crashes (if any): $(find "$FZ/crashes" -type f | wc -l) files in $FZ/crashes/"
coverage
report "$secs"
