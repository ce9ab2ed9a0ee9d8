#ifndef DLC_GRAPH_OPS
#define DLC_GRAPH_OPS

include "dialects/Graph/GraphDialect.td"
include "dialects/Graph/CompositeInterface.td"
include "dialects/Graph/GradientInterface.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat([Pure], traits)>;

//===----------------------------------------------------------------------===//
// Elementwise ops. Binary ops broadcast their operands as NumPy does; the verifier
// checks the result shape is the broadcast shape.
//===----------------------------------------------------------------------===//

class Graph_UnaryOp<string mnemonic, string sum, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([SameOperandsAndResultShape], traits)> {
  let summary = sum;
  let description = !strconcat("Applies `", mnemonic, "` to every element.\n\n",
    "```mlir\n%y = graph.", mnemonic,
    " %x : (tensor<4x8xf32>) -> tensor<4x8xf32>\n```");
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_FloatUnaryOp<string mnemonic, string sum, list<Trait> traits = []>
    : Graph_UnaryOp<mnemonic, sum, !listconcat([SameOperandsAndResultType], traits)>;

def Graph_ReluOp : Graph_UnaryOp<"relu", "max(x, 0)", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_NegOp : Graph_UnaryOp<"neg", "-x", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AbsOp : Graph_UnaryOp<"abs", "|x|", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SignOp : Graph_UnaryOp<"sign", "-1, 0 or 1", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SigmoidOp : Graph_FloatUnaryOp<"sigmoid", "1 / (1 + exp(-x))", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_TanhOp : Graph_FloatUnaryOp<"tanh", "hyperbolic tangent", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_ExpOp : Graph_FloatUnaryOp<"exp", "e^x", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_LogOp : Graph_FloatUnaryOp<"log", "natural logarithm", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SqrtOp : Graph_FloatUnaryOp<"sqrt", "square root", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_ReciprocalOp : Graph_FloatUnaryOp<"reciprocal", "1 / x", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_ErfOp : Graph_FloatUnaryOp<"erf", "Gauss error function (GELU's building block)", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SoftplusOp : Graph_FloatUnaryOp<"softplus", "log(1 + exp(x))", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SoftsignOp : Graph_FloatUnaryOp<"softsign", "x / (1 + |x|)", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_MishOp : Graph_FloatUnaryOp<"mish", "x * tanh(softplus(x))", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_HardSwishOp : Graph_FloatUnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_FloorOp : Graph_FloatUnaryOp<"floor", "round toward -inf", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_CeilOp : Graph_FloatUnaryOp<"ceil", "round toward +inf", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_RoundOp : Graph_FloatUnaryOp<"round", "round half to even", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SinOp : Graph_FloatUnaryOp<"sin", "sine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_CosOp : Graph_FloatUnaryOp<"cos", "cosine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_TanOp : Graph_FloatUnaryOp<"tan", "tangent", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AsinOp : Graph_FloatUnaryOp<"asin", "arc sine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AcosOp : Graph_FloatUnaryOp<"acos", "arc cosine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AtanOp : Graph_FloatUnaryOp<"atan", "arc tangent", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SinhOp : Graph_FloatUnaryOp<"sinh", "hyperbolic sine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_CoshOp : Graph_FloatUnaryOp<"cosh", "hyperbolic cosine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AsinhOp : Graph_FloatUnaryOp<"asinh", "inverse hyperbolic sine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AcoshOp : Graph_FloatUnaryOp<"acosh", "inverse hyperbolic cosine", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AtanhOp : Graph_FloatUnaryOp<"atanh", "inverse hyperbolic tangent", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_NotOp : Graph_UnaryOp<"not", "logical not of a boolean tensor", [SameOperandsAndResultType]>;
def Graph_IsNaNOp : Graph_UnaryOp<"is_nan", "true where x is NaN">;
def Graph_IsInfOp : Graph_UnaryOp<"is_inf", "true where x is +-inf (selectable sign)"> {
  let arguments = (ins AnyRankedTensor:$input, DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                   DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
}
def Graph_CastOp : Graph_UnaryOp<"cast", "converts every element to the result's element type", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_BitcastOp : Graph_UnaryOp<"bitcast", "reinterprets every element's bits as the result's element type"> {
  let description = [{
    Each element keeps its bits and takes the result's element type, which must have the
    same bit width (ONNX BitCast; the 4-bit codes of float4e2m1 at the graph boundary).
    No gradient flows through it.

    ```mlir
    %y = graph.bitcast %x : (tensor<4xf32>) -> tensor<4xi32>
    %c = graph.bitcast %f : (tensor<8xf4E2M1FN>) -> tensor<8xui4>
    ```
  }];
}

class Graph_AlphaUnaryOp<string mnemonic, string sum, string alpha, list<Trait> traits = []>
    : Graph_FloatUnaryOp<mnemonic, sum, traits> {
  let arguments = (ins AnyRankedTensor:$input, DefaultValuedAttr<F64Attr, alpha>:$alpha);
}
def Graph_LeakyReluOp : Graph_AlphaUnaryOp<"leaky_relu", "x if x >= 0 else alpha * x", "0.01", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_EluOp : Graph_AlphaUnaryOp<"elu", "x if x > 0 else alpha * (exp(x) - 1)", "1.0", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_CeluOp : Graph_AlphaUnaryOp<"celu", "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))", "1.0", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_ThresholdedReluOp : Graph_AlphaUnaryOp<"thresholded_relu", "x if x > alpha else 0", "1.0", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SeluOp : Graph_FloatUnaryOp<"selu", "gamma * (x if x > 0 else alpha * (exp(x) - 1))", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input,
                   DefaultValuedAttr<F64Attr, "1.67326319217681884765625">:$alpha,
                   DefaultValuedAttr<F64Attr, "1.05070102214813232421875">:$gamma);
}
def Graph_HardSigmoidOp : Graph_FloatUnaryOp<"hard_sigmoid", "max(0, min(1, alpha * x + beta))", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input, DefaultValuedAttr<F64Attr, "0.2">:$alpha,
                   DefaultValuedAttr<F64Attr, "0.5">:$beta);
}
def Graph_ClipOp : Graph_UnaryOp<"clip", "min(max(x, min), max); absent bounds do not clip", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input, OptionalAttr<F64Attr>:$min, OptionalAttr<F64Attr>:$max);
}

