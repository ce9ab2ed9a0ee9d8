#ifndef DLC_GRAPH_COMPOSITE_INTERFACE
#define DLC_GRAPH_COMPOSITE_INTERFACE

include "mlir/IR/OpBase.td"

def Graph_CompositeOpInterface : OpInterface<"CompositeOpInterface"> {
  let cppNamespace = "::dlc::graph";
  let description = [{
    An op defined by its decomposition into other graph ops: the losses and the optimizer
    updates. It keeps the network's concept visible in the IR (`dlc compile --emit graph`,
    `dlc-opt`) and is built in one place by every producer (the ONNX importer, the
    training step); `dlc-decompose-composites` replaces it by its decomposition before
    autodiff differentiates it and before the lowering, so its gradient and its kernels
    are those of the ops it is made of.
  }];
  let methods = [
    InterfaceMethod<"Builds the op's results from other graph ops at the builder's insertion point.",
      "::llvm::LogicalResult", "decompose",
      (ins "::mlir::OpBuilder &":$b, "::llvm::SmallVectorImpl<::mlir::Value> &":$results)>,
  ];
}

#endif
