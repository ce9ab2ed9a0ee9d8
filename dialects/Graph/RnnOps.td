#ifndef DLC_GRAPH_RNN_OPS
#define DLC_GRAPH_RNN_OPS

// Included at the end of GraphOps.td: Graph_Op and the gradient interface are defined.

//===----------------------------------------------------------------------===//
// Recurrent layers (ONNX RNN, GRU, LSTM). The recurrence stays one op until lowering,
// where it becomes one matmul for the input projection of every step and an scf.for
// over time (codegen/linalg/RnnLowering.cpp).
//===----------------------------------------------------------------------===//

class Graph_RecurrentOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat([AttrSizedOperandSegments,
        DeclareOpInterfaceMethods<Graph_GradientOpInterface, ["buildGradientsOfResults"]>], traits)> {
  let hasVerifier = 1;
}

// The attributes every recurrent op shares, as ONNX names them. `activations` (and the
// per-activation `activation_alpha`/`activation_beta`, same length) list the functions
// of the forward direction then of the reverse one; empty means ONNX's defaults.
defvar RecurrentCommonAttrs = (ins
    I64Attr:$hidden_size,
    DefaultValuedAttr<StrAttr, "\"forward\"">:$direction,
    DefaultValuedAttr<StrArrayAttr, "{}">:$activations,
    DefaultValuedAttr<F64ArrayAttr, "{}">:$activation_alpha,
    DefaultValuedAttr<F64ArrayAttr, "{}">:$activation_beta,
    OptionalAttr<F64Attr>:$clip,
    DefaultValuedAttr<I64Attr, "0">:$layout);

