#include "driver/CompileArguments.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"

#include <cstdlib>
#include <regex>
#include <sstream>

namespace dlc {

const char *const kCompileUsage = R"(usage: dlc compile MODEL.onnx -o MODEL.so [options]

options:
  -o FILE                 the artifact to write (a shared object)
  --target cpu|cuda       code generation target (default cpu)
  --cuda-arch sm_XY       GPU architecture for --target cuda (default sm_80; sm_90 for H100)
  --precision P           --target cuda matmul operands: fp32 (default), or tf32, bf16, fp16
                          on the tensor cores (f32 in memory, f32 accumulation)
  --emit STAGE            stop after STAGE and print it: graph, kernel, linalg, llvm
                          (LLVM IR of the host code), ptx (--target cuda); obj writes
                          the object file to -o instead
  -O0 -O1 -O2 -O3         optimization level (default -O2)
  --time-passes           print each stage's and each pass's wall time (on stderr)
  --input-shape NAME=DIMS static shape for an input with symbolic dims, e.g. x=1x3x32x32

training (adds the entry points train_step and eval_step):
  --train                 compile forward, backward and the optimizer update
  --loss L                mse, l1, bce, bce_logits, cross_entropy (default) or nll, on the
                          first output (bce_logits: sigmoid + bce in one stable formula)
  --label-smoothing F     cross_entropy's label smoothing in [0, 1] (as PyTorch's)
  --loss-output NAME      train a scalar output the graph computes instead
  --label NAME            the label input's name (default label)
  --optimizer O           sgd (default), momentum, nesterov, adam, adamw, rmsprop, adagrad
  --lr F                  initial learning rate (default 0.01; dlc-run train may change it)
  --momentum F            momentum/nesterov (default 0.9)
  --weight-decay F        L2 penalty; decoupled for adamw
  --clip-grad-norm F      clip the global gradient norm
  --grad-bucket-mb F      size of the gradient buckets that data-parallel training
                          averages during the backward pass (default 25 MiB)
  --sync-batchnorm        under mpirun, batch norm uses the global batch's statistics
  --beta1 F --beta2 F --eps F   Adam's constants (PyTorch's defaults)
  --freeze REGEX          parameters whose name REGEX matches anywhere (ECMAScript syntax,
                          searched as Python's re.search) get no gradient, state or update
  -h, --help              this text
)";

namespace {

llvm::Error bad(const std::string &msg) { return llvm::createStringError(msg); }

llvm::Expected<std::vector<int64_t>> parseDims(const std::string &s, const std::string &flag) {
  std::vector<int64_t> dims;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    char *end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end || v <= 0)
      return bad("bad dims '" + s + "' in " + flag + " (expected e.g. 1x3x32x32)");
    dims.push_back(v);
  }
  if (dims.empty())
    return bad("bad dims '" + s + "' in " + flag + " (expected e.g. 1x3x32x32)");
  return dims;
}

llvm::Expected<double> parseNumber(const std::string &s, const std::string &flag) {
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end)
    return bad("option " + flag + " expects a number, got '" + s + "'");
  return v;
}

} // namespace

