// Import-time evaluation of the shape-computing subgraphs (torch.onnx.export's
// Shape -> Gather -> Concat -> Reshape chains and the like), and the shape rules that
// evaluation shares with the converters.
//
// Folding works on the ModelProto: every node whose inputs are all known and whose op is
// foldable is evaluated and replaced by Constant nodes, then shape inference runs again
// so that the consumers of the folded values get static types; this repeats until
// nothing more folds.
#include "frontends/onnx/ImporterContext.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace dlc::onnx_frontend::detail {

using onnx::NodeProto;
using onnx::TensorProto;

/// Larger results are not evaluated at import (a ConstantOfShape filling an activation-
/// sized tensor is emitted as a splat constant by its converter instead).
static constexpr int64_t kMaxFoldElements = int64_t(1) << 22;

//===----------------------------------------------------------------------===//
// Shape rules
//===----------------------------------------------------------------------===//

Expected<std::vector<int64_t>> broadcastShape(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    int64_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1)
      return makeError("shapes " + shapeStr(a) + " and " + shapeStr(b) + " are not broadcast-compatible");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Expected<std::vector<int64_t>> reshapeTarget(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> shape,
                                             bool allowzero) {
  std::vector<int64_t> out(shape.begin(), shape.end());
  int64_t inferred = -1;
  std::vector<int64_t> knownDims;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0 && !allowzero) {
      if (i >= in.size())
        return makeError("shape value 0 at index " + std::to_string(i) + " has no input dim to copy (input " +
                         shapeStr(in) + ")");
      out[i] = in[i];
    }
    if (out[i] == -1) {
      if (inferred >= 0)
        return makeError("shape has more than one -1");
      inferred = i;
      continue;
    }
    if (out[i] < 0)
      return makeError("shape value " + std::to_string(out[i]) + " is invalid");
    knownDims.push_back(out[i]);
  }
  // Before multiplying: the dims of a malformed model's shape can overflow int64.
  if (tooLarge(knownDims))
    return makeError("shape [" + shapeStr(shape) + "] is too large");
  int64_t known = numElements(knownDims);
  int64_t total = numElements(in);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return makeError("cannot infer the -1 of shape [" + shapeStr(shape) + "] for input " + shapeStr(in));
    out[inferred] = total / known;
  } else if (known != total) {
    return makeError("cannot reshape " + shapeStr(in) + " (" + std::to_string(total) + " elements) to " +
                     shapeStr(out) + " (" + std::to_string(known) + " elements)");
  }
  return out;
}

Expected<std::vector<int64_t>> unsqueezeShape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes) {
  int64_t rank = in.size() + axes.size();
  std::vector<bool> isNew(rank, false);
  for (int64_t a : axes) {
    int64_t n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank || isNew[n])
      return makeError("axis " + std::to_string(a) + " is out of range or repeated for output rank " +
                       std::to_string(rank));
    isNew[n] = true;
  }
  std::vector<int64_t> out;
  size_t k = 0;
  for (int64_t i = 0; i < rank; ++i)
    out.push_back(isNew[i] ? 1 : in[k++]);
  return out;
}

Expected<std::vector<int64_t>> squeezeShape(llvm::ArrayRef<int64_t> in, const std::vector<int64_t> *axes) {
  int64_t rank = in.size();
  std::vector<bool> drop(rank, false);
  if (!axes) {
    for (int64_t i = 0; i < rank; ++i)
      drop[i] = in[i] == 1;
  } else {
    for (int64_t a : *axes) {
      int64_t n = a < 0 ? a + rank : a;
      if (n < 0 || n >= rank)
        return makeError("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
      if (in[n] != 1)
        return makeError("cannot squeeze axis " + std::to_string(a) + " of extent " + std::to_string(in[n]));
      drop[n] = true;
    }
  }
  std::vector<int64_t> out;
  for (int64_t i = 0; i < rank; ++i)
    if (!drop[i])
      out.push_back(in[i]);
  return out;
}

Expected<std::vector<SliceAxis>> normalizeSlice(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> starts,
                                                llvm::ArrayRef<int64_t> ends, const std::vector<int64_t> *axes,
                                                const std::vector<int64_t> *steps) {
  int64_t rank = shape.size();
  std::vector<SliceAxis> out(rank);
  for (int64_t i = 0; i < rank; ++i)
    out[i] = {0, 1, shape[i]};
  if (starts.size() != ends.size())
    return makeError("starts has " + std::to_string(starts.size()) + " values but ends has " +
                     std::to_string(ends.size()));
  if (axes && axes->size() != starts.size())
    return makeError("axes has " + std::to_string(axes->size()) + " values, starts " +
                     std::to_string(starts.size()));
  if (steps && steps->size() != starts.size())
    return makeError("steps has " + std::to_string(steps->size()) + " values, starts " +
                     std::to_string(starts.size()));
  std::vector<bool> seen(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    int64_t axis = axes ? (*axes)[k] : (int64_t)k;
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || seen[axis])
      return makeError("slice axis " + std::to_string(axes ? (*axes)[k] : (int64_t)k) +
                       " is out of range or repeated for rank " + std::to_string(rank));
    seen[axis] = true;
    int64_t step = steps ? (*steps)[k] : 1;
    if (step == 0)
      return makeError("slice step on axis " + std::to_string(axis) + " is zero");
    int64_t dim = shape[axis];
    // Clamp in a wide type: starts/ends are often INT64_MAX / INT64_MIN.
    __int128 start = starts[k], end = ends[k];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count;
    if (step > 0) {
      start = std::clamp<__int128>(start, 0, dim);
      end = std::clamp<__int128>(end, 0, dim);
      count = end > start ? (int64_t)((end - start + step - 1) / step) : 0;
    } else {
      start = std::clamp<__int128>(start, 0, dim - 1);
      end = std::clamp<__int128>(end, -1, dim - 1);
      count = start > end ? (int64_t)((start - end + (-step) - 1) / (-step)) : 0;
    }
    out[axis] = {count ? (int64_t)start : 0, step, count};
  }
  return out;
}