def Graph_RNNOp : Graph_RecurrentOp<"rnn"> {
  let summary = "simple recurrent layer: H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb)";
  let description = [{
    ONNX RNN. With `layout = 0`, X is `seq x batch x input`, W `dirs x hidden x input`,
    R `dirs x hidden x hidden`, B `dirs x 2*hidden`, sequence_lens `batch`, initial_h
    `dirs x batch x hidden`; Y is `seq x dirs x batch x hidden` and Y_h `dirs x batch x
    hidden`. `layout = 1` puts batch first in X, Y, initial_h and Y_h. `dirs` is 2 for
    `direction = "bidirectional"`, else 1. `saved` (built by the gradient rule, not by
    the importer) holds H_t of every step, `dirs x seq x batch x hidden`, for the
    backward pass.

    ```mlir
    %y, %yh = graph.rnn %x, %w, %r bias %b {hidden_size = 5 : i64, activations = ["Tanh"]}
        : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>)
        -> (tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$X, AnyRankedTensor:$W, AnyRankedTensor:$R,
                           Optional<AnyRankedTensor>:$B, Optional<AnyRankedTensor>:$sequence_lens,
                           Optional<AnyRankedTensor>:$initial_h), RecurrentCommonAttrs);
  let results = (outs AnyRankedTensor:$Y, AnyRankedTensor:$Y_h, Optional<AnyRankedTensor>:$saved);
  let assemblyFormat = [{
    $X `,` $W `,` $R (`bias` $B^)? (`sequence_lens` $sequence_lens^)? (`initial_h` $initial_h^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_GRUOp : Graph_RecurrentOp<"gru"> {
  let summary = "gated recurrent unit layer (ONNX GRU, gates z, r, h)";
  let description = [{
    ONNX GRU: `z = f(X Wz^T + H Rz^T + Wbz + Rbz)`, `r` likewise, `h~ = g(X Wh^T + (r * H)
    Rh^T + Rbh + Wbh)` (or `g(X Wh^T + r * (H Rh^T + Rbh) + Wbh)` with
    `linear_before_reset = 1`, as PyTorch), `H = (1 - z) * h~ + z * H`. Shapes as
    graph.rnn with 3*hidden gate rows in W, R and 6*hidden in B. `saved` holds z, r,
    h~, H Rh^T + Rbh and H of every step, `dirs x seq x batch x 5*hidden`.

    ```mlir
    %y, %yh = graph.gru %x, %w, %r {hidden_size = 4 : i64, linear_before_reset = 1 : i64}
        : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>)
        -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$X, AnyRankedTensor:$W, AnyRankedTensor:$R,
                           Optional<AnyRankedTensor>:$B, Optional<AnyRankedTensor>:$sequence_lens,
                           Optional<AnyRankedTensor>:$initial_h), RecurrentCommonAttrs,
                       (ins DefaultValuedAttr<I64Attr, "0">:$linear_before_reset));
  let results = (outs AnyRankedTensor:$Y, AnyRankedTensor:$Y_h, Optional<AnyRankedTensor>:$saved);
  let assemblyFormat = [{
    $X `,` $W `,` $R (`bias` $B^)? (`sequence_lens` $sequence_lens^)? (`initial_h` $initial_h^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_LSTMOp : Graph_RecurrentOp<"lstm"> {
  let summary = "long short-term memory layer (ONNX LSTM, gates i, o, f, c)";
  let description = [{
    ONNX LSTM: `i = f(X Wi^T + H Ri^T + Wbi + Rbi + Pi * C)`, `f` likewise with Pf (or
    `1 - i` with `input_forget = 1`), `c~ = g(X Wc^T + H Rc^T + Wbc + Rbc)`,
    `C = f * C + i * c~`, `o = f(X Wo^T + H Ro^T + Wbo + Rbo + Po * C)`, `H = o * h(C)`.
    Shapes as graph.rnn with 4*hidden gate rows in W, R and 8*hidden in B; initial_c and
    Y_c as initial_h and Y_h; peepholes P `dirs x 3*hidden` (i, o, f). `saved` holds
    i, o, f, c~, C and H of every step, `dirs x seq x batch x 6*hidden`.

    ```mlir
    %y, %yh, %yc = graph.lstm %x, %w, %r bias %b {hidden_size = 3 : i64, direction = "bidirectional"}
        : (tensor<4x2x5xf32>, tensor<2x12x5xf32>, tensor<2x12x3xf32>, tensor<2x24xf32>)
        -> (tensor<4x2x2x3xf32>, tensor<2x2x3xf32>, tensor<2x2x3xf32>)
    ```
  }];
  let arguments = !con((ins AnyRankedTensor:$X, AnyRankedTensor:$W, AnyRankedTensor:$R,
                           Optional<AnyRankedTensor>:$B, Optional<AnyRankedTensor>:$sequence_lens,
                           Optional<AnyRankedTensor>:$initial_h, Optional<AnyRankedTensor>:$initial_c,
                           Optional<AnyRankedTensor>:$P), RecurrentCommonAttrs,
                       (ins DefaultValuedAttr<I64Attr, "0">:$input_forget));
  let results = (outs AnyRankedTensor:$Y, AnyRankedTensor:$Y_h, AnyRankedTensor:$Y_c,
                      Optional<AnyRankedTensor>:$saved);
  let assemblyFormat = [{
    $X `,` $W `,` $R (`bias` $B^)? (`sequence_lens` $sequence_lens^)? (`initial_h` $initial_h^)?
    (`initial_c` $initial_c^)? (`peepholes` $P^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_RecurrentGradOp : Graph_Op<"recurrent_grad", [AttrSizedOperandSegments]> {
  let summary = "backpropagation through time of graph.rnn, graph.gru or graph.lstm";
  let description = [{
    Runs the recurrence of `cell` ("rnn", "gru" or "lstm") backwards over the activations
    its forward op saved (`saved`, see the forward ops), from the gradients of Y, Y_h
    (and Y_c). Results: the gradients of X, W, R, B, initial_h (and initial_c), shaped
    as those operands. B and initial_h are always given (zeros when the forward op had
    none). Activations must be Sigmoid, Tanh or Relu (their derivative follows from
    their output); sequence_lens, clip and peepholes are not supported.

    ```mlir
    %dx, %dw, %dr, %db, %dh0 = graph.recurrent_grad %x, %w, %r, %b, %h0 saved %saved grads %dy, %dyh
        {cell = "rnn", hidden_size = 5 : i64, direction = "forward", layout = 0 : i64,
         activations = ["Tanh"], linear_before_reset = 0 : i64}
        : (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, tensor<1x2x5xf32>,
           tensor<1x7x2x5xf32>, tensor<7x1x2x5xf32>, tensor<1x2x5xf32>)
        -> (tensor<7x2x3xf32>, tensor<1x5x3xf32>, tensor<1x5x5xf32>, tensor<1x10xf32>, tensor<1x2x5xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$X, AnyRankedTensor:$W, AnyRankedTensor:$R, AnyRankedTensor:$B,
                   AnyRankedTensor:$initial_h, Optional<AnyRankedTensor>:$initial_c, AnyRankedTensor:$saved,
                   AnyRankedTensor:$dY, AnyRankedTensor:$dY_h, Optional<AnyRankedTensor>:$dY_c,
                   StrAttr:$cell, I64Attr:$hidden_size, StrAttr:$direction, I64Attr:$layout,
                   StrArrayAttr:$activations, DefaultValuedAttr<I64Attr, "0">:$linear_before_reset);
  let results = (outs AnyRankedTensor:$dX, AnyRankedTensor:$dW, AnyRankedTensor:$dR, AnyRankedTensor:$dB,
                      AnyRankedTensor:$dinitial_h, Optional<AnyRankedTensor>:$dinitial_c);
  let assemblyFormat = [{
    $X `,` $W `,` $R `,` $B `,` $initial_h (`initial_c` $initial_c^)? `saved` $saved `grads` $dY `,` $dY_h
    (`,` $dY_c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // DLC_GRAPH_RNN_OPS
