// dlc.grad_reduce_start / dlc.grad_reduce_wait: verifiers, memory effects and bufferization.
#include "dialects/Abi/AbiDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace dlc::abi;

#define GET_OP_CLASSES
#include "dialects/Abi/AbiOps.cpp.inc"

namespace {

/// The runtime's reduction state: what orders a start before its wait and keeps both.
struct GradReduceResource : SideEffects::Resource::Base<GradReduceResource> {
  StringRef getName() final { return "dlc.grad_reduce"; }
};

/// Shared by both ops: one bucket is gradients of one float type, all tensors or all
/// contiguous memrefs.
LogicalResult verifyBucket(Operation *op, int64_t bucket, ValueRange grads) {
  if (bucket < 0)
    return op->emitOpError() << "bucket " << bucket << " is negative";
  if (grads.empty())
    return op->emitOpError() << "bucket " << bucket << " has no gradients";
  Type element = cast<ShapedType>(grads[0].getType()).getElementType();
  bool tensors = isa<RankedTensorType>(grads[0].getType());
  if (!isa<FloatType>(element))
    return op->emitOpError() << "gradient #0 has element type " << element << "; gradients are floats";
  for (auto [i, g] : llvm::enumerate(grads)) {
    auto shaped = cast<ShapedType>(g.getType());
    if (shaped.getElementType() != element)
      return op->emitOpError() << "gradient #" << i << " is " << g.getType() << ", gradient #0 " << grads[0].getType()
                               << ": a bucket holds one element type";
    if (isa<RankedTensorType>(shaped) != tensors || !(isa<RankedTensorType>(shaped) || isa<MemRefType>(shaped)))
      return op->emitOpError() << "gradient #" << i << " is " << g.getType()
                               << ": a bucket is all ranked tensors or all memrefs";
    if (!shaped.hasStaticShape())
      return op->emitOpError() << "gradient #" << i << " is " << g.getType() << ": shapes must be static";
    if (auto m = dyn_cast<MemRefType>(shaped); m && !m.getLayout().isIdentity())
      return op->emitOpError() << "gradient #" << i << " is " << g.getType()
                               << ": buffers must be contiguous (identity layout)";
  }
  return success();
}

void bucketEffects(Operation *op, bool writes,
                   SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  effects.emplace_back(MemoryEffects::Write::get(), GradReduceResource::get());
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    effects.emplace_back(MemoryEffects::Read::get(), &operand, SideEffects::DefaultResource::get());
    if (writes)
      effects.emplace_back(MemoryEffects::Write::get(), &operand, SideEffects::DefaultResource::get());
  }
}

/// The buffers of a bucket's gradients, and the dense ones to hand to the runtime: a
/// gradient bufferized into a slice of a larger buffer (a recurrent layer's bias halves)
/// goes through a dense copy, since the runtime takes dense buffers. At the op.
struct BucketBuffers {
  SmallVector<Value> buffers, dense;
};

FailureOr<BucketBuffers> bucketBuffers(Operation *op, RewriterBase &rewriter, ValueRange grads,
                                       const BufferizationOptions &options, const BufferizationState &state) {
  BucketBuffers out;
  for (Value g : grads) {
    FailureOr<Value> buffer = getBuffer(rewriter, g, options, state);
    if (failed(buffer))
      return failure();
    out.buffers.push_back(*buffer);
  }
  rewriter.setInsertionPoint(op);
  for (Value buffer : out.buffers) {
    auto type = cast<MemRefType>(buffer.getType());
    if (type.getLayout().isIdentity()) {
      out.dense.push_back(buffer);
      continue;
    }
    Value dense = memref::AllocOp::create(rewriter, op->getLoc(), MemRefType::get(type.getShape(), type.getElementType()));
    memref::CopyOp::create(rewriter, op->getLoc(), buffer, dense);
    out.dense.push_back(dense);
  }
  return out;
}

} // namespace

LogicalResult GradReduceStartOp::verify() { return verifyBucket(*this, getBucketAttr().getInt(), getGrads()); }

void GradReduceStartOp::getEffects(SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  bucketEffects(*this, /*writes=*/false, effects);
}

bool GradReduceStartOp::bufferizesToMemoryRead(OpOperand &, const AnalysisState &) { return true; }
bool GradReduceStartOp::bufferizesToMemoryWrite(OpOperand &, const AnalysisState &) { return false; }
AliasingValueList GradReduceStartOp::getAliasingValues(OpOperand &, const AnalysisState &) { return {}; }

LogicalResult GradReduceStartOp::bufferize(RewriterBase &rewriter, const BufferizationOptions &options,
                                           BufferizationState &state) {
  auto b = bucketBuffers(*this, rewriter, getGrads(), options, state);
  if (failed(b))
    return failure();
  GradReduceStartOp::create(rewriter, getLoc(), getBucket(), b->dense);
  rewriter.eraseOp(*this);
  return success();
}

LogicalResult GradReduceWaitOp::verify() {
  if (failed(verifyBucket(*this, getBucketAttr().getInt(), getGrads())))
    return failure();
  bool tensors = isa<RankedTensorType>(getGrads()[0].getType());
  if (!tensors && !getReduced().empty())
    return emitOpError() << "on memrefs the reduction is written in place: expected no results, got "
                         << getReduced().size();
  if (tensors && getReduced().getTypes() != getGrads().getTypes())
    return emitOpError() << "expected one result per gradient, of its type (" << getGrads().size()
                         << " gradients, " << getReduced().size() << " results)";
  return success();
}

void GradReduceWaitOp::getEffects(SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  bucketEffects(*this, /*writes=*/true, effects);
}

bool GradReduceWaitOp::bufferizesToMemoryRead(OpOperand &, const AnalysisState &) { return true; }
bool GradReduceWaitOp::bufferizesToMemoryWrite(OpOperand &, const AnalysisState &) { return true; }

AliasingValueList GradReduceWaitOp::getAliasingValues(OpOperand &operand, const AnalysisState &) {
  return {{getReduced()[operand.getOperandNumber()], BufferRelation::Equivalent}};
}

LogicalResult GradReduceWaitOp::bufferize(RewriterBase &rewriter, const BufferizationOptions &options,
                                          BufferizationState &state) {
  auto b = bucketBuffers(*this, rewriter, getGrads(), options, state);
  if (failed(b))
    return failure();
  // A slice waits in its dense copy (holding the local values: without a reduction bound,
  // wait leaves them), written back after.
  GradReduceWaitOp::create(rewriter, getLoc(), TypeRange{}, getBucket(), b->dense);
  for (auto [buffer, dense] : llvm::zip(b->buffers, b->dense))
    if (buffer != dense)
      memref::CopyOp::create(rewriter, getLoc(), dense, buffer);
  replaceOpWithBufferizedValues(rewriter, *this, b->buffers);
  return success();
}
