// The compile driver as a library, shared by `dlc compile` (tools/dlc) and the test
// runners: ONNX -> graph -> kernel -> linalg -> buffers -> the target's artifact, stopping
// at any stage. It only sequences the pipelines: the IR work is in the passes, the
// manifest is derived in codegen/Manifest.h, the artifact written by the target's
// ArtifactWriter (codegen/cpu, codegen/cuda).
#ifndef DLC_DRIVER_DRIVER_H
#define DLC_DRIVER_DRIVER_H

#include "compiler/Passes.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace dlc {

/// `dlc compile --train`: the loss, label and optimizer of the train_step entry.
struct TrainOptions {
  bool enabled = false;
  /// What dlc-build-train-step appends (loss, optimizer, --freeze, ...), as `dlc compile
  /// --train` sets it; the pass's defaults are the command line's.
  BuildTrainStepOptions step;
};

struct CompileOptions {
  TrainOptions train;
  std::string target = "cpu";
  /// --target cuda: the GPU architecture (sm_80, sm_90, ...).
  std::string cudaArch = "sm_80";
  /// --target cuda: matmul operand precision, fp32 or tf32/bf16/fp16 (tensor cores).
  std::string precision = "fp32";
  /// "" (write the artifact), graph, kernel, linalg, llvm, ptx (print), obj (write an object).
  std::string emit;
  int optLevel = 2;
  /// --time-passes: each stage's and each pass's wall time, as a tree, on the diagnostics
  /// stream when the compile ends.
  bool timePasses = false;
};

/// Registers every dialect that the pipelines use.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Compiles `model` to `outputPath` (or prints the stage `options.emit` to `os`).
/// `timing`, when given, gets a nested timer per stage and pass.
llvm::Error compileModel(onnx_frontend::ImportedModel &model, const CompileOptions &options,
                         const std::string &outputPath, llvm::raw_ostream &os, mlir::TimingScope *timing = nullptr);

} // namespace dlc

#endif
