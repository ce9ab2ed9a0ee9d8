// Converters of the shape and data-movement ops: Reshape, Flatten, Squeeze, Unsqueeze,
// Transpose, Concat, Split, Slice, Gather, GatherElements, Pad, Expand, Tile, Trilu,
// CumSum, CumProd, EyeLike, Compress, Scatter(ND/Elements), GatherND, and the ops normally
// evaluated at import (Shape, Size, ConstantOfShape, Range, Unique, NonZero).
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

Error reshapeTo(Importer &im, Value x, Expected<std::vector<int64_t>> shape) {
  if (!shape)
    return im.error(llvm::toString(shape.takeError()));
  auto t = Importer::typeOf(x);
  im.setOutput(0, graph::ReshapeOp::create(im.b, im.loc(), im.tensorType(*shape, t.getElementType()), x));
  return Error::success();
}

Error reshape(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(shape, im.constInput(1, "shape"));
  return reshapeTo(im, x,
                   reshapeTarget(Importer::typeOf(x).getShape(), shape.toInts(), im.attrInt("allowzero", 0) != 0));
}

Error flatten(Importer &im) {
  DLC_TRY(x, im.input(0));
  auto s = Importer::typeOf(x).getShape();
  int64_t rank = s.size(), axis = im.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return im.error("axis " + llvm::Twine(im.attrInt("axis", 1)) + " is out of range for rank " + llvm::Twine(rank));
  return reshapeTo(im, x, std::vector<int64_t>{numElements(s.take_front(axis)), numElements(s.drop_front(axis))});
}

Error squeeze(Importer &im) {
  DLC_TRY(x, im.input(0));
  std::vector<int64_t> axes;
  bool given = im.has(1) || im.hasAttr("axes");
  if (im.has(1)) {
    DLC_TRY(a, im.constInput(1, "axes"));
    axes = a.toInts();
  } else {
    axes = im.attrInts("axes");
  }
  return reshapeTo(im, x, squeezeShape(Importer::typeOf(x).getShape(), given ? &axes : nullptr));
}

Error unsqueeze(Importer &im) {
  DLC_TRY(x, im.input(0));
  std::vector<int64_t> axes;
  if (im.has(1)) {
    DLC_TRY(a, im.constInput(1, "axes"));
    axes = a.toInts();
  } else {
    axes = im.attrInts("axes");
  }
  return reshapeTo(im, x, unsqueezeShape(Importer::typeOf(x).getShape(), axes));
}

Error transposeOp(Importer &im) {
  DLC_TRY(x, im.input(0));
  int64_t rank = Importer::typeOf(x).getRank();
  std::vector<int64_t> perm;
  for (int64_t i = rank - 1; i >= 0; --i)
    perm.push_back(i);
  perm = im.attrInts("perm", perm);
  std::vector<bool> seen(rank, false);
  if ((int64_t)perm.size() != rank)
    return im.error("perm has " + llvm::Twine(perm.size()) + " entries for rank " + llvm::Twine(rank));
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return im.error("perm is not a permutation of 0.." + llvm::Twine(rank - 1));
    seen[p] = true;
  }
  im.setOutput(0, im.transpose(x, perm)); // the identity permutation is the input itself
  return Error::success();
}

Error concat(Importer &im) {
  DLC_TRY(type, im.outputType(0));
  llvm::SmallVector<Value> inputs;
  for (int k = 0; k < im.numInputs(); ++k) {
    DLC_TRY(v, im.input(k));
    inputs.push_back(v);
  }
  if (inputs.empty())
    return im.error("needs at least one input");
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", 0), type.getRank(), "axis"));
  im.setOutput(0, graph::ConcatOp::create(im.b, im.loc(), type, inputs, im.b.getI64IntegerAttr(axis)));
  return Error::success();
}

