#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (scripts/build-sanitized.sh), makes their seed
# corpora and runs each for SECONDS; exits non-zero when any target crashed, leaked, timed
# out, ran out of memory or got a sanitizer report. The corpus each run grows is kept in
# build-fuzz/fuzz/work/TARGET, crashing inputs in build-fuzz/fuzz/crashes/TARGET (copy one
# into tests/fuzz/regressions/TARGET/ once fixed: ctest -L fuzz replays them).
#
# usage: scripts/fuzz.sh [SECONDS [TARGET...]]     (default 60 s, every target)
#
# DLC_FUZZ_SEED=N fixes libFuzzer's random seed (scripts/test.sh sets it: CI is a gate, so
# the same commit fuzzes along the same path and a red run can be replayed); unset, every
# run draws a new one, as exploration should. The seed is in each target's log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(onnx_import mlir_parse artifact_manifest artifact_elf safetensors npy npz idx csv)
fi

# The runtime test fixtures and NumPy arrays are seeds too.
bash scripts/build-sanitized.sh make_manifest_seeds tests/unit/runtime/all "${targets[@]/#/fuzz_}"
root=$PWD
fuzz=$root/build-fuzz/fuzz
/usr/bin/python3 tests/fuzz/make_corpus.py "$fuzz/corpus" --source-dir "$root" \
  --build-dir "$root/build-fuzz" --manifest-seeds "$root/build-fuzz/bin/make_manifest_seeds" >/dev/null

source scripts/sanitizer-env.sh
export ASAN_OPTIONS=$ASAN_OPTIONS:detect_stack_use_after_return=1

failed=()
printf '%-18s %12s %8s %7s  %s\n' target executions exec/s seconds result
for t in "${targets[@]}"; do
  mkdir -p "$fuzz/work/$t" "$fuzz/crashes/$t" "$fuzz/logs"
  inputs=("$fuzz/work/$t" "$fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && inputs+=("$root/tests/fuzz/regressions/$t")
  log=$fuzz/logs/$t.log
  start=$(date +%s)
  rc=0
  seed=()
  [ -n "${DLC_FUZZ_SEED:-}" ] && seed=(-seed="$DLC_FUZZ_SEED")
  (cd "$fuzz" && "$root/build-fuzz/bin/fuzz_$t" "${seed[@]}" -max_total_time="$seconds" -timeout=25 \
     -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$fuzz/crashes/$t/" \
     "${inputs[@]}") >"$log" 2>&1 || rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc, log $log)"
    failed+=("$t")
  fi
  printf '%-18s %12s %8s %7s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$secs" "$result"
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -20 | sed 's/^/    /'
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${failed[*]} failed; crashing inputs are in $fuzz/crashes/" >&2
  exit 1
fi
