#ifndef DLC_GRAPH_GRADIENT_INTERFACE
#define DLC_GRAPH_GRADIENT_INTERFACE

include "mlir/IR/OpBase.td"

def Graph_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::dlc::graph";
  let description = [{
    The reverse-mode gradient rule of a differentiable graph op, used by autodiff
    (`dlc-build-train-step`): given the gradient of the loss with respect to the op's
    result, build the gradients with respect to its operands, as graph ops at the
    builder's insertion point. Operands without a gradient (integer indices, constants
    that are no function of the parameters) get a null Value.
  }];
  let methods = [
    InterfaceMethod<"Builds the operand gradients from the result gradient.",
      "::llvm::LogicalResult", "buildGradients",
      (ins "::mlir::OpBuilder &":$b, "::mlir::Value":$resultGrad,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>,
    InterfaceMethod<[{Builds the operand gradients from the gradients of every result (a null
      Value for a result the loss does not depend on). Ops with several results implement it;
      the default passes the first result's gradient to buildGradients.}],
      "::llvm::LogicalResult", "buildGradientsOfResults",
      (ins "::mlir::OpBuilder &":$b, "::mlir::ValueRange":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads), "",
      [{ return $_op.buildGradients(b, resultGrads.front(), operandGrads); }]>,
  ];
}

#endif