Error split(Importer &im) {
  DLC_TRY(x, im.input(0));
  auto t = Importer::typeOf(x);
  auto s = t.getShape();
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", 0), t.getRank(), "axis"));
  int64_t n = im.numOutputs(), dim = s[axis];
  std::vector<int64_t> sizes;
  if (im.has(1)) {
    DLC_TRY(c, im.constInput(1, "split"));
    sizes = c.toInts();
  } else if (im.hasAttr("split")) {
    sizes = im.attrInts("split");
  } else {
    int64_t parts = im.attrInt("num_outputs", n);
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  if ((int64_t)sizes.size() != n)
    return im.error("split has " + llvm::Twine(sizes.size()) + " sizes for " + llvm::Twine(n) + " outputs");
  int64_t total = 0;
  for (int64_t v : sizes) {
    if (v < 0)
      return im.error("split sizes must be non-negative");
    total += v;
  }
  if (total != dim)
    return im.error("split sizes add up to " + llvm::Twine(total) + ", but axis " + llvm::Twine(axis) +
                    " has extent " + llvm::Twine(dim));
  int64_t offset = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!im.node().output(i).empty()) {
      std::vector<int64_t> starts(s.size(), 0), steps(s.size(), 1), shape(s.begin(), s.end());
      starts[axis] = sizes[i] ? offset : 0;
      shape[axis] = sizes[i];
      im.setOutput(i, graph::SliceOp::create(im.b, im.loc(), im.tensorType(shape, t.getElementType()), x, starts,
                                             steps));
    }
    offset += sizes[i];
  }
  return Error::success();
}

Error slice(Importer &im) {
  DLC_TRY(x, im.input(0));
  auto t = Importer::typeOf(x);
  DLC_TRY(starts, im.constInput(1, "starts"));
  DLC_TRY(ends, im.constInput(2, "ends"));
  std::vector<int64_t> axes, steps;
  if (im.has(3)) {
    DLC_TRY(a, im.constInput(3, "axes"));
    axes = a.toInts();
  }
  if (im.has(4)) {
    DLC_TRY(st, im.constInput(4, "steps"));
    steps = st.toInts();
  }
  auto norm = normalizeSlice(t.getShape(), starts.toInts(), ends.toInts(), im.has(3) ? &axes : nullptr,
                             im.has(4) ? &steps : nullptr);
  if (!norm)
    return im.error(llvm::toString(norm.takeError()));
  std::vector<int64_t> st, sp, shape;
  for (const SliceAxis &a : *norm) {
    st.push_back(a.start);
    sp.push_back(a.step);
    shape.push_back(a.count);
  }
  im.setOutput(0, graph::SliceOp::create(im.b, im.loc(), im.tensorType(shape, t.getElementType()), x, st, sp));
  return Error::success();
}

Error gather(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(idx, im.input(1));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", 0), Importer::typeOf(x).getRank(), "axis"));
  im.setOutput(0, graph::GatherOp::create(im.b, im.loc(), type, x, idx, im.b.getI64IntegerAttr(axis)));
  return Error::success();
}

Error gatherElements(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(idx, im.input(1));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", 0), Importer::typeOf(x).getRank(), "axis"));
  im.setOutput(0, graph::GatherElementsOp::create(im.b, im.loc(), type, x, idx, im.b.getI64IntegerAttr(axis)));
  return Error::success();
}

/// Unique and NonZero, whose output shapes depend on the input's values, are evaluated at
/// import (ConstantFolding.cpp); they reach a converter only when the input is not known.
Error valueDependentShape(Importer &im) {
  DLC_TRY(x, im.constInput(0, "X"));
  (void)x;
  return im.error("the output's shape depends on the input's values, and evaluating them at import failed");
}

