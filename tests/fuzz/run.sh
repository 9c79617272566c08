#!/usr/bin/env bash
# tests/fuzz/run.sh — build and run the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
#
#   tests/fuzz/run.sh [SECONDS]      fuzz each harness for SECONDS (default 60);
#                                    new inputs are kept in build/fuzz/corpus/NAME,
#                                    crashes written to build/fuzz/crashes/NAME-*
#   tests/fuzz/run.sh --replay [N]   what ./build.sh test runs: every seed input
#                                    and every crash reproducer
#                                    (tests/fuzz/crashes/NAME/*), then N (2000)
#                                    fresh mutations with a fixed seed; prints one
#                                    TAP line per harness
#
# Needs clang with libFuzzer (Debian's clang package). Seeds: tests/fuzz/corpus/NAME,
# plus tiny weights files written by tests/js/fixtures/tiny-model.mjs for the
# loader. Dictionaries: json.dict (ms_* requests), script.dict (scripts, lyrics).
set -uo pipefail
cd "$(dirname "$0")/../.."
FZ=build/fuzz
HARNESSES=(tokenizer scenes weights api)

dict_for() {
  case $1 in
    tokenizer|scenes) echo "-dict=tests/fuzz/script.dict" ;;
    api) echo "-dict=tests/fuzz/json.dict" ;;
  esac
}

make -s -j"$(nproc 2>/dev/null || echo 2)" -f wasm/Makefile fuzz || { echo "not ok - fuzz harnesses build"; exit 1; }

# Seeds for the weights loader: generated, so no binary is committed.
mkdir -p "$FZ/seeds/weights"
node --input-type=module -e "
  import fs from 'node:fs';
  import { makeTinyModel } from './tests/js/fixtures/tiny-model.mjs';
  fs.writeFileSync('$FZ/seeds/weights/tiny-40.bin', makeTinyModel({ seed: 3 }));
  fs.writeFileSync('$FZ/seeds/weights/tiny-8-meta.bin', makeTinyModel({ seed: 5, seqLen: 8, meta: '{\"name\":\"x\"}' }));
" || { echo "not ok - weights seeds (node)"; exit 1; }

seeds_for() {
  local d=tests/fuzz/corpus/$1
  [ "$1" = weights ] && d=$FZ/seeds/weights
  echo "$d"
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
    if ! "$bin" -runs="$runs" -seed=1 -max_len=4096 -timeout=20 -rss_limit_mb=2048 $(dict_for "$h") \
         -artifact_prefix="$work/" "$work" "$(seeds_for "$h")" > "$log" 2>&1; then ok=0; tail -40 "$log"; fi
    if [ $ok = 1 ]; then
      echo "ok - fuzz_$h: ${#repro[@]} reproducers and the seeds replayed, $runs mutations, no finding"
    else
      echo "not ok - fuzz_$h: a finding (log: $log; input in $work/)"; fail=1
    fi
  done
  exit $fail
fi

secs=${1:-60}
mkdir -p "$FZ/crashes"
for h in "${HARNESSES[@]}"; do
  mkdir -p "$FZ/corpus/$h"
  echo "== fuzz_$h for ${secs}s"
  # shellcheck disable=SC2046
  "$FZ/fuzz_$h" -max_total_time="$secs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    $(dict_for "$h") -artifact_prefix="$FZ/crashes/$h-" "$FZ/corpus/$h" "$(seeds_for "$h")" 2>&1 \
    | grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|Done)' || true
done
echo "crashes (if any): $(ls "$FZ/crashes" | wc -l) files in $FZ/crashes/"