Expected<std::vector<int64_t>> normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank) {
  std::set<int64_t> s;
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      s.insert(i);
  for (int64_t a : axes) {
    int64_t n = a < 0 ? a + rank : a;
    if (n < 0 || n >= std::max<int64_t>(rank, 1))
      return makeError("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    if (!s.insert(n).second)
      return makeError("axis " + std::to_string(a) + " is repeated");
  }
  if (rank == 0)
    s.clear();
  return std::vector<int64_t>(s.begin(), s.end());
}

//===----------------------------------------------------------------------===//
// Which ops fold, which inputs must be constants
//===----------------------------------------------------------------------===//

bool isFoldableOp(const std::string &op) {
  static const std::set<std::string> ops = {
      "Shape", "Size",  "Gather", "Concat", "Unsqueeze",       "Squeeze", "Reshape", "Cast",
      "Slice", "Add",   "Sub",    "Mul",    "Div",             "Equal",   "Where",   "ConstantOfShape",
      "Range", "Identity", "Expand", "Min", "Max",             "Neg",     "Not",     "ReduceProd",
      // Beyond the usual shape chains: torch exports Pad's pads through a Transpose, and
      // size arithmetic through Floor/Ceil and comparisons.
      "Transpose", "Floor", "Ceil", "Less", "Greater",
      // ONNX's Range and AffineGrid bodies size their loops and grids with these.
      "Relu", "Split",
      // Their output shapes depend on the values: only known inputs compile.
      "Unique", "NonZero",
      // ONNX's function bodies (Attention-23 expanded) test head counts with these.
      "Mod", "And", "Or", "Xor"};
  return ops.count(op) != 0;
}

const std::vector<int> &constantInputs(const std::string &op) {
  static const std::map<std::string, std::vector<int>> table = {
      {"Reshape", {1}},     {"Slice", {1, 2, 3, 4}}, {"Pad", {1, 2, 3}},   {"Unsqueeze", {1}},
      {"Squeeze", {1}},     {"Expand", {1}},         {"Tile", {1}},        {"Clip", {1, 2}},
      {"TopK", {1}},        {"Split", {1}},          {"Trilu", {1}},       {"CumSum", {1}}, {"CumProd", {1}}, {"Compress", {1}}, {"Col2Im", {1, 2}}, {"Unique", {0}}, {"NonZero", {0}}, {"DFT", {1, 2}}, {"STFT", {1, 3}},
      {"ConstantOfShape", {0}}, {"If", {0}}, {"Loop", {0, 1}}, {"Range", {0, 1, 2}}, {"Dropout", {1, 2}}, {"ReduceSum", {1}},
      {"ReduceMean", {1}},  {"ReduceMax", {1}},      {"ReduceMin", {1}},   {"ReduceProd", {1}},
      {"ReduceL1", {1}},    {"ReduceL2", {1}},       {"ReduceLogSum", {1}}, {"ReduceLogSumExp", {1}},
      {"ReduceSumSquare", {1}}, {"Resize", {1, 2, 3}}, {"Upsample", {1}},  {"OneHot", {1, 2}},
  };
  static const std::vector<int> none;
  auto it = table.find(op);
  return it == table.end() ? none : it->second;
}

std::optional<std::vector<int64_t>> staticShape(const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return std::nullopt;
  std::vector<int64_t> shape;
  for (const auto &d : type.tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0)
      return std::nullopt;
    shape.push_back(d.dim_value());
  }
  return shape;
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

namespace {
using Inputs = llvm::ArrayRef<const ConstTensor *>;

std::vector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// For every element of `out` (row-major), the linear index into a tensor of shape `in`
/// broadcast to `out`.
std::vector<int64_t> broadcastIndex(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out) {
  int64_t n = numElements(out), rank = out.size(), off = rank - in.size();
  std::vector<int64_t> inStrides = stridesOf(in), idx(n);
  std::vector<int64_t> pos(rank, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t lin = 0;
    for (int64_t d = off; d < rank; ++d)
      if (in[d - off] != 1)
        lin += pos[d] * inStrides[d - off];
    idx[k] = lin;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++pos[d] < out[d])
        break;
      pos[d] = 0;
    }
  }
  return idx;
}

Expected<std::vector<int64_t>> broadcastAll(Inputs in) {
  std::vector<int64_t> shape;
  for (const ConstTensor *t : in) {
    auto b = broadcastShape(shape, t->shape);
    if (!b)
      return b.takeError();
    shape = *b;
  }
  return shape;
}

Error checkSize(int64_t n) {
  if (n > kMaxFoldElements)
    return makeError("result too large to evaluate at import");
  return Error::success();
}

/// Elementwise op over broadcast inputs. fn gets the input values (as double for float
/// dtypes, int64 otherwise) and writes the result element.
template <typename FloatFn, typename IntFn>
Expected<ConstTensor> elementwise(Inputs in, int32_t outDtype, FloatFn floatFn, IntFn intFn) {
  for (const ConstTensor *t : in)
    if (t->dtype != in[0]->dtype && in.size() > 1 && t != in[0])
      return makeError("operand dtypes differ");
  auto shape = broadcastAll(in);
  if (!shape)
    return shape.takeError();
  if (auto e = checkSize(numElements(*shape)))
    return e;
  std::vector<std::vector<int64_t>> idx;
  for (const ConstTensor *t : in)
    idx.push_back(broadcastIndex(t->shape, *shape));
  ConstTensor out = ConstTensor::zeros(outDtype, *shape);
  bool fl = in[0]->isFloat();
  std::vector<double> fv(in.size());
  std::vector<int64_t> iv(in.size());
  for (int64_t k = 0; k < out.size(); ++k) {
    if (fl) {
      for (size_t j = 0; j < in.size(); ++j)
        fv[j] = in[j]->f[idx[j][k]];
      auto r = floatFn(fv);
      if (!r)
        return r.takeError();
      out.set(k, *r);
    } else {
      for (size_t j = 0; j < in.size(); ++j)
        iv[j] = in[j]->i[idx[j][k]];
      auto r = intFn(iv);
      if (!r)
        return r.takeError();
      out.setInt(k, *r);
    }
  }
  return out;
}