/// EyeLike: ones on diagonal k of the input's 2-D shape, as two Trilus of a ones tensor.
Error eyeLike(Importer &im) {
  DLC_TRY(type, im.outputType(0));
  if (type.getRank() != 2)
    return im.error("the input must be 2-D, got shape " + shapeStr(type.getShape()));
  int64_t k = im.attrInt("k", 0);
  Value ones = im.splat(type, 1);
  Value upper = graph::TriluOp::create(im.b, im.loc(), type, ones, im.b.getBoolAttr(true), im.b.getI64IntegerAttr(k));
  im.setOutput(0, graph::TriluOp::create(im.b, im.loc(), type, upper, im.b.getBoolAttr(false),
                                         im.b.getI64IntegerAttr(k)));
  return Error::success();
}

/// Compress: the slices along `axis` (of the flattened input when absent) whose condition
/// is true. The condition fixes the output's shape, so it must be known at import: a
/// Gather of the selected positions.
Error compress(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(cond, im.constInput(1, "condition"));
  auto xt = Importer::typeOf(x);
  int64_t axis = 0;
  if (im.hasAttr("axis")) {
    DLC_TRY(a, im.normAxis(im.attrInt("axis", 0), xt.getRank(), "axis"));
    axis = a;
  } else {
    x = im.reshape(x, {xt.getNumElements()});
  }
  int64_t extent = Importer::typeOf(x).getDimSize(axis);
  std::vector<int64_t> picked;
  for (int64_t i = 0; i < cond.size() && i < extent; ++i)
    if (cond.getInt(i))
      picked.push_back(i);
  if ((int64_t)picked.size() != type.getDimSize(im.hasAttr("axis") ? axis : 0))
    return im.error("the condition selects " + llvm::Twine(picked.size()) + " slices, but the output has " +
                    llvm::Twine(type.getDimSize(im.hasAttr("axis") ? axis : 0)));
  int64_t count = picked.size();
  DLC_TRY(indices, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {count}, std::move(picked))));
  im.setOutput(0, graph::GatherOp::create(im.b, im.loc(), type, x, indices, im.b.getI64IntegerAttr(axis)));
  return Error::success();
}

/// ScatterElements' and ScatterND's `reduction`, which graph.scatter_elements takes as is.
Expected<std::string> scatterReduction(Importer &im) {
  std::string reduction = im.attrString("reduction", "none");
  if (reduction != "none" && reduction != "add" && reduction != "mul" && reduction != "max" && reduction != "min")
    return im.unsupportedAttr("reduction", "'" + reduction + "'");
  return reduction;
}

Error scatterElements(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(idx, im.input(1));
  DLC_TRY(updates, im.input(2));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", 0), Importer::typeOf(x).getRank(), "axis"));
  DLC_TRY(reduction, scatterReduction(im));
  idx = graph::castTo(im.b, im.loc(), idx, im.b.getI64Type());
  im.setOutput(0, graph::ScatterElementsOp::create(im.b, im.loc(), type, x, idx, updates, im.b.getI64IntegerAttr(axis),
                                                   im.b.getStringAttr(reduction)));
  return Error::success();
}

/// The row-major linear index of each k-tuple of `indices` ([count, k], negative entries
/// counting from the end) into the axes `dims`: a [count] int64 tensor.
Value linearIndex(Importer &im, Value indices, ArrayRef<int64_t> dims) {
  Location l = im.loc();
  int64_t k = dims.size();
  std::vector<int64_t> strides(k, 1);
  for (int64_t j = k - 2; j >= 0; --j)
    strides[j] = strides[j + 1] * dims[j + 1];
  auto constant = [&](std::vector<int64_t> v) {
    return *im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {k}, std::move(v)));
  };
  Value extents = constant(std::vector<int64_t>(dims.begin(), dims.end()));
  Value negative = graph::compare<graph::LessOp>(im.b, l, indices, im.scalar(im.b.getI64Type(), 0));
  Value wrapped = graph::where(im.b, l, negative, graph::add(im.b, l, indices, extents), indices);
  return graph::reduceSum(im.b, l, graph::mul(im.b, l, wrapped, constant(strides)), {1}, false);
}

