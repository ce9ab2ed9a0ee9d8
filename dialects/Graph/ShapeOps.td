#ifndef DLC_GRAPH_SHAPE_OPS
#define DLC_GRAPH_SHAPE_OPS

// Included from GraphOps.td: Graph_Op and the interfaces are defined.

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
// Gradient ops of the data movement: built by gradient rules where no forward op
// expresses the gradient.
//===----------------------------------------------------------------------===//
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

#endif // DLC_GRAPH_SHAPE_OPS