uint64_t u(int64_t v) { return (uint64_t)v; }

Expected<ConstTensor> evalBinary(const NodeProto &node, const std::string &op, Inputs in) {
  if (in.size() != 2 || !in[0] || !in[1])
    return makeError("expects two inputs");
  // Before opset 7 (folding also runs ahead of the version conversion), broadcast=1 with
  // an axis aligns the second operand at that axis, not from the right.
  if (findAttr(node, "axis") && getAttrInt(node, "broadcast", 0) != 0)
    return makeError("legacy axis broadcasting is not evaluated at import");
  bool compare = op == "Equal" || op == "Less" || op == "Greater";
  int32_t outDtype = compare ? (int32_t)TensorProto::BOOL : in[0]->dtype;
  auto ff = [&](const std::vector<double> &v) -> Expected<double> {
    double a = v[0], b = v[1];
    if (op == "Add")
      return a + b;
    if (op == "Sub")
      return a - b;
    if (op == "Mul")
      return a * b;
    if (op == "Div")
      return a / b;
    if (op == "Less")
      return (double)(a < b);
    if (op == "Greater")
      return (double)(a > b);
    if (op == "Mod") {
      if (getAttrInt(node, "fmod", 0) == 0)
        return makeError("Mod of floating values needs fmod=1");
      return std::fmod(a, b);
    }
    return (double)(a == b);
  };
  auto fi = [&](const std::vector<int64_t> &v) -> Expected<int64_t> {
    int64_t a = v[0], b = v[1];
    if (op == "Add")
      return (int64_t)(u(a) + u(b));
    if (op == "Sub")
      return (int64_t)(u(a) - u(b));
    if (op == "Mul")
      return (int64_t)(u(a) * u(b));
    if (op == "Div") {
      if (b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min()))
        return makeError("integer division by zero");
      return a / b;
    }
    if (op == "Less")
      return (int64_t)(a < b);
    if (op == "Greater")
      return (int64_t)(a > b);
    if (op == "Mod") {
      if (b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min()))
        return makeError("integer modulo by zero");
      int64_t r = a % b; // fmod=1 keeps the dividend's sign, Mod's default the divisor's
      if (getAttrInt(node, "fmod", 0) == 0 && r != 0 && ((r < 0) != (b < 0)))
        r += b;
      return r;
    }
    if (op == "And")
      return (int64_t)(a && b);
    if (op == "Or")
      return (int64_t)(a || b);
    if (op == "Xor")
      return (int64_t)((a != 0) != (b != 0));
    return (int64_t)(a == b);
  };
  return elementwise(in, outDtype, ff, fi);
}

Expected<ConstTensor> evalCast(const ConstTensor &x, int32_t to) {
  if (dtypeBytes(to) == 0)
    return makeError("cast to unsupported dtype");
  ConstTensor out = ConstTensor::zeros(to, x.shape);
  for (int64_t k = 0; k < x.size(); ++k) {
    if (x.isFloat())
      out.set(k, x.f[k]);
    else if (out.isFloat())
      out.set(k, (double)x.i[k]);
    else
      out.setInt(k, x.i[k]);
  }
  return out;
}

/// Copies the elements of `x` selected by a per-output-element index list.
ConstTensor gatherElements(const ConstTensor &x, std::vector<int64_t> shape, const std::vector<int64_t> &src) {
  ConstTensor out = ConstTensor::zeros(x.dtype, std::move(shape));
  for (size_t k = 0; k < src.size(); ++k) {
    if (x.isFloat())
      out.f[k] = x.f[src[k]];
    else
      out.i[k] = x.i[src[k]];
  }
  return out;
}

Expected<ConstTensor> evalGather(const NodeProto &node, const ConstTensor &x, const ConstTensor &indices) {
  int64_t rank = x.shape.size();
  if (rank == 0)
    return makeError("gather from a scalar");
  int64_t axis = getAttrInt(node, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return makeError("axis out of range");
  std::vector<int64_t> shape(x.shape.begin(), x.shape.begin() + axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), x.shape.begin() + axis + 1, x.shape.end());
  int64_t outer = numElements(llvm::ArrayRef<int64_t>(x.shape).take_front(axis));
  int64_t inner = numElements(llvm::ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
  int64_t dim = x.shape[axis], nIdx = indices.size();
  if (auto e = checkSize(outer * nIdx * inner))
    return e;
  std::vector<int64_t> src;
  src.reserve(outer * nIdx * inner);
  std::vector<int64_t> idx = indices.toInts();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < nIdx; ++j) {
      int64_t p = idx[j] < 0 ? idx[j] + dim : idx[j];
      if (p < 0 || p >= dim)
        return makeError("index " + std::to_string(idx[j]) + " out of range");
      for (int64_t in = 0; in < inner; ++in)
        src.push_back((o * dim + p) * inner + in);
    }
  return gatherElements(x, shape, src);
}

Expected<ConstTensor> evalConcat(const NodeProto &node, Inputs in) {
  if (in.empty())
    return makeError("no inputs");
  int64_t rank = in[0]->shape.size();
  if (!findAttr(node, "axis")) // required from Concat-4; Concat-1 defaulted to 1
    return makeError("Concat without an axis");
  int64_t axis = getAttrInt(node, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return makeError("axis out of range");
  std::vector<int64_t> shape = in[0]->shape;
  shape[axis] = 0;
  for (const ConstTensor *t : in) {
    if (!t || t->dtype != in[0]->dtype || (int64_t)t->shape.size() != rank)
      return makeError("inputs differ");
    shape[axis] += t->shape[axis];
  }
  ConstTensor out = ConstTensor::zeros(in[0]->dtype, shape);
  int64_t outer = numElements(llvm::ArrayRef<int64_t>(shape).take_front(axis));
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor *t : in) {
      int64_t chunk = numElements(llvm::ArrayRef<int64_t>(t->shape).drop_front(axis));
      for (int64_t c = 0; c < chunk; ++c, ++k) {
        if (out.isFloat())
          out.f[k] = t->f[o * chunk + c];
        else
          out.i[k] = t->i[o * chunk + c];
      }
    }
  return out;
}