class Graph_BinaryOp<string mnemonic, string sum, list<Trait> traits = []>
    : Graph_Op<mnemonic, traits> {
  let summary = sum;
  let description = !strconcat("Elementwise `", mnemonic, "` with NumPy broadcasting.\n\n",
    "```mlir\n%z = graph.", mnemonic,
    " %x, %y : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>\n```");
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_AddOp : Graph_BinaryOp<"add", "lhs + rhs", [Commutative, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_SubOp : Graph_BinaryOp<"sub", "lhs - rhs", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_MulOp : Graph_BinaryOp<"mul", "lhs * rhs", [Commutative, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_DivOp : Graph_BinaryOp<"div", "lhs / rhs (integer division truncates)", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_PowOp : Graph_BinaryOp<"pow", "lhs ^ rhs", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_MaxOp : Graph_BinaryOp<"max", "max(lhs, rhs)", [Commutative, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_MinOp : Graph_BinaryOp<"min", "min(lhs, rhs)", [Commutative, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_ModOp : Graph_BinaryOp<"mod", "remainder; fmod = true takes the sign of lhs", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs, DefaultValuedAttr<BoolAttr, "false">:$fmod);
}
def Graph_PReluOp : Graph_BinaryOp<"prelu", "lhs if lhs >= 0 else rhs * lhs (rhs: learned slope)", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_AndOp : Graph_BinaryOp<"and", "and: logical on booleans, bitwise on integers", [Commutative]>;
def Graph_OrOp : Graph_BinaryOp<"or", "or: logical on booleans, bitwise on integers", [Commutative]>;
def Graph_XorOp : Graph_BinaryOp<"xor", "xor: logical on booleans, bitwise on integers", [Commutative]>;
def Graph_ShiftLeftOp : Graph_BinaryOp<"shift_left",
    "lhs << rhs on integers; 0 where rhs is negative or not below the bit width">;
def Graph_ShiftRightOp : Graph_BinaryOp<"shift_right",
    "lhs >> rhs on integers, arithmetic for signed and logical for unsigned lhs; a shift amount that is negative or not below the bit width leaves only the sign fill">;
def Graph_EqualOp : Graph_BinaryOp<"equal", "lhs == rhs, a boolean tensor", [Commutative]>;
def Graph_LessOp : Graph_BinaryOp<"less", "lhs < rhs, a boolean tensor">;
def Graph_LessEqualOp : Graph_BinaryOp<"less_equal", "lhs <= rhs, a boolean tensor">;
def Graph_GreaterOp : Graph_BinaryOp<"greater", "lhs > rhs, a boolean tensor">;
def Graph_GreaterEqualOp : Graph_BinaryOp<"greater_equal", "lhs >= rhs, a boolean tensor">;

def Graph_WhereOp : Graph_Op<"where", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "condition ? lhs : rhs, with NumPy broadcasting of all three";
  let description = [{
    ```mlir
    %z = graph.where %c, %x, %y : (tensor<4x1xi1>, tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$condition, AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$condition `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Contractions, convolution, pooling.
//===----------------------------------------------------------------------===//

def Graph_MatMulOp : Graph_Op<"matmul", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "matrix product with NumPy semantics (batched, broadcast, 1-D promotion)";
  let description = [{
    ```mlir
    %c = graph.matmul %a, %b : (tensor<8x64x32xf32>, tensor<32x16xf32>) -> tensor<8x64x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "N-d convolution (cross-correlation), channels first, with groups";
  let description = [{
    Input `N x C x D1 x ... x Dn`, weight `M x C/group x K1 x ... x Kn`, optional bias `M`.
    `pads` holds the begin pads of every spatial axis, then the end pads.

    ```mlir
    %y = graph.conv %x, %w, %b {strides = [1, 1], pads = [2, 2, 2, 2], dilations = [1, 1], group = 1}
        : (tensor<1x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<1x6x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight, Optional<AnyRankedTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConvTransposeOp : Graph_Op<"conv_transpose", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "N-d transposed convolution (the gradient of conv with respect to its input)";
  let description = [{
    Input `N x C x D1..Dn`, weight `C x M/group x K1..Kn`; output size per axis is
    `stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end`.

    ```mlir
    %y = graph.conv_transpose %x, %w {strides = [2, 2], pads = [0, 0, 0, 0], dilations = [1, 1],
        output_padding = [0, 0], group = 1} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x17x17xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight, Optional<AnyRankedTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$output_padding, DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_PoolOp<string mnemonic, string sum, list<Trait> traits = []> : Graph_Op<mnemonic, traits> {
  let summary = sum;
  let description = !strconcat("Sliding-window pooling over the spatial axes of an N x C x ... tensor.\n",
    "`pads` holds begin pads then end pads; `ceil_mode` is already reflected in the result shape.\n\n",
    "```mlir\n%y = graph.", mnemonic, " %x {kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0], ",
    "dilations = [1, 1]}\n    : (tensor<1x6x28x28xf32>) -> tensor<1x6x14x14xf32>\n```");
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_MaxPoolOp : Graph_PoolOp<"max_pool", "max pooling", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations);
}
def Graph_AvgPoolOp : Graph_PoolOp<"avg_pool", "average pooling", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}

def Graph_MaxPoolGradOp : Graph_Op<"max_pool_grad"> {
  let summary = "gradient of max_pool with respect to its input";
  let description = [{
    Routes every output gradient to the input positions of its window that equal the
    window's maximum `output` (the forward result).

    ```mlir
    %dx = graph.max_pool_grad %x, %y, %dy {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
        : (tensor<1x6x28x28xf32>, tensor<1x6x14x14xf32>, tensor<1x6x14x14xf32>) -> tensor<1x6x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$output, AnyRankedTensor:$output_grad,
                   DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization and softmax.
//===----------------------------------------------------------------------===//

def Graph_BatchNormOp : Graph_Op<"batch_norm"> {
  let summary = "batch normalization with running statistics (inference)";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (axis 1). In
    train_step, `dlc-build-train-step` uses the batch's statistics instead and updates
    the running ones: `mean = mean * momentum + batch_mean * (1 - momentum)` (ONNX's
    momentum; PyTorch's is 1 - it), the variance likewise with the unbiased batch variance.

    ```mlir
    %y = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f64}
        : (tensor<8x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale, AnyRankedTensor:$bias,
                   AnyRankedTensor:$mean, AnyRankedTensor:$variance, DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon,
                   DefaultValuedAttr<F64Attr, "0.9">:$momentum);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_InstanceNormOp : Graph_Op<"instance_norm", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "normalizes every (sample, channel) over its spatial axes";
  let description = [{
    ```mlir
    %y = graph.instance_norm %x, %s, %b {epsilon = 1.0e-05 : f64}
        : (tensor<2x3x8x8xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale, AnyRankedTensor:$bias,
                   DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_Op<"layer_norm", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "normalizes over the axes from `axis` to the last, then scales and shifts";
  let description = [{
    ```mlir
    %y = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f64}
        : (tensor<2x5x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x5x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale, Optional<AnyRankedTensor>:$bias,
                   I64Attr:$axis, DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Graph_AxisOp<string mnemonic, string sum, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([SameOperandsAndResultType], traits)> {
  let summary = sum;
  let description = !strconcat("Along one axis (non-negative).\n\n```mlir\n%y = graph.", mnemonic,
    " %x {axis = 1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>\n```");
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Graph_SoftmaxOp : Graph_AxisOp<"softmax", "exp(x - max) / sum(exp(x - max)) along axis", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_LogSoftmaxOp : Graph_AxisOp<"log_softmax", "x - max - log(sum(exp(x - max))) along axis", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;
def Graph_HardmaxOp : Graph_AxisOp<"hardmax", "1 at the first maximum along axis, 0 elsewhere", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]>;

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

def Graph_ReduceOp : Graph_Op<"reduce", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "reduces the given axes with one of sum, mean, max, min, prod, l1, l2, log_sum, log_sum_exp, sum_square";
  let description = [{
    `axes` are non-negative and sorted; `keepdims` keeps them as size-1 axes.

    ```mlir
    %y = graph.reduce %x {kind = "mean", axes = [2, 3], keepdims = true}
        : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$kind, DenseI64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ArgReduceOp : Graph_Op<"arg_reduce"> {
  let summary = "index (i64) of the max or min along an axis";
  let description = [{
    ```mlir
    %i = graph.arg_reduce %x {kind = "max", axis = 1 : i64, keepdims = false, select_last_index = false}
        : (tensor<4x10xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$kind, I64Attr:$axis, BoolAttr:$keepdims,
                   BoolAttr:$select_last_index);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TopKOp : Graph_Op<"topk"> {
  let summary = "the k largest (or smallest) elements along an axis, sorted, with their i64 indices";
  let description = [{
    `values` holds, along `axis`, the k largest elements (the k smallest with
    `largest = false`) in order, best first; `indices` their positions. Of equal elements
    the one with the lower index comes first (ONNX TopK).

    ```mlir
    %v, %i = graph.topk %x {k = 3 : i64, axis = 1 : i64, largest = true}
        : (tensor<4x10xf32>) -> (tensor<4x3xf32>, tensor<4x3xi64>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$k, I64Attr:$axis, BoolAttr:$largest);
  let results = (outs AnyRankedTensor:$values, AnyRankedTensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_Op<"cumsum", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "cumulative sum along an axis (exclusive and reverse variants)";
  let description = [{
    ```mlir
    %y = graph.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<5xf32>) -> tensor<5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, BoolAttr:$exclusive, BoolAttr:$reverse);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_CumProdOp : Graph_Op<"cumprod", [SameOperandsAndResultType]> {
  let summary = "cumulative product along an axis (exclusive and reverse variants)";
  let description = [{
    Like `graph.cumsum` with products: an exclusive product starts at 1.

    ```mlir
    %y = graph.cumprod %x {axis = 0 : i64, exclusive = true, reverse = false} : (tensor<5xf32>) -> tensor<5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, BoolAttr:$exclusive, BoolAttr:$reverse);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement.
//===----------------------------------------------------------------------===//

def Graph_ConstantOp : Graph_Op<"constant", [ConstantLike, AllTypesMatch<["value", "output"]>]> {
  let summary = "a constant tensor";
  let description = [{
    ```mlir
    %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Graph_ReshapeOp : Graph_Op<"reshape", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "same elements in the same order, another shape (Reshape, Flatten, Squeeze, Unsqueeze)";
  let description = [{
    ```mlir
    %y = graph.reshape %x : (tensor<64x16x5x5xf32>) -> tensor<64x400xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "permutes the axes: result axis i is input axis perm[i]";
  let description = [{
    ```mlir
    %y = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "joins tensors along an axis";
  let description = [{
    ```mlir
    %y = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SliceOp : Graph_Op<"slice", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "strided slice: result[i] = input[starts + i * steps] on every axis";
  let description = [{
    `starts` are in range, `steps` non-zero; the result shape gives the count per axis.

    ```mlir
    %y = graph.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, 2>} : (tensor<4x10xf32>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherOp : Graph_Op<"gather", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "takes slices along an axis at the given indices (embedding lookup); negative indices wrap";
  let description = [{
    ```mlir
    %y = graph.gather %table, %idx {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x7xi64>) -> tensor<2x7x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherElementsOp : Graph_Op<"gather_elements", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "result[i][j] = input[index[i][j]][j] along axis (shape of the indices)";
  let description = [{
    ```mlir
    %y = graph.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x3xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ScatterElementsOp : Graph_Op<"scatter_elements", [AllTypesMatch<["input", "output"]>]> {
  let summary = "the input with updates written (or combined) at the positions the indices name along axis";
  let description = [{
    `output = input`, then for every position `p` of `updates`:
    `output[p with p[axis] = indices[p]] = combine(that element, updates[p])`, where
    `combine` is `reduction`: `none` (the update replaces it; with repeated indices the
    last one in row-major order wins), `add`, `mul`, `max` or `min`. Negative indices
    count from the end of the axis. ONNX ScatterElements; ScatterND scatters rows this way.

    ```mlir
    %y = graph.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"}
        : (tensor<3x3xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices, AnyRankedTensor:$updates, I64Attr:$axis,
                   DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_PadOp : Graph_Op<"pad", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "pads every axis (begin pads then end pads; negative pads crop) in constant, reflect or edge mode";
  let description = [{
    ```mlir
    %y = graph.pad %x {pads = array<i64: 1, 2, 1, 2>, mode = "constant", value = 0.0 : f64}
        : (tensor<3x4xf32>) -> tensor<5x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$pads, StrAttr:$mode, F64Attr:$value);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_BroadcastOp : Graph_Op<"broadcast", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "broadcasts to the result shape with NumPy rules (Expand)";
  let description = [{
    ```mlir
    %y = graph.broadcast %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TileOp : Graph_Op<"tile", [DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "repeats the input along every axis; the result shape gives the repeats";
  let description = [{
    ```mlir
    %y = graph.tile %x : (tensor<2x3xf32>) -> tensor<4x9xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TriluOp : Graph_Op<"trilu", [SameOperandsAndResultType, DeclareOpInterfaceMethods<Graph_GradientOpInterface>]> {
  let summary = "keeps the upper (or lower) triangle of the last two axes from diagonal k";
  let description = [{
    ```mlir
    %y = graph.trilu %x {upper = true, k = 0 : i64} : (tensor<4x5xf32>) -> tensor<4x5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, BoolAttr:$upper, I64Attr:$k);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dropout (training) and its counter-based random mask.
//===----------------------------------------------------------------------===//

def Graph_DropoutOp : Graph_Op<"dropout", [SameOperandsAndResultType]> {
  let summary = "a dropout site: the identity, except in train_step";
  let description = [{
    ONNX Dropout as imported. In `infer` and `eval_step` it is the identity and folds
    away; `dlc-build-train-step` replaces it in `train_step` by
    `input * graph.dropout_mask(rng.seed, optimizer.step)` with the same `ratio`, so
    autodiff's rule for `graph.mul` gives the gradient through the same mask. `ratio`
    (the probability of dropping an element) is in [0, 1).

    ```mlir
    %y = graph.dropout %x {ratio = 5.000000e-01 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, F64Attr:$ratio);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_DropoutMaskOp : Graph_Op<"dropout_mask"> {
  let summary = "dropout's scaled keep mask from a counter-based hash of (seed, counter, site, element)";
  let description = [{
    Every element is 0 (dropped, with probability `ratio`) or `1 / (1 - ratio)` (kept),
    as PyTorch scales kept units. The draw is a pure function, so a mask is the same on
    every run with the same `seed` (i64 scalar) and differs per `counter` (i64 scalar,
    train_step passes optimizer.step) and per dropout `site`. With
    `mix` the splitmix64 finalizer, `G = 0x9E3779B97F4A7C15` and unsigned 64-bit
    wrap-around arithmetic, element `i` (row-major linear index) draws

        key = mix(mix(seed + (site + 1) * G) + counter * G)
        u   = float(mix(key + i * G) >> 40) * 2^-24          (in [0, 1), exact in f32)
        out = u >= float(ratio) ? 1 / (1 - ratio) : 0

    ```mlir
    %m = graph.dropout_mask %seed, %step {ratio = 1.000000e-01 : f64, site = 0 : i64}
        : (tensor<i64>, tensor<i64>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$seed, AnyRankedTensor:$counter, F64Attr:$ratio, I64Attr:$site);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$seed `,` $counter attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Gradient ops: built by gradient rules where no forward op expresses the gradient.
//===----------------------------------------------------------------------===//

def Graph_AvgPoolGradOp : Graph_Op<"avg_pool_grad"> {
  let summary = "gradient of avg_pool with respect to its input";
  let description = [{
    Every output gradient, divided by its window's element count (as avg_pool counts
    it, with or without `count_include_pad`), is added to each input position of its
    window. The attributes are the forward avg_pool's; the result has the input's type.

    ```mlir
    %dx = graph.avg_pool_grad %dy {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,
        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = false}
        : (tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$output_grad, DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "$output_grad attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SliceGradOp : Graph_Op<"slice_grad"> {
  let summary = "gradient of slice: the output gradient placed at the sliced positions, zero elsewhere";
  let description = [{
    `starts` and `steps` are the forward slice's; the result has the sliced input's type.
    `input_grad[starts + i * steps] = output_grad[i]` on every axis.

    ```mlir
    %dx = graph.slice_grad %dy {starts = array<i64: 0, 2>, steps = array<i64: 1, 2>}
        : (tensor<4x4xf32>) -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$output_grad, DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "$output_grad attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherGradOp : Graph_Op<"gather_grad"> {
  let summary = "gradient of gather: scatter-adds the output gradient into a zero table";
  let description = [{
    `input_grad[..., wrap(indices[j]), ...] += output_grad[..., j, ...]` along `axis`,
    so rows picked several times (an embedding's repeated tokens) sum their gradients.
    Negative indices wrap as in gather. The result has the gathered input's type.

    ```mlir
    %dw = graph.gather_grad %dy, %idx {axis = 0 : i64}
        : (tensor<2x7x16xf32>, tensor<2x7xi64>) -> tensor<100x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$output_grad, AnyRankedTensor:$indices, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "$output_grad `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GatherElementsGradOp : Graph_Op<"gather_elements_grad"> {
  let summary = "gradient of gather_elements: scatter-adds the output gradient along an axis";
  let description = [{
    `input_grad[i with i[axis] = wrap(indices[i])] += output_grad[i]` for every position
    `i` of the indices (which have the output gradient's shape). The result has the
    gathered input's type.

    ```mlir
    %dx = graph.gather_elements_grad %dy, %idx {axis = 1 : i64}
        : (tensor<3x2xf32>, tensor<3x2xi64>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$output_grad, AnyRankedTensor:$indices, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "$output_grad `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_PadGradOp : Graph_Op<"pad_grad"> {
  let summary = "gradient of a reflect or edge pad: each output gradient added to the element it copies";
  let description = [{
    `pads` and `mode` (`reflect` or `edge`) are the forward pad's; the result has the
    padded input's type. (A constant pad's gradient is a constant pad with the pads
    negated.)

    ```mlir
    %dx = graph.pad_grad %dy {pads = array<i64: 1, 2, 1, 2>, mode = "reflect"}
        : (tensor<5x8xf32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$output_grad, DenseI64ArrayAttr:$pads, StrAttr:$mode);
  let results = (outs AnyRankedTensor:$input_grad);
  let assemblyFormat = "$output_grad attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

include "dialects/Graph/GraphRecurrentOps.td"
include "dialects/Graph/LossOps.td"
include "dialects/Graph/OptimizerOps.td"

#endif // DLC_GRAPH_OPS
