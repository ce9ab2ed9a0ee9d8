// Binding data set arrays to entry inputs, dtype conversion, shuffling and batching.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "dataset_internal.hpp"

namespace dlc {

namespace {

float f16_to_f32(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: normalize
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while (!(mant & 0x400));
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) // inf or nan
    return static_cast<uint16_t>(sign | 0x7c00 | (absx > 0x7f800000u ? 0x200 : 0));
  if (absx >= 0x477ff000u) // rounds to >= 65520: overflow
    return static_cast<uint16_t>(sign | 0x7c00);
  if (absx < 0x38800000u) { // below the smallest normal half: subnormal or zero
    if (absx < 0x33000000u)
      return static_cast<uint16_t>(sign);
    uint32_t e = absx >> 23, m = (absx & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - e; // 14..24
    uint32_t half = m >> shift, rem = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t h = ((absx >> 13) - (112u << 10));
  uint32_t rem = absx & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
    ++h;
  return static_cast<uint16_t>(sign | h);
}

float bf16_to_f32(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t f32_to_bf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) // nan: keep it a nan
    return static_cast<uint16_t>((x >> 16) | 0x40);
  x += 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

bool is_float(dlc_dtype t) {
  return t == DLC_DTYPE_F32 || t == DLC_DTYPE_F64 || t == DLC_DTYPE_F16 || t == DLC_DTYPE_BF16;
}

double load_double(const uint8_t *p, dlc_dtype t) {
  switch (t) {
  case DLC_DTYPE_F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DLC_DTYPE_F64: {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case DLC_DTYPE_F16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return f16_to_f32(v);
  }
  case DLC_DTYPE_BF16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return bf16_to_f32(v);
  }
  default:
    break;
  }
  return 0;
}

int64_t load_int(const uint8_t *p, dlc_dtype t) {
  switch (t) {
  case DLC_DTYPE_I8:
    return static_cast<int8_t>(*p);
  case DLC_DTYPE_U8:
  case DLC_DTYPE_BOOL:
    return *p;
  case DLC_DTYPE_I16: {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case DLC_DTYPE_I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DLC_DTYPE_I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  default:
    break;
  }
  return 0;
}

// A float to an integer, truncating toward zero and saturating (nan becomes 0).
int64_t float_to_int(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9.2233720368547758e18)
    return INT64_MAX;
  if (v <= -9.2233720368547758e18)
    return INT64_MIN;
  return static_cast<int64_t>(v);
}

void store_double(uint8_t *p, dlc_dtype t, double v) {
  switch (t) {
  case DLC_DTYPE_F32: {
    float f = static_cast<float>(v);
    std::memcpy(p, &f, 4);
    return;
  }
  case DLC_DTYPE_F64:
    std::memcpy(p, &v, 8);
    return;
  case DLC_DTYPE_F16: {
    uint16_t h = f32_to_f16(static_cast<float>(v));
    std::memcpy(p, &h, 2);
    return;
  }
  case DLC_DTYPE_BF16: {
    uint16_t h = f32_to_bf16(static_cast<float>(v));
    std::memcpy(p, &h, 2);
    return;
  }
  default:
    break;
  }
}

void store_int(uint8_t *p, dlc_dtype t, int64_t v) {
  switch (t) {
  case DLC_DTYPE_I8:
  case DLC_DTYPE_U8:
    *p = static_cast<uint8_t>(v);
    return;
  case DLC_DTYPE_BOOL:
    *p = v != 0;
    return;
  case DLC_DTYPE_I16: {
    int16_t x = static_cast<int16_t>(v);
    std::memcpy(p, &x, 2);
    return;
  }
  case DLC_DTYPE_I32: {
    int32_t x = static_cast<int32_t>(v);
    std::memcpy(p, &x, 4);
    return;
  }
  case DLC_DTYPE_I64:
    std::memcpy(p, &v, 8);
    return;
  default:
    break;
  }
}

std::string input_text(const dlc_tensor_desc &d) {
  return std::string("'") + d.name + "' (" + shape_string(d.shape, d.rank) + " " +
         dlc_dtype_name(d.dtype) + ")";
}

const char *verb(const std::string &what) {
  return !what.empty() && what.back() == 's' ? "are" : "is";
}

} // namespace

std::string sample_size_text(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "1";
  int64_t n = checked_numel(shape);
  if (shape.size() == 1)
    return std::to_string(n);
  return shape_string(shape) + " = " + std::to_string(n);
}

void convert_elements(const void *src, dlc_dtype st, void *dst, dlc_dtype dt, int64_t n) {
  if (n <= 0)
    return;
  size_t ss = dlc_dtype_size(st), ds = dlc_dtype_size(dt);
  if (ss == 0 || ds == 0)
    throw Error(std::string("cannot convert ") + dlc_dtype_name(st) + " to " + dlc_dtype_name(dt));
  const uint8_t *s = static_cast<const uint8_t *>(src);
  uint8_t *d = static_cast<uint8_t *>(dst);
  if (st == dt) {
    std::memcpy(d, s, static_cast<size_t>(n) * ss);
    return;
  }
  // The common cases of data loading, without the per-element switch.
  if (st == DLC_DTYPE_F32 && dt == DLC_DTYPE_F64) {
    for (int64_t i = 0; i < n; ++i)
      reinterpret_cast<double *>(d)[i] = reinterpret_cast<const float *>(s)[i];
    return;
  }
  if (st == DLC_DTYPE_I64 && dt == DLC_DTYPE_I32) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v;
      std::memcpy(&v, s + 8 * i, 8);
      int32_t w = static_cast<int32_t>(v);
      std::memcpy(d + 4 * i, &w, 4);
    }
    return;
  }
  bool sf = is_float(st), df = is_float(dt);
  for (int64_t i = 0; i < n; ++i, s += ss, d += ds) {
    if (sf && df)
      store_double(d, dt, load_double(s, st));
    else if (sf)
      store_int(d, dt, float_to_int(load_double(s, st)));
    else if (df)
      store_double(d, dt, static_cast<double>(load_int(s, st)));
    else
      store_int(d, dt, load_int(s, st));
  }
}