Expected<ConstTensor> sliceOf(const ConstTensor &x, llvm::ArrayRef<SliceAxis> norm);

Expected<ConstTensor> evalSlice(const NodeProto &node, Inputs in) {
  if (in.empty() || !in[0])
    return makeError("missing inputs");
  const ConstTensor &x = *in[0];
  std::vector<int64_t> starts, ends, axes, steps;
  bool hasAxes = false, hasSteps = false;
  if (findAttr(node, "starts")) { // Slice-1 (before opset 10): attributes
    starts = getAttrInts(node, "starts");
    ends = getAttrInts(node, "ends");
    hasAxes = findAttr(node, "axes") != nullptr;
    axes = getAttrInts(node, "axes");
  } else {
    if (in.size() < 3 || !in[1] || !in[2])
      return makeError("missing inputs");
    starts = in[1]->toInts();
    ends = in[2]->toInts();
    if ((hasAxes = in.size() > 3 && in[3]))
      axes = in[3]->toInts();
    if ((hasSteps = in.size() > 4 && in[4]))
      steps = in[4]->toInts();
  }
  auto norm = normalizeSlice(x.shape, starts, ends, hasAxes ? &axes : nullptr, hasSteps ? &steps : nullptr);
  if (!norm)
    return norm.takeError();
  return sliceOf(x, *norm);
}

/// Split into as many parts as the node has outputs: sizes from the `split` input, else
/// equal parts (the last one smaller when the axis does not divide, as opset 18 allows).
Expected<std::vector<ConstTensor>> evalSplit(const NodeProto &node, Inputs in) {
  if (in.empty() || !in[0])
    return makeError("missing inputs");
  const ConstTensor &x = *in[0];
  int64_t rank = x.shape.size(), axis = getAttrInt(node, "axis", 0), parts = node.output_size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank || parts < 1)
    return makeError("axis out of range");
  std::vector<int64_t> sizes;
  if (in.size() > 1 && in[1])
    sizes = in[1]->toInts();
  else if (findAttr(node, "split"))
    sizes = getAttrInts(node, "split");
  else {
    int64_t each = (x.shape[axis] + parts - 1) / parts;
    for (int64_t p = 0, left = x.shape[axis]; p < parts; ++p, left -= each)
      sizes.push_back(std::max<int64_t>(0, std::min(each, left)));
  }
  if ((int64_t)sizes.size() != parts)
    return makeError("split sizes do not match the outputs");
  std::vector<ConstTensor> out;
  int64_t start = 0;
  for (int64_t size : sizes) {
    std::vector<SliceAxis> norm;
    for (int64_t d = 0; d < rank; ++d)
      norm.push_back(d == axis ? SliceAxis{start, 1, size} : SliceAxis{0, 1, x.shape[d]});
    start += size;
    if (size < 0 || start > x.shape[axis])
      return makeError("split sizes exceed the axis");
    DLC_TRY(part, sliceOf(x, norm));
    out.push_back(std::move(part));
  }
  return out;
}

Expected<ConstTensor> sliceOf(const ConstTensor &x, llvm::ArrayRef<SliceAxis> norm) {
  std::vector<int64_t> shape;
  for (auto &a : norm)
    shape.push_back(a.count);
  int64_t n = numElements(shape), rank = shape.size();
  std::vector<int64_t> strides = stridesOf(x.shape), pos(rank, 0), src;
  src.reserve(n);
  for (int64_t k = 0; k < n; ++k) {
    int64_t lin = 0;
    for (int64_t d = 0; d < rank; ++d)
      lin += (norm[d].start + pos[d] * norm[d].step) * strides[d];
    src.push_back(lin);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++pos[d] < shape[d])
        break;
      pos[d] = 0;
    }
  }
  return gatherElements(x, shape, src);
}

/// Unique: the distinct elements (or slices along `axis`), sorted or in order of first
/// occurrence, with the first-occurrence indices, the inverse indices and the counts.
Expected<std::vector<ConstTensor>> evalUnique(const NodeProto &node, const ConstTensor &x) {
  const onnx::AttributeProto *axisAttr = findAttr(node, "axis");
  std::vector<int64_t> shape = x.shape;
  int64_t axis = 0;
  if (axisAttr) {
    axis = axisAttr->i() < 0 ? axisAttr->i() + (int64_t)shape.size() : axisAttr->i();
    if (axis < 0 || axis >= (int64_t)shape.size())
      return makeError("axis out of range");
  } else {
    shape = {x.size()};
  }
  int64_t n = shape[axis];
  int64_t inner = numElements(llvm::ArrayRef<int64_t>(shape).drop_front(axis + 1));
  int64_t outer = numElements(llvm::ArrayRef<int64_t>(shape).take_front(axis));
  auto at = [&](int64_t slice, int64_t o, int64_t i) { return (o * n + slice) * inner + i; };
  // Slices compare element by element in row-major order (lexicographically).
  auto compare = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t ka = at(a, o, i), kb = at(b, o, i);
        bool less = x.isFloat() ? x.f[ka] < x.f[kb] : x.i[ka] < x.i[kb];
        bool greater = x.isFloat() ? x.f[ka] > x.f[kb] : x.i[ka] > x.i[kb];
        if (less || greater)
          return less ? -1 : 1;
      }
    return 0;
  };
  std::vector<int64_t> firsts, inverse(n), counts;
  for (int64_t s = 0; s < n; ++s) {
    auto it = std::find_if(firsts.begin(), firsts.end(), [&](int64_t f) { return compare(f, s) == 0; });
    if (it == firsts.end()) {
      inverse[s] = firsts.size();
      firsts.push_back(s);
      counts.push_back(1);
    } else {
      inverse[s] = it - firsts.begin();
      ++counts[inverse[s]];
    }
  }
  std::vector<int64_t> order(firsts.size());
  for (size_t u = 0; u < order.size(); ++u)
    order[u] = u;
  if (getAttrInt(node, "sorted", 1))
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(firsts[a], firsts[b]) < 0; });
  std::vector<int64_t> rank(order.size());
  for (size_t u = 0; u < order.size(); ++u)
    rank[order[u]] = u;
  int64_t count = order.size();
  std::vector<int64_t> yShape = shape, src, indices, outCounts;
  yShape[axis] = count;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t u : order)
      for (int64_t i = 0; i < inner; ++i)
        src.push_back(at(firsts[u], o, i));
  for (int64_t u : order) {
    indices.push_back(firsts[u]);
    outCounts.push_back(counts[u]);
  }
  for (int64_t &v : inverse)
    v = rank[v];
  std::vector<ConstTensor> out;
  out.push_back(gatherElements(x, yShape, src));
  out.push_back(ConstTensor::ofInts(TensorProto::INT64, {count}, indices));
  out.push_back(ConstTensor::ofInts(TensorProto::INT64, {n}, inverse));
  out.push_back(ConstTensor::ofInts(TensorProto::INT64, {count}, outCounts));
  return out;
}

