// dlc: the compiler driver. `dlc compile MODEL.onnx -o MODEL.so` imports the ONNX
// model, runs the pipelines of compiler/ and codegen/ (Pipelines.h, Pipeline.h) and links the artifact; --emit
// stops at any stage and prints it.
#include "driver/Driver.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>

using namespace mlir;

namespace {

const char *kUsage = R"(usage: dlc compile MODEL.onnx -o MODEL.so [options]

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
  --beta1 F --beta2 F --eps F   Adam's constants (PyTorch's defaults)
  --freeze REGEX          parameters whose name REGEX matches anywhere (ECMAScript syntax,
                          searched as Python's re.search) get no gradient, state or update
  -h, --help              this text
)";

struct Options {
  std::string input, output, target = "cpu", emit, cudaArch, precision;
  int optLevel = 2;
  dlc::onnx_frontend::ImportOptions import;
  dlc::TrainOptions train;
};

[[noreturn]] void fail(const std::string &msg) {
  llvm::errs() << "dlc: error: " << msg << "\n";
  std::exit(1);
}

std::vector<int64_t> parseDims(const std::string &s, const std::string &flag) {
  std::vector<int64_t> dims;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    char *end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end || v <= 0)
      fail("bad dims '" + s + "' in " + flag + " (expected e.g. 1x3x32x32)");
    dims.push_back(v);
  }
  return dims;
}

double parseNumber(const std::string &s, const std::string &flag) {
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end)
    fail("option " + flag + " expects a number, got '" + s + "'");
  return v;
}

Options parseArgs(int argc, char **argv) {
  if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    llvm::outs() << kUsage;
    std::exit(argc < 2 ? 1 : 0);
  }
  if (std::string(argv[1]) != "compile")
    fail("unknown command '" + std::string(argv[1]) + "' (try: dlc compile MODEL.onnx -o MODEL.so)");
  Options o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        fail("option " + a + " needs a value");
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      llvm::outs() << kUsage;
      std::exit(0);
    } else if (a == "-o")
      o.output = value();
    else if (a == "--target")
      o.target = value();
    else if (a == "--emit")
      o.emit = value();
    else if (a == "--cuda-arch")
      o.cudaArch = value();
    else if (a == "--precision")
      o.precision = value();
    else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3')
      o.optLevel = a[2] - '0';
    else if (a == "--input-shape") {
      std::string v = value();
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        fail("--input-shape expects NAME=DIMS, got '" + v + "'");
      o.import.inputShapes[v.substr(0, eq)] = parseDims(v.substr(eq + 1), "--input-shape");
    } else if (a == "--train")
      o.train.enabled = true;
    else if (a == "--loss")
      o.train.step.loss = value();
    else if (a == "--loss-output")
      o.train.step.lossOutput = value();
    else if (a == "--label")
      o.train.step.label = value();
    else if (a == "--optimizer")
      o.train.step.optimizer = value();
    else if (a == "--lr")
      o.train.step.lr = parseNumber(value(), a);
    else if (a == "--momentum")
      o.train.step.momentum = parseNumber(value(), a);
    else if (a == "--weight-decay")
      o.train.step.weightDecay = parseNumber(value(), a);
    else if (a == "--clip-grad-norm")
      o.train.step.clipGradNorm = parseNumber(value(), a);
    else if (a == "--beta1")
      o.train.step.beta1 = parseNumber(value(), a);
    else if (a == "--beta2")
      o.train.step.beta2 = parseNumber(value(), a);
    else if (a == "--eps")
      o.train.step.epsilon = parseNumber(value(), a);
    else if (a == "--label-smoothing") {
      o.train.step.labelSmoothing = parseNumber(value(), a);
      if (!(o.train.step.labelSmoothing >= 0 && o.train.step.labelSmoothing <= 1))
        fail(std::string("--label-smoothing ") + argv[i] + " is outside [0, 1]");
    } else if (a == "--freeze") {
      o.train.step.freeze = value();
      try {
        std::regex check(o.train.step.freeze, std::regex::ECMAScript);
      } catch (const std::regex_error &e) {
        fail("--freeze '" + o.train.step.freeze + "' is not a valid regular expression: " + e.what());
      }
    }
    else if (!a.empty() && a[0] == '-')
      fail("unknown option '" + a + "'");
    else if (o.input.empty())
      o.input = a;
    else
      fail("more than one model given: '" + o.input + "' and '" + a + "'");
  }
  if (o.input.empty())
    fail("no model given (usage: dlc compile MODEL.onnx -o MODEL.so)");
  static const char *stages[] = {"", "graph", "kernel", "linalg", "llvm", "ptx", "obj"};
  if (!llvm::is_contained(stages, o.emit))
    fail("unknown --emit stage '" + o.emit + "' (graph, kernel, linalg, llvm, ptx or obj)");
  if (o.target != "cpu" && o.target != "cuda")
    fail("unknown --target '" + o.target + "' (cpu or cuda)");
  if (o.emit == "ptx" && o.target != "cuda")
    fail("--emit ptx needs --target cuda");
  if (!o.cudaArch.empty() && o.target != "cuda")
    fail("--cuda-arch needs --target cuda");
  static const char *precisions[] = {"", "fp32", "tf32", "bf16", "fp16"};
  if (!llvm::is_contained(precisions, o.precision))
    fail("unknown --precision '" + o.precision + "' (fp32, tf32, bf16 or fp16)");
  if (!o.precision.empty() && o.target != "cuda")
    fail("--precision needs --target cuda");
  if (o.output.empty() && (o.emit.empty() || o.emit == "obj"))
    fail("no output given (-o MODEL.so)");
  return o;
}

} // namespace

int main(int argc, char **argv) {
  Options opts = parseArgs(argc, argv);
  DialectRegistry registry;
  dlc::registerCompilerDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  ScopedDiagnosticHandler diagnostics(&ctx, [](Diagnostic &d) {
    llvm::errs() << "dlc: " << (d.getSeverity() == DiagnosticSeverity::Error ? "error: " : "note: ") << d.getLocation()
                 << ": " << d.str() << "\n";
    for (auto &note : d.getNotes())
      llvm::errs() << "  note: " << note.str() << "\n";
    return success();
  });
  auto imported = dlc::onnx_frontend::importOnnxFile(ctx, opts.input, opts.import);
  if (!imported)
    fail(llvm::toString(imported.takeError()));
  dlc::CompileOptions compile;
  compile.target = opts.target;
  if (!opts.cudaArch.empty())
    compile.cudaArch = opts.cudaArch;
  if (!opts.precision.empty())
    compile.precision = opts.precision;
  compile.emit = opts.emit;
  compile.optLevel = opts.optLevel;
  compile.train = opts.train;
  if (auto err = dlc::compileModel(*imported, compile, opts.output, llvm::outs()))
    fail(llvm::toString(std::move(err)));
  return 0;
}