/// ScatterND: data viewed as [prod(indexed axes), rest], each index tuple a row: a row
/// scatter (graph.scatter_elements along axis 0 with the row index on every column).
Error scatterND(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(idx, im.input(1));
  DLC_TRY(updates, im.input(2));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(reduction, scatterReduction(im));
  auto xs = Importer::typeOf(x).getShape(), is = Importer::typeOf(idx).getShape();
  int64_t k = is.empty() ? 0 : is.back();
  if (is.empty() || k < 1 || k > (int64_t)xs.size())
    return im.error("indices " + shapeStr(is) + " must end in a tuple length between 1 and the data's rank " +
                    llvm::Twine(xs.size()));
  int64_t count = numElements(is.drop_back()), rows = numElements(xs.take_front(k)),
          cols = numElements(xs.drop_front(k));
  Value linear = linearIndex(im, im.reshape(graph::castTo(im.b, im.loc(), idx, im.b.getI64Type()), {count, k}),
                             xs.take_front(k));
  Value rowIdx = graph::broadcastTo(im.b, im.loc(), im.reshape(linear, {count, 1}), {count, cols});
  auto flatType = im.tensorType({rows, cols}, type.getElementType());
  Value out = graph::ScatterElementsOp::create(im.b, im.loc(), flatType, im.reshape(x, {rows, cols}), rowIdx,
                                               im.reshape(updates, {count, cols}), im.b.getI64IntegerAttr(0),
                                               im.b.getStringAttr(reduction));
  im.setOutput(0, im.reshape(out, type.getShape()));
  return Error::success();
}

/// GatherND: data viewed as [batches * prod(indexed axes), rest], each index tuple (offset
/// by its batch) a row: a Gather along axis 0.
Error gatherND(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(idx, im.input(1));
  DLC_TRY(type, im.outputType(0));
  auto xs = Importer::typeOf(x).getShape(), is = Importer::typeOf(idx).getShape();
  int64_t batchDims = im.attrInt("batch_dims", 0);
  int64_t k = is.empty() ? 0 : is.back();
  if (batchDims < 0 || is.empty() || k < 1 || batchDims + k > (int64_t)xs.size() ||
      batchDims >= (int64_t)is.size())
    return im.error("indices " + shapeStr(is) + " with batch_dims " + llvm::Twine(batchDims) +
                    " do not index data " + shapeStr(xs));
  int64_t batches = numElements(xs.take_front(batchDims));
  int64_t perBatch = numElements(is.drop_back().drop_front(batchDims));
  int64_t rows = numElements(xs.drop_front(batchDims).take_front(k));
  std::vector<int64_t> rest(xs.begin() + batchDims + k, xs.end()), flat{batches * rows};
  flat.insert(flat.end(), rest.begin(), rest.end());
  Value linear = linearIndex(im, im.reshape(graph::castTo(im.b, im.loc(), idx, im.b.getI64Type()),
                                            {batches * perBatch, k}),
                             xs.drop_front(batchDims).take_front(k));
  if (batches > 1) {
    std::vector<int64_t> offsets;
    for (int64_t bt = 0; bt < batches; ++bt)
      for (int64_t q = 0; q < perBatch; ++q)
        offsets.push_back(bt * rows);
    DLC_TRY(offset, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {batches * perBatch}, offsets)));
    linear = graph::add(im.b, im.loc(), linear, offset);
  }
  std::vector<int64_t> gathered{batches * perBatch};
  gathered.insert(gathered.end(), rest.begin(), rest.end());
  Value out = graph::GatherOp::create(im.b, im.loc(), im.tensorType(gathered, type.getElementType()),
                                      im.reshape(x, flat), linear, im.b.getI64IntegerAttr(0));
  im.setOutput(0, im.reshape(out, type.getShape()));
  return Error::success();
}