/// NonZero: the indices of the non-zero elements, one row per axis, in row-major order.
ConstTensor evalNonZero(const ConstTensor &x) {
  int64_t rank = x.shape.size();
  std::vector<int64_t> hits;
  for (int64_t k = 0; k < x.size(); ++k)
    if (x.getDouble(k) != 0)
      hits.push_back(k);
  int64_t count = hits.size();
  std::vector<int64_t> out(std::max<int64_t>(rank, 1) * count);
  std::vector<int64_t> strides = stridesOf(x.shape);
  for (int64_t h = 0; h < count; ++h)
    for (int64_t d = 0; d < rank; ++d)
      out[d * count + h] = hits[h] / strides[d] % x.shape[d];
  return ConstTensor::ofInts(TensorProto::INT64, {rank, count}, out);
}

Expected<ConstTensor> evalReduceProd(const NodeProto &node, const ConstTensor &x) {
  auto axes = normalizeAxes(getAttrInts(node, "axes"), x.shape.size());
  if (!axes)
    return axes.takeError();
  bool keep = getAttrInt(node, "keepdims", 1) != 0;
  std::vector<int64_t> shape, keptShape;
  for (int64_t d = 0; d < (int64_t)x.shape.size(); ++d) {
    bool red = llvm::is_contained(*axes, d);
    keptShape.push_back(red ? 1 : x.shape[d]);
    if (!red)
      shape.push_back(x.shape[d]);
    else if (keep)
      shape.push_back(1);
  }
  ConstTensor out = ConstTensor::zeros(x.dtype, shape);
  for (int64_t k = 0; k < out.size(); ++k)
    out.set(k, 1.0);
  // Map every input element to its output element.
  std::vector<int64_t> outStrides = stridesOf(keptShape), pos(x.shape.size(), 0);
  for (int64_t k = 0; k < x.size(); ++k) {
    int64_t o = 0;
    for (size_t d = 0; d < x.shape.size(); ++d)
      if (keptShape[d] != 1)
        o += pos[d] * outStrides[d];
    if (out.isFloat())
      out.set(o, out.f[o] * x.f[k]);
    else
      out.setInt(o, (int64_t)(u(out.i[o]) * u(x.i[k])));
    for (int64_t d = (int64_t)x.shape.size() - 1; d >= 0; --d) {
      if (++pos[d] < x.shape[d])
        break;
      pos[d] = 0;
    }
  }
  return out;
}

