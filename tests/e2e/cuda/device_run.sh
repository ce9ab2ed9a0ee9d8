#!/usr/bin/env bash
# On a GPU machine without LLVM/MLIR (the lent H100): builds libdlcrt and dlc-run with
# -DDLC_BUILD_COMPILER=OFF, runs the GPU parity check and the dlc-run commands on the
# artifacts compiled on the development machine (CARRY, see gpu_parity.py make and
# bench/cuda_bench.py prepare), then the benchmark. Run from the repository root.
# With a second argument tc-only, only the tensor-core part (CARRY/tc) runs.
set -uo pipefail
carry=${1:-.cuda-carry}
logs=${OUT:-/tmp/dlc-device-logs}
mkdir -p "$logs"
nvidia-smi --query-gpu=name,driver_version,compute_cap,clocks.sm --format=csv,noheader
if cmake -G Ninja -S . -B /tmp/dlc-rt -DDLC_BUILD_COMPILER=OFF -DDLC_BUILD_TESTS=OFF >"$logs/cmake.log" 2>&1 &&
   ninja -C /tmp/dlc-rt dlcrt dlc-run >"$logs/ninja.log" 2>&1; then
  lib=/tmp/dlc-rt/lib run=/tmp/dlc-rt/bin/dlc-run
  echo "runtime built here: $lib"
else
  echo "runtime build failed here; using the carried binaries"; tail -15 "$logs"/cmake.log "$logs"/ninja.log
  lib=$carry/bin run=$carry/bin/dlc-run
fi
export LD_LIBRARY_PATH=$lib
# The tensor-core precisions, compiled here into CARRY/tc by
#   gpu_parity.py make build/bin ../shared/bench/torch_peer.py CARRY/tc/cases --precisions tf32,bf16
#   cuda_bench.py prepare-matmul build/bin CARRY/tc/bench
if [ -d "$carry/tc" ]; then
  echo "== GPU parity, tf32/bf16 tensor cores against PyTorch float32"
  python3 tests/e2e/cuda/gpu_parity.py check "$lib" "$carry/tc/cases"
  echo "== matmul 4096^3 per precision"
  python3 bench/cuda_bench.py matmul "$lib" "$run" "$carry/tc/bench"
  [ "${2:-}" = "tc-only" ] && exit 0
fi
echo "== GPU parity"
python3 tests/e2e/cuda/gpu_parity.py check "$lib" "$carry/cases"
echo "== GPU parity without CUDA graphs"
DLC_CUDA_GRAPHS=0 python3 tests/e2e/cuda/gpu_parity.py check "$lib" "$carry/cases" | tail -4
echo "== dlc-run on a cuda artifact"
c=$carry/cases
$run info "$c/mlp_train_sm_90.so" | head -4
$run infer "$c/mlp_infer_sm_90.so" --input x="$c/x64.npy" --output-dir /tmp/dlc-out && ls /tmp/dlc-out
$run train "$c/mlp_train_sm_90.so" --data "npz:$c/train_data.npz" --steps 20 --checkpoint /tmp/ck.safetensors --log /tmp/train.jsonl | tail -3
tail -2 /tmp/train.jsonl
$run eval "$c/mlp_train_sm_90.so" --data "npz:$c/train_data.npz" --checkpoint /tmp/ck.safetensors | tail -3
$run bench "$c/mlp_train_sm_90.so" --entry train_step --iters 200 | tail -1
$run bench "$c/lenet_train_sm_90.so" --entry train_step --iters 200 | tail -1
echo "== per-kernel times (DLC_CUDA_PROFILE=1), slowest first"
for m in mlp_train_sm_90 lenet_train_sm_90 transformer_train_sm_90 transformer_infer_sm_90; do
  entry=train_step; case $m in *infer*) entry=infer;; esac
  DLC_CUDA_PROFILE=1 $run bench "$c/$m.so" --entry $entry --iters 1 >/dev/null 2>"$logs/profile_$m.txt"
  echo "$m: $(grep -c ' ms ' "$logs/profile_$m.txt") lines; total per run: $(grep total "$logs/profile_$m.txt" | tail -1)"
  grep ' ms ' "$logs/profile_$m.txt" | grep -v total | sort -rn | head -8
done
echo "== benchmark"
python3 bench/cuda_bench.py run "$lib" "$run" "$carry/bench"
