#ifndef DLC_COMPILER_PASSES
#define DLC_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

// The graph-level passes: they know no target.

//===----------------------------------------------------------------------===//
// Training
//===----------------------------------------------------------------------===//

def BuildTrainStep : Pass<"dlc-build-train-step", "mlir::ModuleOp"> {
  let summary = "Adds train_step and eval_step entry points: loss, reverse-mode autodiff, optimizer update";
  let description = [{
    From `@infer` (inputs, then parameters marked `dlc.kind = "param"`), builds
    `@eval_step(inputs, label, params) -> (loss, outputs)` and
    `@train_step(inputs, label, params) -> loss`. train_step differentiates the loss with
    respect to every trainable parameter (each op's GradientOpInterface rule, gradients
    summed where a value fans out, only ops between the parameters and the loss), then
    updates the parameters, the optimizer state and the step counter in place
    (`bufferization.materialize_in_destination` into their arguments). Optimizer state
    slots, `optimizer.lr` and `optimizer.step` become new parameters of every entry point,
    with `dlc.init` telling their initial value. In train_step each `graph.dropout`
    becomes `x * graph.dropout_mask(rng.seed, optimizer.step)` (`rng.seed` is one more
    parameter when the graph has dropout); infer and eval_step keep the identity.

    For data-parallel training, the gradients are grouped into buckets of about
    `grad-bucket-mb` MiB in the order the backward pass finishes them (PyTorch DDP's
    default is 25 MB): a `dlc.grad_reduce_start` follows the op that completes each
    bucket, and the `dlc.grad_reduce_wait`s, after the backward pass, give the averaged
    gradients that clipping and the update read. In one process both do nothing. With
    `sync-batchnorm`, batch norm's batch mean and variance in train_step are averaged over
    the ranks (`graph.rank_mean`: the mean first, then the variance around it), so that
    N ranks normalize as one process at N times the batch.

    ```mlir
    func.func @infer(%x: tensor<4x3xf32> {dlc.kind = "input"}, %w: tensor<3x2xf32> {dlc.kind = "param"}) -> tensor<4x2xf32>
    // gains
    func.func @train_step(%x: ..., %label: tensor<4xi64>, %w: ..., %w_m: ..., %lr: tensor<f32>, %step: tensor<i64>) -> tensor<f32>
    ```
  }];
  let dependentDialects = ["::dlc::graph::GraphDialect", "::dlc::abi::AbiDialect",
                           "::mlir::bufferization::BufferizationDialect"];
  let options = [
    Option<"loss", "loss", "std::string", "\"cross_entropy\"",
           "mse, l1, bce, bce_logits, cross_entropy or nll, applied to the first output">,
    Option<"lossOutput", "loss-output", "std::string", "\"\"",
           "Train this scalar output of the graph instead of appending a loss">,
    Option<"label", "label", "std::string", "\"label\"", "Name of the label input">,
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"",
           "sgd, momentum, nesterov, adam, adamw, rmsprop or adagrad">,
    Option<"lr", "lr", "double", "0.01", "Initial learning rate (optimizer.lr)">,
    Option<"momentum", "momentum", "double", "0.9", "Momentum of momentum and nesterov">,
    Option<"weightDecay", "weight-decay", "double", "0.0", "L2 penalty (decoupled for adamw)">,
    Option<"beta1", "beta1", "double", "0.9", "Adam's beta1">,
    Option<"beta2", "beta2", "double", "0.999", "Adam's beta2">,
    Option<"epsilon", "epsilon", "double", "-1.0", "Denominator epsilon (default: PyTorch's per optimizer)">,
    Option<"alpha", "alpha", "double", "0.99", "RMSProp's smoothing constant">,
    Option<"clipGradNorm", "clip-grad-norm", "double", "0.0", "Clip the global gradient norm to this (0: off)">,
    Option<"freeze", "freeze", "std::string", "\"\"",
           "Parameters whose name this ECMAScript regex matches anywhere (re.search) do not train">,
    Option<"labelSmoothing", "label-smoothing", "double", "0.0",
           "cross_entropy's label smoothing in [0, 1], as torch.nn.CrossEntropyLoss">,
    Option<"syncBatchnorm", "sync-batchnorm", "bool", "false",
           "Batch norm in train_step uses the statistics of the global batch of all data-parallel ranks">,
    Option<"gradBucketMb", "grad-bucket-mb", "double", "25.0",
           "Size of the gradient buckets averaged across data-parallel ranks during the backward pass (MiB)">,
  ];
}

//===----------------------------------------------------------------------===//
// Graph -> kernel
//===----------------------------------------------------------------------===//