std::vector<InputBinding> bind_inputs(const Dataset &data, const dlc_entry_desc &entry,
                                      const BindOptions &options) {
  const std::string entry_name = options.entry.empty() ? std::string(entry.name) : options.entry;
  auto skipped = [&](const std::string &name) {
    return std::find(options.skip.begin(), options.skip.end(), name) != options.skip.end();
  };
  std::vector<const dlc_tensor_desc *> unnamed; // inputs for idx/csv features
  std::vector<InputBinding> out;
  std::vector<int> position; // each binding's input index, to return them in entry order
  bool label_bound = options.label_input.empty();
  auto array_list = [&]() {
    std::string s;
    for (const DataArray &a : data.features())
      s += (s.empty() ? "" : ", ") + a.name;
    if (data.has_labels())
      s += (s.empty() ? "" : ", ") + data.labels().name + " (the labels)";
    return s.empty() ? std::string("none") : s;
  };
  for (int i = 0; i < entry.num_inputs; ++i) {
    const dlc_tensor_desc &d = entry.inputs[i];
    std::string name = d.name;
    if (skipped(name))
      continue;
    if (name == options.label_input) {
      if (!data.has_labels())
        throw Error(data.spec() + ": the data set has no labels for input " + input_text(d) +
                    " of entry '" + entry_name + "'");
      out.push_back({name, static_cast<dlc_dtype>(d.dtype), {}, &data.labels()});
      label_bound = true;
    } else if (data.named_features()) {
      const DataArray *a = data.find_feature(name);
      if (!a)
        throw Error(data.spec() + " has no array '" + name + "' for input " + input_text(d) +
                    " of entry '" + entry_name + "' (arrays: " + array_list() + ")");
      out.push_back({name, static_cast<dlc_dtype>(d.dtype), {}, a});
    } else {
      unnamed.push_back(&d);
      continue;
    }
    out.back().shape.assign(d.shape, d.shape + d.rank);
    position.push_back(i);
  }
  if (!label_bound)
    throw Error("entry '" + entry_name + "' has no input '" + options.label_input +
                "' for the labels");
  if (!data.named_features()) {
    if (data.features().size() != 1)
      throw Error(data.spec() + ": expected one feature array, found " +
                  std::to_string(data.features().size()));
    if (unnamed.size() != 1) {
      std::string names;
      for (const dlc_tensor_desc *d : unnamed)
        names += (names.empty() ? "" : ", ") + input_text(*d);
      throw Error(data.spec() + " provides one feature array (" + data.features()[0].what +
                  "), but entry '" + entry_name + "' takes " +
                  (unnamed.empty() ? std::string("no data input")
                                   : std::to_string(unnamed.size()) + " data inputs: " + names) +
                  (unnamed.size() > 1 ? "; use an npz data set with arrays named like them" : ""));
    }
    const dlc_tensor_desc &d = *unnamed[0];
    InputBinding b{d.name, static_cast<dlc_dtype>(d.dtype),
                   std::vector<int64_t>(d.shape, d.shape + d.rank), &data.features()[0]};
    int at = static_cast<int>(&d - entry.inputs);
    size_t k = 0;
    while (k < position.size() && position[k] < at)
      ++k;
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(k), std::move(b));
  }

  int64_t batch = -1;
  std::string batch_from;
  for (const InputBinding &b : out) {
    const DataArray &a = *b.array;
    if (b.shape.empty())
      throw Error("input '" + b.input + "' of entry '" + entry_name +
                  "' is a scalar; a data set feeds only inputs whose dimension 0 is the batch");
    if (batch >= 0 && b.shape[0] != batch)
      throw Error("entry '" + entry_name + "' has inputs of different batch sizes: '" + batch_from +
                  "' has " + std::to_string(batch) + " rows, '" + b.input + "' has " +
                  std::to_string(b.shape[0]));
    batch = b.shape[0];
    batch_from = b.input;
    if (batch <= 0)
      throw Error("input '" + b.input + "' of entry '" + entry_name + "' has batch size 0");
    if (a.data.rank() == 0)
      throw Error(data.spec() + ": " + a.what + " is a scalar, not one value per sample");
    if (a.data.shape()[0] != data.size())
      throw Error(data.spec() + ": " + a.what + " has " + std::to_string(a.data.shape()[0]) +
                  " samples, the data set " + std::to_string(data.size()));
    std::vector<int64_t> row(b.shape.begin() + 1, b.shape.end());
    if (a.sample_numel() != checked_numel(row))
      throw Error(data.spec() + ": " + a.what + " " + verb(a.what) + " " +
                  sample_size_text(a.sample_shape()) +
                  (a.sample_numel() == 1 ? " value" : " values") + " per sample, input '" +
                  b.input + "' expects " + sample_size_text(row));
  }
  return out;
}

