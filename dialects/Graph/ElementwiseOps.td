#ifndef DLC_GRAPH_ELEMENTWISE_OPS
#define DLC_GRAPH_ELEMENTWISE_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

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

#endif // DLC_GRAPH_ELEMENTWISE_OPS