Expected<std::vector<ConstTensor>> evaluate(const NodeProto &node, Inputs in,
                                            llvm::ArrayRef<std::optional<std::vector<int64_t>>> shapes) {
  const std::string &op = node.op_type();
  auto one = [](Expected<ConstTensor> t) -> Expected<std::vector<ConstTensor>> {
    if (!t)
      return t.takeError();
    std::vector<ConstTensor> v;
    v.push_back(std::move(*t));
    return v;
  };
  auto need = [&](size_t k) -> Error {
    if (k >= in.size() || !in[k])
      return makeError("input " + std::to_string(k) + " is not known");
    return Error::success();
  };

  if (op == "Shape" || op == "Size") {
    if (shapes.empty() || !shapes[0])
      return makeError("input shape not static");
    const std::vector<int64_t> &s = *shapes[0];
    if (op == "Size")
      return one(ConstTensor::ofInts(TensorProto::INT64, {}, {numElements(s)}));
    int64_t rank = s.size();
    int64_t start = getAttrInt(node, "start", 0), end = getAttrInt(node, "end", rank);
    if (start < 0)
      start += rank;
    if (end < 0)
      end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, 0, rank);
    std::vector<int64_t> v(s.begin() + start, s.begin() + std::max(start, end));
    return one(ConstTensor::ofInts(TensorProto::INT64, {(int64_t)v.size()}, v));
  }
  for (size_t k = 0; k < in.size(); ++k)
    if (in[k] && dtypeBytes(in[k]->dtype) == 0)
      return makeError("unsupported dtype");

  if (op == "Identity") {
    if (auto e = need(0))
      return e;
    return one(*in[0]);
  }
  if (op == "Cast") {
    if (auto e = need(0))
      return e;
    int32_t to = getAttrInt(node, "to", 0);
    ConstTensor x = *in[0];
    // Cast-19's saturate: an 8-bit float target clamps to its largest finite value.
    if (x.isFloat() && isFloatDType(to) && dtypeBytes(to) == 1 && getAttrInt(node, "saturate", 1)) {
      double largest = largestFinite(to);
      for (double &v : x.f)
        if (!std::isnan(v))
          v = std::clamp(v, -largest, largest);
    }
    return one(evalCast(x, to));
  }
  if (op == "Neg" || op == "Not") {
    if (auto e = need(0))
      return e;
    ConstTensor out = *in[0];
    for (int64_t k = 0; k < out.size(); ++k) {
      if (op == "Not")
        out.i[k] = !out.i[k];
      else if (out.isFloat())
        out.f[k] = -out.f[k];
      else
        out.setInt(k, (int64_t)(0 - u(out.i[k])));
    }
    return one(std::move(out));
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Equal" || op == "Less" || op == "Greater" ||
      op == "Mod" || op == "And" || op == "Or" || op == "Xor")
    return one(evalBinary(node, op, in));
  if (op == "Relu") {
    if (auto e = need(0))
      return e;
    ConstTensor out = *in[0];
    for (double &v : out.f)
      v = std::max(v, 0.0);
    for (int64_t &v : out.i)
      v = std::max<int64_t>(v, 0);
    return one(std::move(out));
  }
  if (op == "Split")
    return evalSplit(node, in);
  if (op == "Floor" || op == "Ceil") {
    if (auto e = need(0))
      return e;
    if (!in[0]->isFloat())
      return makeError("expects a floating-point input");
    ConstTensor out = *in[0];
    for (double &v : out.f)
      v = op == "Floor" ? std::floor(v) : std::ceil(v);
    return one(std::move(out));
  }
  if (op == "Transpose") {
    if (auto e = need(0))
      return e;
    const ConstTensor &x = *in[0];
    int64_t rank = x.shape.size();
    std::vector<int64_t> perm;
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
    perm = getAttrInts(node, "perm", perm);
    if ((int64_t)perm.size() != rank)
      return makeError("perm does not match the rank");
    std::vector<int64_t> shape, inStrides = stridesOf(x.shape), pos(rank, 0), src;
    for (int64_t p : perm) {
      if (p < 0 || p >= rank)
        return makeError("perm out of range");
      shape.push_back(x.shape[p]);
    }
    int64_t n = x.size();
    src.reserve(n);
    for (int64_t k = 0; k < n; ++k) {
      int64_t lin = 0;
      for (int64_t d = 0; d < rank; ++d)
        lin += pos[d] * inStrides[perm[d]];
      src.push_back(lin);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++pos[d] < shape[d])
          break;
        pos[d] = 0;
      }
    }
    return one(gatherElements(x, shape, src));
  }
  if (op == "Min" || op == "Max") {
    for (size_t k = 0; k < in.size(); ++k)
      if (auto e = need(k))
        return e;
    bool isMax = op == "Max";
    auto ff = [&](const std::vector<double> &v) -> Expected<double> {
      double r = v[0];
      for (double x : v) {
        if (std::isnan(x))
          return x;
        r = isMax ? std::max(r, x) : std::min(r, x);
      }
      return r;
    };
    auto fi = [&](const std::vector<int64_t> &v) -> Expected<int64_t> {
      int64_t r = v[0];
      for (int64_t x : v)
        r = isMax ? std::max(r, x) : std::min(r, x);
      return r;
    };
    return one(elementwise(in, in[0]->dtype, ff, fi));
  }
  if (op == "Where") {
    for (size_t k = 0; k < 3; ++k)
      if (auto e = need(k))
        return e;
    if (in[1]->dtype != in[2]->dtype)
      return makeError("operand dtypes differ");
    auto shape = broadcastAll(in);
    if (!shape)
      return shape.takeError();
    if (auto e = checkSize(numElements(*shape)))
      return e;
    auto ic = broadcastIndex(in[0]->shape, *shape), ix = broadcastIndex(in[1]->shape, *shape),
         iy = broadcastIndex(in[2]->shape, *shape);
    ConstTensor out = ConstTensor::zeros(in[1]->dtype, *shape);
    for (int64_t k = 0; k < out.size(); ++k) {
      const ConstTensor *src = in[0]->getInt(ic[k]) ? in[1] : in[2];
      int64_t j = src == in[1] ? ix[k] : iy[k];
      if (out.isFloat())
        out.f[k] = src->f[j];
      else
        out.i[k] = src->i[j];
    }
    return one(std::move(out));
  }
  if (op == "Gather") {
    if (auto e = need(0))
      return e;
    if (auto e = need(1))
      return e;
    return one(evalGather(node, *in[0], *in[1]));
  }
  if (op == "Concat")
    return one(evalConcat(node, in));
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape") {
    if (auto e = need(0))
      return e;
    Expected<std::vector<int64_t>> shape = std::vector<int64_t>();
    // Before opset 13 (folding also runs ahead of the version conversion), Squeeze and
    // Unsqueeze take their axes as an attribute.
    const onnx::AttributeProto *axesAttr = findAttr(node, "axes");
    if (op == "Unsqueeze") {
      if (axesAttr) {
        shape = unsqueezeShape(in[0]->shape, getAttrInts(node, "axes"));
      } else {
        if (auto e = need(1))
          return e;
        shape = unsqueezeShape(in[0]->shape, in[1]->toInts());
      }
    } else if (op == "Squeeze") {
      std::vector<int64_t> axes;
      if (in.size() > 1 && in[1])
        axes = in[1]->toInts();
      else if (axesAttr)
        axes = getAttrInts(node, "axes");
      shape = squeezeShape(in[0]->shape, (in.size() > 1 && in[1]) || axesAttr ? &axes : nullptr);
    } else {
      if (auto e = need(1))
        return e;
      shape = reshapeTarget(in[0]->shape, in[1]->toInts(), getAttrInt(node, "allowzero", 0) != 0);
    }
    if (!shape)
      return shape.takeError();
    ConstTensor out = *in[0];
    out.shape = *shape;
    return one(std::move(out));
  }
  if (op == "Slice")
    return one(evalSlice(node, in));
  if (op == "ConstantOfShape") {
    if (auto e = need(0))
      return e;
    std::vector<int64_t> shape = in[0]->toInts();
    for (int64_t d : shape)
      if (d < 0)
        return makeError("negative dim");
    if (auto e = checkSize(numElements(shape)))
      return e;
    ConstTensor value = ConstTensor::ofFloats(TensorProto::FLOAT, {}, {0.0});
    if (const onnx::AttributeProto *a = findAttr(node, "value")) {
      auto v = decodeTensor(a->t(), "");
      if (!v)
        return v.takeError();
      if (v->size() != 1)
        return makeError("value must hold one element");
      value = std::move(*v);
    }
    ConstTensor out = ConstTensor::zeros(value.dtype, shape);
    for (int64_t k = 0; k < out.size(); ++k) {
      if (out.isFloat())
        out.f[k] = value.f[0];
      else
        out.i[k] = value.i[0];
    }
    return one(std::move(out));
  }
  if (op == "Range") {
    for (size_t k = 0; k < 3; ++k)
      if (auto e = need(k))
        return e;
    const ConstTensor &s = *in[0], &l = *in[1], &d = *in[2];
    if (s.size() != 1 || l.size() != 1 || d.size() != 1)
      return makeError("inputs must be scalars");
    double start = s.getDouble(0), limit = l.getDouble(0), delta = d.getDouble(0);
    if (delta == 0)
      return makeError("delta is zero");
    int64_t n = std::max<int64_t>((int64_t)std::ceil((limit - start) / delta), 0);
    if (auto e = checkSize(n))
      return e;
    ConstTensor out = ConstTensor::zeros(s.dtype, {n});
    for (int64_t k = 0; k < n; ++k) {
      if (out.isFloat())
        out.set(k, start + k * delta);
      else
        out.setInt(k, s.i[0] + k * d.i[0]);
    }
    return one(std::move(out));
  }
  if (op == "Expand") {
    if (auto e = need(0))
      return e;
    if (auto e = need(1))
      return e;
    auto shape = broadcastShape(in[0]->shape, in[1]->toInts());
    if (!shape)
      return shape.takeError();
    if (auto e = checkSize(numElements(*shape)))
      return e;
    return one(gatherElements(*in[0], *shape, broadcastIndex(in[0]->shape, *shape)));
  }
  if (op == "ReduceProd") {
    if (auto e = need(0))
      return e;
    return one(evalReduceProd(node, *in[0]));
  }
  if (op == "Unique") {
    if (auto e = need(0))
      return e;
    return evalUnique(node, *in[0]);
  }
  if (op == "NonZero") {
    if (auto e = need(0))
      return e;
    return one(evalNonZero(*in[0]));
  }
  return makeError("op '" + op + "' is not evaluated at import");
}
} // namespace

