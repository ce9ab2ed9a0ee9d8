// ONNX packs int4, uint4 and float4e2m1 two to a byte and int2, uint2 four to a byte, from
// the least significant bits. Inside the graph such a tensor has one element per byte
// (i4, ui4, i2, ui2, f4E2M1FN); at the entry points it crosses as the packed bytes, so a
// caller's buffers are what ONNX and the runtime's manifest describe. These compositions
// unpack a graph input and pack a graph output.
#include "frontends/onnx/ImporterContext.h"

#include "dialects/Graph/GraphBuilders.h"

using namespace mlir;

namespace dlc::onnx_frontend::detail {

namespace {

int64_t bitsOf(Type elem) { return elem.getIntOrFloatBitWidth(); }

} // namespace

int64_t packedBytes(RankedTensorType logical) {
  return (logical.getNumElements() * bitsOf(logical.getElementType()) + 7) / 8;
}

Value unpackTensor(Importer &im, Value bytes, RankedTensorType logical) {
  OpBuilder &b = im.b;
  Location l = im.loc();
  Type u8 = IntegerType::get(&im.ctx, 8, IntegerType::Unsigned);
  Type elem = logical.getElementType();
  int64_t bits = bitsOf(elem), per = 8 / bits, count = packedBytes(logical), n = logical.getNumElements();
  SmallVector<Value> parts;
  for (int64_t j = 0; j < per; ++j) {
    Value shifted = graph::ShiftRightOp::create(b, l, Importer::typeOf(bytes), bytes, im.scalar(u8, j * bits));
    Value code = graph::AndOp::create(b, l, Importer::typeOf(bytes), shifted, im.scalar(u8, (1 << bits) - 1));
    parts.push_back(im.reshape(code, {count, 1}));
  }
  Value codes = graph::ConcatOp::create(b, l, im.tensorType({count, per}, u8), parts, b.getI64IntegerAttr(1));
  codes = im.reshape(codes, {count * per});
  if (count * per != n)
    codes = graph::SliceOp::create(b, l, im.tensorType({n}, u8), codes, b.getDenseI64ArrayAttr({0}),
                                   b.getDenseI64ArrayAttr({1}));
  Value values;
  auto flat = [&](Type t) { return im.tensorType({n}, t); };
  if (isa<FloatType>(elem)) {
    Type code = IntegerType::get(&im.ctx, bits, IntegerType::Unsigned);
    values = graph::BitcastOp::create(b, l, flat(elem), graph::CastOp::create(b, l, flat(code), codes));
  } else if (elem.isUnsignedInteger()) {
    values = graph::CastOp::create(b, l, flat(elem), codes);
  } else { // two's complement: (code ^ sign) - sign extends the sign bit
    Type i8 = b.getIntegerType(8);
    Value v = graph::CastOp::create(b, l, flat(i8), codes);
    Value sign = im.scalar(i8, 1 << (bits - 1));
    v = graph::SubOp::create(b, l, flat(i8), graph::XorOp::create(b, l, flat(i8), v, sign), sign);
    values = graph::CastOp::create(b, l, flat(elem), v);
  }
  return im.reshape(values, logical.getShape());
}

Value packTensor(Importer &im, Value value) {
  OpBuilder &b = im.b;
  Location l = im.loc();
  auto logical = Importer::typeOf(value);
  Type u8 = IntegerType::get(&im.ctx, 8, IntegerType::Unsigned);
  Type elem = logical.getElementType();
  int64_t bits = bitsOf(elem), per = 8 / bits, count = packedBytes(logical), n = logical.getNumElements();
  auto flat = [&](int64_t size, Type t) { return im.tensorType({size}, t); };
  Value v = im.reshape(value, {n});
  Value codes;
  if (isa<FloatType>(elem)) {
    Type code = IntegerType::get(&im.ctx, bits, IntegerType::Unsigned);
    codes = graph::CastOp::create(b, l, flat(n, u8), graph::BitcastOp::create(b, l, flat(n, code), v));
  } else if (elem.isUnsignedInteger()) {
    codes = graph::CastOp::create(b, l, flat(n, u8), v);
  } else {
    Value wide = graph::CastOp::create(b, l, flat(n, b.getIntegerType(8)), v);
    codes = graph::AndOp::create(b, l, flat(n, u8), graph::BitcastOp::create(b, l, flat(n, u8), wide),
                                 im.scalar(u8, (1 << bits) - 1));
  }
  if (count * per != n) {
    Value zeros = im.splat(flat(count * per - n, u8), 0);
    codes = graph::ConcatOp::create(b, l, flat(count * per, u8), ValueRange{codes, zeros}, b.getI64IntegerAttr(0));
  }
  codes = im.reshape(codes, {count, per});
  Value packed;
  for (int64_t j = 0; j < per; ++j) {
    Value column = graph::SliceOp::create(b, l, im.tensorType({count, 1}, u8), codes, b.getDenseI64ArrayAttr({0, j}),
                                          b.getDenseI64ArrayAttr({1, 1}));
    column = im.reshape(column, {count});
    if (j)
      column = graph::ShiftLeftOp::create(b, l, flat(count, u8), column, im.scalar(u8, j * bits));
    packed = packed ? (Value)graph::OrOp::create(b, l, flat(count, u8), packed, column) : column;
  }
  return packed;
}

} // namespace dlc::onnx_frontend::detail