Error pad(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return im.unsupportedAttr("mode", "'" + mode + "'");
  int64_t rank = Importer::typeOf(x).getRank();
  std::vector<int64_t> pads;
  if (im.has(1)) {
    DLC_TRY(p, im.constInput(1, "pads"));
    pads = p.toInts();
  } else {
    pads = im.attrInts("pads");
  }
  if (im.has(3)) { // opset 18 axes: pads for the listed axes only
    DLC_TRY(a, im.constInput(3, "axes"));
    std::vector<int64_t> axes = a.toInts(), full(2 * rank, 0);
    if (pads.size() != 2 * axes.size())
      return im.error("pads has " + llvm::Twine(pads.size()) + " values for " + llvm::Twine(axes.size()) + " axes");
    for (size_t k = 0; k < axes.size(); ++k) {
      DLC_TRY(ax, im.normAxis(axes[k], rank, "axis"));
      full[ax] = pads[k];
      full[ax + rank] = pads[k + axes.size()];
    }
    pads = full;
  }
  if ((int64_t)pads.size() != 2 * rank)
    return im.error("pads has " + llvm::Twine(pads.size()) + " values, expected " + llvm::Twine(2 * rank));
  double value = im.attrFloat("value", 0.0);
  if (im.has(2)) {
    DLC_TRY(v, im.constInput(2, "constant_value"));
    if (v.size() != 1)
      return im.error("constant_value must hold one value");
    value = v.getDouble(0);
  }
  im.setOutput(0, graph::PadOp::create(im.b, im.loc(), type, x, pads, mode, llvm::APFloat(value)));
  return Error::success();
}

Error expand(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(shape, im.constInput(1, "shape"));
  auto t = Importer::typeOf(x);
  auto out = broadcastShape(t.getShape(), shape.toInts());
  if (!out)
    return im.error(llvm::toString(out.takeError()));
  im.setOutput(0, graph::BroadcastOp::create(im.b, im.loc(), im.tensorType(*out, t.getElementType()), x));
  return Error::success();
}

Error tile(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(repeats, im.constInput(1, "repeats"));
  auto t = Importer::typeOf(x);
  std::vector<int64_t> r = repeats.toInts(), shape;
  if ((int64_t)r.size() != t.getRank())
    return im.error("repeats has " + llvm::Twine(r.size()) + " values for rank " + llvm::Twine(t.getRank()));
  for (int64_t i = 0; i < t.getRank(); ++i) {
    if (r[i] < 0)
      return im.error("repeats must be non-negative");
    int64_t d;
    if (__builtin_mul_overflow(t.getDimSize(i), r[i], &d))
      d = -1; // past int64: tooLarge refuses it below
    shape.push_back(d);
  }
  if (tooLarge(shape))
    return im.error("repeats " + shapeStr(r) + " make the output of " + shapeStr(t.getShape()) + " too large");
  im.setOutput(0, graph::TileOp::create(im.b, im.loc(), im.tensorType(shape, t.getElementType()), x));
  return Error::success();
}

Error trilu(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  int64_t k = 0;
  if (im.has(1)) {
    DLC_TRY(kv, im.constInput(1, "k"));
    if (kv.size() != 1)
      return im.error("k must be a scalar");
    k = kv.getInt(0);
  }
  im.setOutput(0, graph::TriluOp::create(im.b, im.loc(), type, x, im.b.getBoolAttr(im.attrInt("upper", 1) != 0),
                                         im.b.getI64IntegerAttr(k)));
  return Error::success();
}

/// CumSum and CumProd (graph.cumsum, graph.cumprod).
template <typename OpTy> Error cumulative(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  DLC_TRY(a, im.constInput(1, "axis"));
  if (a.size() != 1)
    return im.error("axis must be a scalar");
  DLC_TRY(axis, im.normAxis(a.getInt(0), std::max<int64_t>(type.getRank(), 1), "axis"));
  im.setOutput(0, OpTy::create(im.b, im.loc(), type, x, im.b.getI64IntegerAttr(axis),
                               im.b.getBoolAttr(im.attrInt("exclusive", 0) != 0),
                               im.b.getBoolAttr(im.attrInt("reverse", 0) != 0)));
  return Error::success();
}