Expected<std::vector<ConstTensor>> evaluateNode(const NodeProto &node, llvm::ArrayRef<const ConstTensor *> inputs,
                                                llvm::ArrayRef<std::optional<std::vector<int64_t>>> inputShapes) {
  return evaluate(node, inputs, inputShapes);
}

//===----------------------------------------------------------------------===//
// The folding rounds
//===----------------------------------------------------------------------===//

/// Rewrites Constant nodes given as value_float(s) / value_int(s) into the `value` form.
static Error normalizeConstantNodes(onnx::GraphProto &graph) {
  for (NodeProto &node : *graph.mutable_node()) {
    if (node.op_type() != "Constant" || !(node.domain().empty() || node.domain() == "ai.onnx"))
      continue;
    if (node.attribute_size() != 1)
      return makeError("Constant node '" + node.name() + "' must have exactly one attribute");
    const onnx::AttributeProto &a = node.attribute(0);
    ConstTensor c;
    if (a.name() == "value")
      continue;
    if (a.name() == "value_float")
      c = ConstTensor::ofFloats(TensorProto::FLOAT, {}, {a.f()});
    else if (a.name() == "value_floats")
      c = ConstTensor::ofFloats(TensorProto::FLOAT, {a.floats_size()},
                                std::vector<double>(a.floats().begin(), a.floats().end()));
    else if (a.name() == "value_int")
      c = ConstTensor::ofInts(TensorProto::INT64, {}, {a.i()});
    else if (a.name() == "value_ints")
      c = ConstTensor::ofInts(TensorProto::INT64, {a.ints_size()},
                              std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    else
      return makeError("unsupported attribute value " + a.name() + " of op 'Constant' (node '" + node.name() +
                       "'): only dense numeric constants are supported");
    onnx::AttributeProto v;
    v.set_name("value");
    v.set_type(onnx::AttributeProto::TENSOR);
    *v.mutable_t() = encodeTensor(c, node.output(0));
    node.clear_attribute();
    *node.add_attribute() = std::move(v);
  }
  return Error::success();
}

NodeProto constantNode(const std::string &nodeName, const std::string &output, const ConstTensor &value) {
  NodeProto n;
  n.set_op_type("Constant");
  n.set_name(nodeName);
  n.add_output(output);
  onnx::AttributeProto *a = n.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = encodeTensor(value, output);
  return n;
}


Error foldConstants(onnx::ModelProto &model, const std::string &baseDir,
                    const std::function<Error(onnx::ModelProto &)> &inferShapes) {
  onnx::GraphProto &graph = *model.mutable_graph();
  if (auto e = normalizeConstantNodes(graph))
    return e;

  // Static types this importer computes where ONNX's inference gives none (Einsum).
  std::map<std::string, onnx::TypeProto> seeded;
  std::set<std::string> outputs;
  for (const auto &o : graph.output())
    outputs.insert(o.name());
  auto infer = [&]() -> Error {
    graph.clear_value_info();
    for (const auto &[name, type] : seeded) {
      if (outputs.count(name))
        continue; // seeded into the graph output itself
      auto *vi = graph.add_value_info();
      vi->set_name(name);
      *vi->mutable_type() = type;
    }
    return inferShapes(model);
  };

  for (int round = 0; round < 64; ++round) {
    if (auto e = infer())
      return e;

    std::unordered_map<std::string, const onnx::TypeProto *> types;
    for (const auto &v : graph.input())
      types[v.name()] = &v.type();
    for (const auto &v : graph.value_info())
      types[v.name()] = &v.type();
    for (const auto &v : graph.output())
      types[v.name()] = &v.type();

    // Known values: initializers (decoded on demand), Constant nodes, and what this
    // round folds.
    std::unordered_map<std::string, const TensorProto *> protos;
    std::unordered_set<std::string> paramLike; // floating-point initializers
    for (const TensorProto &t : graph.initializer()) {
      protos[t.name()] = &t;
      if (isFloatDType(t.data_type()))
        paramLike.insert(t.name());
    }
    for (const NodeProto &n : graph.node())
      if (n.op_type() == "Constant" && isDefaultDomain(n) && n.output_size() == 1 && n.attribute_size() == 1 &&
          n.attribute(0).name() == "value")
        protos[n.output(0)] = &n.attribute(0).t();
    std::unordered_map<std::string, std::optional<ConstTensor>> values;
    auto lookup = [&](const std::string &name) -> const ConstTensor * {
      auto it = values.find(name);
      if (it != values.end())
        return it->second ? &*it->second : nullptr;
      auto p = protos.find(name);
      if (p == protos.end())
        return nullptr;
      auto decoded = decodeTensor(*p->second, baseDir);
      if (!decoded) {
        llvm::consumeError(decoded.takeError());
        values[name] = std::nullopt;
        return nullptr;
      }
      return &*(values[name] = std::move(*decoded));
    };

    // Values that some consumer needs as a constant, propagated backwards through the
    // foldable ops: a foldable node fed by a parameter folds only when its result is
    // needed as a constant (else the parameter would lose its trainability).
    std::unordered_set<std::string> needed;
    for (const NodeProto &n : graph.node())
      for (int k : constantInputs(n.op_type()))
        if (k < n.input_size() && !n.input(k).empty())
          needed.insert(n.input(k));
    for (int j = graph.node_size() - 1; j >= 0; --j) {
      const NodeProto &n = graph.node(j);
      if (!isFoldableOp(n.op_type()) || n.op_type() == "Shape" || n.op_type() == "Size")
        continue;
      if (llvm::any_of(n.output(), [&](const std::string &o) { return needed.count(o); }))
        for (const std::string &i : n.input())
          needed.insert(i);
    }

    bool changed = false;
    for (const NodeProto &n : graph.node()) {
      if (n.op_type() != "Einsum" || n.output_size() != 1 || seeded.count(n.output(0)))
        continue;
      auto t = types.find(n.output(0));
      if (t != types.end() && staticShape(*t->second))
        continue;
      std::vector<std::vector<int64_t>> shapes;
      int32_t elem = 0;
      for (const std::string &i : n.input()) {
        auto it = types.find(i);
        std::optional<std::vector<int64_t>> s;
        if (it != types.end())
          s = staticShape(*it->second), elem = elem ? elem : it->second->tensor_type().elem_type();
        else if (protos.count(i))
          s = std::vector<int64_t>(protos[i]->dims().begin(), protos[i]->dims().end()),
          elem = elem ? elem : protos[i]->data_type();
        if (!s)
          break;
        shapes.push_back(*s);
      }
      if (shapes.size() != (size_t)n.input_size() || !elem)
        continue;
      auto shape = einsumOutputShape(getAttrString(n, "equation", ""), shapes);
      if (!shape) {
        llvm::consumeError(shape.takeError());
        continue;
      }
      onnx::TypeProto type;
      type.mutable_tensor_type()->set_elem_type(elem);
      auto *dims = type.mutable_tensor_type()->mutable_shape();
      for (int64_t d : *shape)
        dims->add_dim()->set_dim_value(d);
      for (auto &o : *graph.mutable_output())
        if (o.name() == n.output(0))
          *o.mutable_type() = type;
      seeded[n.output(0)] = type;
      changed = true;
    }
    google::protobuf::RepeatedPtrField<NodeProto> nodes;
    for (const NodeProto &n : graph.node()) {
      bool folded = false;
      if (isFoldableOp(n.op_type()) && isDefaultDomain(n)) {
        bool shapeOnly = n.op_type() == "Shape" || n.op_type() == "Size";
        bool ok = true, fromParam = false;
        std::vector<const ConstTensor *> in;
        std::vector<std::optional<std::vector<int64_t>>> shapes;
        for (int k = 0; k < n.input_size() && ok; ++k) {
          const std::string &name = n.input(k);
          shapes.push_back(std::nullopt);
          if (name.empty()) {
            in.push_back(nullptr);
            continue;
          }
          if (auto t = types.find(name); t != types.end())
            shapes.back() = staticShape(*t->second);
          if (shapeOnly) {
            in.push_back(nullptr);
            ok = shapes.back().has_value();
            if (!ok && (protos.count(name) || values.count(name))) {
              const ConstTensor *c = lookup(name);
              if (c)
                shapes.back() = c->shape, ok = true;
            }
            continue;
          }
          fromParam |= paramLike.count(name) != 0;
          if (!protos.count(name) && !values.count(name)) {
            ok = false;
            break;
          }
          in.push_back(nullptr);
        }
        bool wanted = !fromParam || llvm::any_of(n.output(), [&](const std::string &o) { return needed.count(o); });
        if (ok && wanted && !shapeOnly) {
          for (int k = 0; k < n.input_size() && ok; ++k)
            if (!n.input(k).empty())
              ok = (in[k] = lookup(n.input(k))) != nullptr;
        }
        if (ok && wanted) {
          auto results = evaluate(n, in, shapes);
          if (results && (int)results->size() >= n.output_size()) {
            for (int o = 0; o < n.output_size(); ++o) {
              if (n.output(o).empty())
                continue;
              *nodes.Add() = constantNode(n.name(), n.output(o), (*results)[o]);
              values[n.output(o)] = std::move((*results)[o]);
            }
            folded = changed = true;
          } else if (!results) {
            llvm::consumeError(results.takeError());
          }
        }
      }
      if (!folded)
        *nodes.Add() = n;
    }
    if (!changed)
      return Error::success();
    graph.mutable_node()->Swap(&nodes);
  }
  return infer();
}

} // namespace dlc::onnx_frontend::detail
