// dlc-run bench: times an entry point on synthetic inputs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "commands.hpp"

namespace dlc_run {

namespace {

uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffff;
  if (exp <= 0) // the synthetic values never need subnormals; flush to zero
    return static_cast<uint16_t>(sign);
  if (exp >= 31)
    return static_cast<uint16_t>(sign | 0x7c00);
  return static_cast<uint16_t>(sign | (exp << 10) | (mant >> 13));
}

uint16_t f32_to_bf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  return static_cast<uint16_t>(x >> 16);
}

// Uniform [-1, 1) for floating dtypes, zeros for the rest (index-like inputs stay valid).
void fill_synthetic(dlc::Tensor &t, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  int64_t n = t.numel();
  switch (t.dtype()) {
  case DLC_DTYPE_F32:
    for (int64_t i = 0; i < n; ++i)
      t.data_as<float>()[i] = dist(rng);
    break;
  case DLC_DTYPE_F64:
    for (int64_t i = 0; i < n; ++i)
      t.data_as<double>()[i] = dist(rng);
    break;
  case DLC_DTYPE_F16:
    for (int64_t i = 0; i < n; ++i)
      t.data_as<uint16_t>()[i] = f32_to_f16(dist(rng));
    break;
  case DLC_DTYPE_BF16:
    for (int64_t i = 0; i < n; ++i)
      t.data_as<uint16_t>()[i] = f32_to_bf16(dist(rng));
    break;
  default:
    break; // already zero
  }
}

int run_bench(const Options &opts) {
  std::string path = opts.model_path();
  std::string entry_name = opts.get("entry", "infer");
  long long iters = opts.get_int("iters", 100, 1, 100000000);
  long long warmup = opts.get_int("warmup", 5, 0, 100000000);
  apply_threads(opts);
  dlc::Model model = load_model(path);
  const dlc_entry_desc &e = require_entry(model, path, entry_name);

  std::mt19937 rng(0);
  std::vector<dlc::Tensor> ins;
  std::vector<dlc_tensor> in;
  for (int i = 0; i < e.num_inputs; ++i) {
    const dlc_tensor_desc &d = e.inputs[i];
    ins.emplace_back(static_cast<dlc_dtype>(d.dtype),
                     std::vector<int64_t>(d.shape, d.shape + d.rank));
    fill_synthetic(ins.back(), rng);
  }
  for (int i = 0; i < e.num_inputs; ++i)
    in.push_back(ins[i].view(e.inputs[i].name));
  OutputBuffers allocated = allocate_outputs(e);
  std::vector<dlc_tensor> &out = allocated.views;

  for (long long i = 0; i < warmup; ++i)
    model.run(entry_name, in, out);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(iters));
  for (long long i = 0; i < iters; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    model.run(entry_name, in, out);
    auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }

  double sum = 0;
  for (double v : ms)
    sum += v;
  double mean = sum / ms.size(), var = 0;
  for (double v : ms)
    var += (v - mean) * (v - mean);
  double stddev = std::sqrt(var / ms.size());
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  double p90 = sorted[std::min(n - 1, static_cast<size_t>(std::ceil(0.9 * n)) - 1)];

  std::printf("entry=%s iters=%lld warmup=%lld threads=%d\n", entry_name.c_str(), iters, warmup,
              dlc_get_num_threads());
  // Four decimals: 0.1 us, so that a sub-microsecond entry (linear regression) shows.
  std::printf("mean_ms=%.4f stddev_ms=%.4f p90_ms=%.4f\n", mean, stddev, p90);
  std::printf("median_ms=%.4f min_ms=%.4f max_ms=%.4f\n", median, sorted.front(), sorted.back());
  return 0;
}

} // namespace

const Command kBenchCommand{
    "bench",
    "time an entry point on synthetic inputs",
    "usage: dlc-run bench MODEL.so [--entry infer|train_step] [--iters N] [--warmup W]\n"
    "                     [--threads T]\n"
    "\n"
    "Runs the entry point W times untimed, then N times timed, on synthetic inputs\n"
    "(uniform [-1, 1) for floating dtypes, zeros for integer and bool ones). The last\n"
    "line is 'median_ms=X min_ms=Y max_ms=Z'. train_step updates the parameters in place.\n"
    "\n"
    "  --entry NAME   entry point (default: infer)\n"
    "  --iters N      timed iterations (default: 100)\n"
    "  --warmup W     untimed iterations first (default: 5)\n"
    "  --threads T    worker threads (default: all cores)\n",
    {{"entry", true}, {"iters", true}, {"warmup", true}, {"threads", true}},
    run_bench,
};

} // namespace dlc_run