/// DepthToSpace / SpaceToDepth: reshape, transpose, reshape (the ONNX definitions).
template <bool toSpace> Error blockRearrange(Importer &im) {
  DLC_TRY(x, im.input(0));
  auto s = Importer::typeOf(x).getShape();
  int64_t b = im.attrInt("blocksize", 0);
  if (s.size() != 4)
    return im.error("input " + shapeStr(s) + " must have rank 4 (N x C x H x W)");
  if (b <= 0)
    return im.error("blocksize must be positive");
  int64_t n = s[0], c = s[1], h = s[2], w = s[3];
  Value y;
  if constexpr (toSpace) {
    if (c % (b * b))
      return im.error("channels " + llvm::Twine(c) + " are not divisible by blocksize^2 = " + llvm::Twine(b * b));
    std::string mode = im.attrString("mode", "DCR");
    if (mode == "DCR") {
      y = im.reshape(x, {n, b, b, c / (b * b), h, w});
      y = im.transpose(y, {0, 3, 4, 1, 5, 2});
    } else if (mode == "CRD") {
      y = im.reshape(x, {n, c / (b * b), b, b, h, w});
      y = im.transpose(y, {0, 1, 4, 2, 5, 3});
    } else {
      return im.unsupportedAttr("mode", "'" + mode + "'");
    }
    y = im.reshape(y, {n, c / (b * b), h * b, w * b});
  } else {
    if (h % b || w % b)
      return im.error("spatial dims " + shapeStr(s.drop_front(2)) + " are not divisible by blocksize " +
                      llvm::Twine(b));
    std::string mode = im.attrString("mode", "DCR"); // SpaceToDepth's mode: opset 28
    if (mode != "DCR" && mode != "CRD")
      return im.unsupportedAttr("mode", "'" + mode + "'");
    y = im.reshape(x, {n, c, h / b, b, w / b, b});
    y = mode == "DCR" ? im.transpose(y, {0, 3, 5, 1, 2, 4}) : im.transpose(y, {0, 1, 3, 5, 2, 4});
    y = im.reshape(y, {n, c * b * b, h / b, w / b});
  }
  im.setOutput(0, y);
  return Error::success();
}

/// OneHot: where(unsqueeze(indices, axis) == range(depth), on, off), negative indices
/// counting from the end, out-of-range ones all off.
Error oneHot(Importer &im) {
  DLC_TRY(indices, im.input(0));
  DLC_TRY(depthValue, im.constInput(1, "depth"));
  DLC_TRY(values, im.constInput(2, "values"));
  DLC_TRY(type, im.outputType(0));
  if (depthValue.size() != 1 || values.size() != 2)
    return im.error("depth must hold one value and values two (off, on)");
  int64_t depth = (int64_t)depthValue.getDouble(0), rank = type.getRank();
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", -1), rank, "axis"));
  auto it = Importer::typeOf(indices);
  Type i64 = im.b.getI64Type();
  Value idx = indices;
  if (it.getElementType() != i64)
    idx = graph::CastOp::create(im.b, im.loc(), im.tensorType(it.getShape(), i64), indices);
  auto i64Type = im.tensorType(it.getShape(), i64);
  auto boolType = im.tensorType(it.getShape(), im.b.getI1Type());
  Value negative = graph::LessOp::create(im.b, im.loc(), boolType, idx, im.scalar(i64, 0));
  Value wrapped = graph::AddOp::create(im.b, im.loc(), i64Type, idx, im.scalar(i64, (double)depth));
  idx = graph::WhereOp::create(im.b, im.loc(), i64Type, negative, wrapped, idx);
  std::vector<int64_t> unsqueezed(it.getShape()), rangeShape(rank, 1);
  unsqueezed.insert(unsqueezed.begin() + axis, 1);
  rangeShape[axis] = depth;
  std::vector<int64_t> positions(depth);
  for (int64_t k = 0; k < depth; ++k)
    positions[k] = k;
  DLC_TRY(range, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, rangeShape, positions)));
  Value hot = graph::EqualOp::create(im.b, im.loc(), im.tensorType(type.getShape(), im.b.getI1Type()),
                                     im.reshape(idx, unsqueezed), range);
  Type elem = type.getElementType();
  im.setOutput(0, graph::WhereOp::create(im.b, im.loc(), type, hot, im.scalar(elem, values.getDouble(1)),
                                         im.scalar(elem, values.getDouble(0))));
  return Error::success();
}