std::vector<int64_t> shuffled_order(int64_t n, uint64_t seed, uint64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i)
    order[static_cast<size_t>(i)] = i;
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(epoch), static_cast<uint32_t>(epoch >> 32)};
  std::mt19937_64 rng(seq);
  // Fisher-Yates with an unbiased bounded draw (the standard library's distributions
  // differ between implementations; this does not).
  for (int64_t i = n - 1; i > 0; --i) {
    uint64_t range = static_cast<uint64_t>(i) + 1, x;
    uint64_t threshold = (0 - range) % range;
    do
      x = rng();
    while (x < threshold);
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(x % range)]);
  }
  return order;
}

Batcher::Batcher(const Dataset &data, std::vector<InputBinding> bindings, int64_t batch_size,
                 bool shuffle, uint64_t seed)
    : data_(&data), bindings_(std::move(bindings)), batch_size_(batch_size), size_(data.size()),
      shuffle_(shuffle), seed_(seed) {
  if (batch_size_ <= 0)
    throw Error("batch size must be positive, got " + std::to_string(batch_size_));
  for (const InputBinding &b : bindings_)
    if (b.shape.empty() || b.shape[0] != batch_size_)
      throw Error("input '" + b.input + "' does not have batch size " +
                  std::to_string(batch_size_));
  set_epoch(0);
}

void Batcher::set_shard(int64_t rank, int64_t ranks) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw Error("rank " + std::to_string(rank) + " of " + std::to_string(ranks) + " ranks is out of range");
  rank_ = rank;
  ranks_ = ranks;
}

void Batcher::set_epoch(uint64_t epoch) {
  if (shuffle_) {
    order_ = shuffled_order(size_, seed_, epoch);
  } else if (static_cast<int64_t>(order_.size()) != size_) {
    order_.resize(static_cast<size_t>(size_));
    for (int64_t i = 0; i < size_; ++i)
      order_[static_cast<size_t>(i)] = i;
  }
}

std::vector<Tensor> Batcher::make_tensors() const {
  std::vector<Tensor> out;
  for (const InputBinding &b : bindings_)
    out.emplace_back(b.dtype, b.shape);
  return out;
}

int64_t Batcher::fill(int64_t b, std::vector<Tensor> &tensors,
                      std::vector<int64_t> *indices) const {
  if (b < 0 || b >= num_batches())
    throw Error("batch " + std::to_string(b) + " out of range (" + std::to_string(num_batches()) +
                " batches)");
  if (tensors.size() != bindings_.size())
    throw Error("fill: expected " + std::to_string(bindings_.size()) + " tensors, got " +
                std::to_string(tensors.size()));
  int64_t first = (b * ranks_ + rank_) * batch_size_;
  int64_t rows = std::max<int64_t>(0, std::min(batch_size_, size_ - first));
  if (indices)
    indices->assign(order_.begin() + first, order_.begin() + first + rows);
  for (size_t k = 0; k < bindings_.size(); ++k) {
    const InputBinding &bind = bindings_[k];
    Tensor &t = tensors[k];
    if (t.dtype() != bind.dtype || t.shape() != bind.shape)
      throw Error("fill: tensor " + std::to_string(k) + " is " + t.describe() + ", input '" +
                  bind.input + "' is " + dlc_dtype_name(bind.dtype) + " " +
                  shape_string(bind.shape));
    const DataArray &a = *bind.array;
    int64_t per = a.sample_numel();
    size_t src_row = static_cast<size_t>(per) * dlc_dtype_size(a.data.dtype());
    size_t dst_row = static_cast<size_t>(per) * dlc_dtype_size(bind.dtype);
    const uint8_t *src = static_cast<const uint8_t *>(a.data.data());
    uint8_t *dst = static_cast<uint8_t *>(t.data());
    for (int64_t r = 0; r < rows; ++r) {
      int64_t s = order_[static_cast<size_t>(first + r)];
      convert_elements(src + static_cast<size_t>(s) * src_row, a.data.dtype(),
                       dst + static_cast<size_t>(r) * dst_row, bind.dtype, per);
    }
    if (rows < batch_size_)
      std::memset(dst + static_cast<size_t>(rows) * dst_row, 0,
                  static_cast<size_t>(batch_size_ - rows) * dst_row);
  }
  return rows;
}

} // namespace dlc
