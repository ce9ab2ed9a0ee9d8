// Converters of the reductions: ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/
// SumSquare (axes as attribute or, from ReduceSum-13 / opset 18, as input) and
// ArgMax/ArgMin, TopK.
#include "frontends/onnx/ImporterContext.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

template <const char *kind> Error reduce(Importer &im) {
  DLC_TRY(x, im.input(0));
  // Axes first: a run-time axes input leaves the output without an inferred shape, and
  // the error the user needs is about the axes.
  std::vector<int64_t> axes;
  if (im.has(1)) {
    DLC_TRY(a, im.constInput(1, "axes"));
    axes = a.toInts();
  } else {
    axes = im.attrInts("axes");
  }
  DLC_TRY(type, im.outputType(0));
  if (axes.empty() && im.attrInt("noop_with_empty_axes", 0) != 0) {
    im.setOutput(0, x);
    return Error::success();
  }
  auto norm = normalizeAxes(axes, Importer::typeOf(x).getRank());
  if (!norm)
    return im.error(llvm::toString(norm.takeError()));
  im.setOutput(0, graph::ReduceOp::create(im.b, im.loc(), type, x, kind, *norm, im.attrInt("keepdims", 1) != 0));
  return Error::success();
}

template <bool isMax> Error argReduce(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  int64_t rank = Importer::typeOf(x).getRank();
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", 0), std::max<int64_t>(rank, 1), "axis"));
  im.setOutput(0, graph::ArgReduceOp::create(im.b, im.loc(), type, x, isMax ? "max" : "min", (uint64_t)axis,
                                             im.attrInt("keepdims", 1) != 0,
                                             im.attrInt("select_last_index", 0) != 0));
  return Error::success();
}

/// LpNormalization: x / ||x||_p along `axis` (p = 1 or 2); a zero norm divides by 1.
Error lpNormalization(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(type, im.outputType(0));
  int64_t p = im.attrInt("p", 2);
  if (p != 1 && p != 2)
    return im.unsupportedAttr("p", llvm::Twine(p) + " (1 and 2 are the norms LpNormalization defines)");
  std::vector<int64_t> keep(type.getShape());
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", -1), (int64_t)keep.size(), "axis"));
  keep[axis] = 1;
  Type elem = type.getElementType();
  auto normType = im.tensorType(keep, elem);
  Value norm = graph::ReduceOp::create(im.b, im.loc(), normType, x, p == 1 ? "l1" : "l2",
                                       std::vector<int64_t>{axis}, true);
  Value zero = graph::EqualOp::create(im.b, im.loc(), im.tensorType(keep, im.b.getI1Type()), norm,
                                      im.scalar(elem, 0));
  norm = graph::WhereOp::create(im.b, im.loc(), normType, zero, im.scalar(elem, 1), norm);
  im.setOutput(0, graph::DivOp::create(im.b, im.loc(), type, x, norm));
  return Error::success();
}

/// TopK: graph.topk along the axis; K must be known at import (it fixes the shapes).
Error topK(Importer &im) {
  DLC_TRY(x, im.input(0));
  DLC_TRY(valuesType, im.outputType(0));
  DLC_TRY(indicesType, im.outputType(1));
  DLC_TRY(kc, im.constInput(1, "K"));
  if (kc.size() != 1)
    return im.error("K must hold one value, got " + llvm::Twine(kc.size()));
  DLC_TRY(axis, im.normAxis(im.attrInt("axis", -1), Importer::typeOf(x).getRank(), "axis"));
  auto op = graph::TopKOp::create(im.b, im.loc(), TypeRange{valuesType, indicesType}, x,
                                  im.b.getI64IntegerAttr(kc.getInt(0)), im.b.getI64IntegerAttr(axis),
                                  im.b.getBoolAttr(im.attrInt("largest", 1) != 0));
  im.setOutput(0, op.getValues());
  im.setOutput(1, op.getIndices());
  return Error::success();
}

constexpr char kSum[] = "sum", kMean[] = "mean", kMax[] = "max", kMin[] = "min", kProd[] = "prod", kL1[] = "l1",
               kL2[] = "l2", kLogSum[] = "log_sum", kLogSumExp[] = "log_sum_exp", kSumSquare[] = "sum_square";

} // namespace

void addReductionConverters(ConverterMap &m) {
  m["ReduceSum"] = reduce<kSum>;
  m["ReduceMean"] = reduce<kMean>;
  m["ReduceMax"] = reduce<kMax>;
  m["ReduceMin"] = reduce<kMin>;
  m["ReduceProd"] = reduce<kProd>;
  m["ReduceL1"] = reduce<kL1>;
  m["ReduceL2"] = reduce<kL2>;
  m["ReduceLogSum"] = reduce<kLogSum>;
  m["ReduceLogSumExp"] = reduce<kLogSumExp>;
  m["ReduceSumSquare"] = reduce<kSumSquare>;
  m["LpNormalization"] = lpNormalization;
  m["ArgMax"] = argReduce<true>;
  m["ArgMin"] = argReduce<false>;
  m["TopK"] = topK;
}

} // namespace dlc::onnx_frontend::detail