llvm::Expected<CompileRequest> parseCompileArguments(llvm::ArrayRef<std::string> args) {
  CompileRequest r;
  CompileOptions &o = r.options;
  BuildTrainStepOptions &step = o.train.step;
  std::string cudaArch, precision;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    std::string v;
    auto value = [&]() -> llvm::Error {
      if (i + 1 >= args.size())
        return bad("option " + a + " needs a value");
      v = args[++i];
      return llvm::Error::success();
    };
    auto number = [&](double &into) -> llvm::Error {
      if (auto err = value())
        return err;
      auto n = parseNumber(v, a);
      if (!n)
        return n.takeError();
      into = *n;
      return llvm::Error::success();
    };
    auto text = [&](std::string &into) -> llvm::Error {
      if (auto err = value())
        return err;
      into = v;
      return llvm::Error::success();
    };
    llvm::Error err = llvm::Error::success();
    if (a == "-h" || a == "--help") {
      r.help = true;
      return r;
    } else if (a == "-o")
      err = text(r.output);
    else if (a == "--target")
      err = text(o.target);
    else if (a == "--emit")
      err = text(o.emit);
    else if (a == "--time-passes")
      o.timePasses = true;
    else if (a == "--cuda-arch")
      err = text(cudaArch);
    else if (a == "--precision")
      err = text(precision);
    else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3')
      o.optLevel = a[2] - '0';
    else if (a == "--input-shape") {
      if (!(err = value())) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0)
          return bad("--input-shape expects NAME=DIMS, got '" + v + "'");
        auto dims = parseDims(v.substr(eq + 1), "--input-shape");
        if (!dims)
          return dims.takeError();
        r.import.inputShapes[v.substr(0, eq)] = *dims;
      }
    } else if (a == "--train")
      o.train.enabled = true;
    else if (a == "--loss")
      err = text(step.loss);
    else if (a == "--loss-output")
      err = text(step.lossOutput);
    else if (a == "--label")
      err = text(step.label);
    else if (a == "--optimizer")
      err = text(step.optimizer);
    else if (a == "--lr")
      err = number(step.lr);
    else if (a == "--momentum")
      err = number(step.momentum);
    else if (a == "--weight-decay")
      err = number(step.weightDecay);
    else if (a == "--clip-grad-norm")
      err = number(step.clipGradNorm);
    else if (a == "--sync-batchnorm")
      step.syncBatchnorm = true;
    else if (a == "--grad-bucket-mb") {
      if (!(err = number(step.gradBucketMb)) && !(step.gradBucketMb > 0))
        return bad("--grad-bucket-mb " + v + " must be positive");
    } else if (a == "--beta1")
      err = number(step.beta1);
    else if (a == "--beta2")
      err = number(step.beta2);
    else if (a == "--eps")
      err = number(step.epsilon);
    else if (a == "--label-smoothing") {
      if (!(err = number(step.labelSmoothing)) &&
          !(step.labelSmoothing >= 0 && step.labelSmoothing <= 1))
        return bad("--label-smoothing " + v + " is outside [0, 1]");
    } else if (a == "--freeze") {
      if (!(err = text(step.freeze))) {
        try {
          std::regex check(step.freeze, std::regex::ECMAScript);
        } catch (const std::regex_error &e) {
          return bad("--freeze '" + step.freeze + "' is not a valid regular expression: " + e.what());
        }
      }
    } else if (!a.empty() && a[0] == '-')
      return bad("unknown option '" + a + "'");
    else if (r.input.empty())
      r.input = a;
    else
      return bad("more than one model given: '" + r.input + "' and '" + a + "'");
    if (err)
      return std::move(err);
  }
  if (r.input.empty())
    return bad("no model given (usage: dlc compile MODEL.onnx -o MODEL.so)");
  static const char *stages[] = {"", "graph", "kernel", "linalg", "llvm", "ptx", "obj"};
  if (!llvm::is_contained(stages, o.emit))
    return bad("unknown --emit stage '" + o.emit + "' (graph, kernel, linalg, llvm, ptx or obj)");
  if (o.target != "cpu" && o.target != "cuda")
    return bad("unknown --target '" + o.target + "' (cpu or cuda)");
  if (o.emit == "ptx" && o.target != "cuda")
    return bad("--emit ptx needs --target cuda");
  if (!cudaArch.empty() && o.target != "cuda")
    return bad("--cuda-arch needs --target cuda");
  static const char *precisions[] = {"", "fp32", "tf32", "bf16", "fp16"};
  if (!llvm::is_contained(precisions, precision))
    return bad("unknown --precision '" + precision + "' (fp32, tf32, bf16 or fp16)");
  if (!precision.empty() && o.target != "cuda")
    return bad("--precision needs --target cuda");
  if (r.output.empty() && (o.emit.empty() || o.emit == "obj"))
    return bad("no output given (-o MODEL.so)");
  if (!cudaArch.empty())
    o.cudaArch = cudaArch;
  if (!precision.empty())
    o.precision = precision;
  return r;
}

llvm::Error compileRequest(const CompileRequest &request, llvm::raw_ostream &os,
                           llvm::raw_ostream &diagnostics, llvm::StringRef prefix) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diagnostics << prefix << (d.getSeverity() == mlir::DiagnosticSeverity::Error ? "error: " : "note: ")
                << d.getLocation() << ": " << d.str() << "\n";
    for (auto &note : d.getNotes())
      diagnostics << "  note: " << note.str() << "\n";
    return mlir::success();
  });
  // --time-passes: the report goes to `diagnostics` when `timer` is destroyed, after the
  // scopes below have stopped.
  mlir::DefaultTimingManager timer;
  timer.setEnabled(request.options.timePasses);
  timer.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  timer.setOutput(mlir::createOutputStrategy(mlir::DefaultTimingManager::OutputFormat::Text, diagnostics));
  mlir::TimingScope root = timer.getRootScope();
  mlir::TimingScope importing = root.nest("onnx-import");
  auto imported = onnx_frontend::importOnnxFile(ctx, request.input, request.import);
  importing.stop();
  if (!imported)
    return imported.takeError();
  return compileModel(*imported, request.options, request.output, os,
                      request.options.timePasses ? &root : nullptr);
}

} // namespace dlc