// Normally evaluated at import; these converters cover what folding left.

Error shapeOp(Importer &im) {
  DLC_TRY(s, im.inputShape(0));
  int64_t rank = s.size(), start = im.attrInt("start", 0), end = im.attrInt("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  std::vector<int64_t> v(s.begin() + start, s.begin() + std::max(start, end));
  DLC_TRY(c, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {(int64_t)v.size()}, v)));
  im.setOutput(0, c);
  return Error::success();
}

Error sizeOp(Importer &im) {
  DLC_TRY(s, im.inputShape(0));
  DLC_TRY(c, im.constant(ConstTensor::ofInts(onnx::TensorProto::INT64, {}, {numElements(s)})));
  im.setOutput(0, c);
  return Error::success();
}

Error constantOfShape(Importer &im) {
  DLC_TRY(type, im.outputType(0));
  double value = 0.0;
  if (const onnx::AttributeProto *a = im.attr("value")) {
    auto v = decodeTensor(a->t(), "");
    if (!v)
      return im.error(llvm::toString(v.takeError()));
    if (v->size() != 1)
      return im.error("value must hold one element");
    value = v->getDouble(0);
  }
  im.setOutput(0, im.splat(type, value));
  return Error::success();
}

Error range(Importer &im) {
  for (int k = 0; k < 3; ++k) {
    static const char *names[] = {"start", "limit", "delta"};
    DLC_TRY(c, im.constInput(k, names[k]));
    (void)c;
  }
  return im.error("cannot evaluate Range at import (its inputs must be scalars and delta non-zero)");
}

} // namespace

void addTensorConverters(ConverterMap &m) {
  m["Reshape"] = reshape;
  m["Flatten"] = flatten;
  m["Squeeze"] = squeeze;
  m["Unsqueeze"] = unsqueeze;
  m["Transpose"] = transposeOp;
  m["Concat"] = concat;
  m["Split"] = split;
  m["Slice"] = slice;
  m["Gather"] = gather;
  m["GatherElements"] = gatherElements;
  m["Pad"] = pad;
  m["Expand"] = expand;
  m["Tile"] = tile;
  m["Trilu"] = trilu;
  m["CumSum"] = cumulative<graph::CumSumOp>;
  m["CumProd"] = cumulative<graph::CumProdOp>;
  m["EyeLike"] = eyeLike;
  m["ScatterElements"] = scatterElements;
  m["Scatter"] = scatterElements;
  m["ScatterND"] = scatterND;
  m["GatherND"] = gatherND;
  m["Unique"] = valueDependentShape;
  m["NonZero"] = valueDependentShape;
  m["Compress"] = compress;
  m["DepthToSpace"] = blockRearrange<true>;
  m["SpaceToDepth"] = blockRearrange<false>;
  m["OneHot"] = oneHot;
  m["Shape"] = shapeOp;
  m["Size"] = sizeOp;
  m["ConstantOfShape"] = constantOfShape;
  m["Range"] = range;
}

} // namespace dlc::onnx_frontend::detail