def FuseKernels : Pass<"dlc-fuse-kernels", "mlir::func::FuncOp"> {
  let summary = "Groups graph ops into kernel.group regions, one per generated kernel";
  let description = [{
    Every op that computes (matmul, conv, pooling, normalization, reductions, data
    movement, elementwise math) starts a kernel; an elementwise op joins the kernel of
    its producer when it is that producer's only user and does not broadcast the result
    to a larger shape. So bias adds, activations and batch-norm epilogues join the
    matmul or conv before them, and elementwise chains become one kernel. Shape-only
    ops (reshape) and constants stay outside.

    ```mlir
    %0 = graph.matmul %x, %w : ...
    %1 = graph.add %0, %b : ...
    %2 = graph.relu %1 : ...
    // becomes
    %2 = kernel.group "matmul_add_relu" (%x, %w, %b) : (...) -> ... { ... }
    ```
  }];
  let dependentDialects = ["::dlc::kernel::KernelDialect"];
  let options = [
    Option<"maxOpsPerKernel", "max-ops-per-kernel", "unsigned", "16",
           "Largest number of graph ops fused into one kernel">,
  ];
}

def OutlineKernels : Pass<"dlc-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Turns every kernel.group into a private function and a call";
  let description = [{
    The host code of an entry point becomes a sequence of calls, one per kernel; each
    kernel function is lowered and fused on its own.

    ```mlir
    %2 = kernel.group "matmul_add_relu" (%x, %w, %b) : ... { ... }
    // becomes
    %2 = func.call @k0_matmul_add_relu(%x, %w, %b) : ...
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def DecomposeComposites : Pass<"dlc-decompose-composites", "mlir::ModuleOp"> {
  let summary = "Replaces losses and optimizer updates by the graph ops that define them";
  let description = [{
    Every op with `CompositeOpInterface` (the losses, the optimizer updates) becomes its
    decomposition, so that fusion and the lowering see only the ops it is made of.
    `dlc-build-train-step` does the same to the loss before differentiating it.

    ```mlir
    %l = graph.mse_loss %y, %t {reduction = "mean"} : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
    // becomes
    %d = graph.sub %y, %t : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    %s = graph.mul %d, %d : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    %r = graph.reduce %s {axes = array<i64: 0>, keepdims = false, kind = "sum"} : (tensor<8xf32>) -> tensor<f32>
    %n = graph.constant dense<8.0> : tensor<f32>
    %l = graph.div %r, %n : (tensor<f32>, tensor<f32>) -> tensor<f32>
    ```
  }];
}

def AnnotateIndexInputs : Pass<"dlc-annotate-index-inputs", "mlir::ModuleOp"> {
  let summary = "Marks the integer inputs the compiled code reads memory at with the values they may hold";
  let description = [{
    The generated code indexes tables with a Gather's indices and selects classes with a
    loss's labels without bounds checks: a token id or a label out of range would read
    outside the buffer. Every entry input of type i32 or i64 that reaches such an op
    (directly or through reshape, transpose, broadcast and integer casts) gets
    `dlc.index_range` = [lo, hi) (and the loss's ignore_index as a third value) and
    `dlc.index_use`, the op that reads it; the manifest carries them and the runtime
    refuses a call whose values lie outside. An input reaching several such ops gets the
    intersection, and an input gets the same range in every entry point (by name).
    `dlc-build-train-step` marks the label it adds before it decomposes the loss.

    ```mlir
    func.func @infer(%tok: tensor<2x3xi64> {dlc.kind = #dlc<kind input>, dlc.name = "tokens"},
                     %emb: tensor<10x4xf32> {dlc.kind = #dlc<kind param>, dlc.name = "emb"}) -> tensor<2x3x4xf32>
        attributes {dlc.entry} {
      %e = graph.gather %emb, %tok {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32> loc("embed")
      return %e : tensor<2x3x4xf32>
    }
    // %tok gets {dlc.index_range = array<i64: -10, 10>, dlc.index_use = "Gather 'embed'"}
    ```
  }];
}

def PrepackParams : Pass<"dlc-prepack-params", "mlir::ModuleOp"> {
  let summary = "Stores a parameter read only through a 2-D transpose in its transposed layout";
  let description = [{
    Weight prepacking for inference: when @infer is the module's only entry point, a
    rank-2 parameter whose every use is `graph.transpose` with perm [1, 0] (Gemm's transB,
    torch's Linear) takes the transposed type and replaces those transposes, so that the
    kernels read it directly and no transpose runs per call. The argument is marked
    `dlc.transposed`: the artifact stores the imported initializer transposed, and the
    manifest shows the stored layout. A module that trains (train_step updates the
    parameter in its imported layout) is left as it is.

    ```mlir
    func.func @infer(%x: tensor<2x4xf32> {dlc.kind = #dlc<kind input>},
                     %w: tensor<3x4xf32> {dlc.kind = #dlc<kind param>}) -> tensor<2x3xf32> attributes {dlc.entry} {
      %t = graph.transpose %w {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
      %y = graph.matmul %x, %t : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
      return %y : tensor<2x3xf32>
    }
    // becomes
    func.func @infer(%x: tensor<2x4xf32> {dlc.kind = #dlc<kind input>},
                     %w: tensor<4x3xf32> {dlc.kind = #dlc<kind param>, dlc.transposed}) -> tensor<2x3xf32> attributes {dlc.entry} {
      %y = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
      return %y : tensor<2x3xf32>
    }
    ```
  }];
}

#endif // DLC_COMPILER_PASSES
