// dlc: the compiler driver. `dlc compile MODEL.onnx -o MODEL.so` imports the ONNX
// model, runs the pipelines of compiler/Pipelines.h and links the artifact; --emit
// stops at any stage and prints it.
#include "tools/dlc/Driver.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace mlir;

namespace {

const char *kUsage = R"(usage: dlc compile MODEL.onnx -o MODEL.so [options]

options:
  -o FILE                 the artifact to write (a shared object)
  --target cpu|cuda       code generation target (default cpu)
  --emit STAGE            stop after STAGE and print it: graph, kernel, linalg, llvm
                          (LLVM IR); obj writes the object file to -o instead
  -O0 -O1 -O2 -O3         optimization level (default -O2)
  --input-shape NAME=DIMS static shape for an input with symbolic dims, e.g. x=1x3x32x32
  -h, --help              this text
)";

struct Options {
  std::string input, output, target = "cpu", emit;
  int optLevel = 2;
  dlc::onnx_frontend::ImportOptions import;
  bool train = false;
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
    else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3')
      o.optLevel = a[2] - '0';
    else if (a == "--input-shape") {
      std::string v = value();
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        fail("--input-shape expects NAME=DIMS, got '" + v + "'");
      o.import.inputShapes[v.substr(0, eq)] = parseDims(v.substr(eq + 1), "--input-shape");
    } else if (a == "--train")
      o.train = true;
    else if (!a.empty() && a[0] == '-')
      fail("unknown option '" + a + "'");
    else if (o.input.empty())
      o.input = a;
    else
      fail("more than one model given: '" + o.input + "' and '" + a + "'");
  }
  if (o.input.empty())
    fail("no model given (usage: dlc compile MODEL.onnx -o MODEL.so)");
  static const char *stages[] = {"", "graph", "kernel", "linalg", "llvm", "obj"};
  if (!llvm::is_contained(stages, o.emit))
    fail("unknown --emit stage '" + o.emit + "' (graph, kernel, linalg, llvm or obj)");
  if (o.target != "cpu" && o.target != "cuda")
    fail("unknown --target '" + o.target + "' (cpu or cuda)");
  if (o.train)
    fail("--train is not available in this build yet: only inference artifacts can be compiled");
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
  compile.emit = opts.emit;
  compile.optLevel = opts.optLevel;
  if (auto err = dlc::compileModel(*imported, compile, opts.output, llvm::outs()))
    fail(llvm::toString(std::move(err)));
  return 0;
}
