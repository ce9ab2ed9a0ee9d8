// dlc: the compiler driver's command line. `dlc compile MODEL.onnx -o MODEL.so` parses its
// arguments and compiles through the driver library (driver/CompileArguments.h). Exit
// status: 0 done, 1 the model did not compile, 2 bad arguments (the Python package, which
// runs this tool, tells the two apart).
#include "driver/CompileArguments.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

int main(int argc, char **argv) {
  auto fail = [](const std::string &msg, int status = 1) {
    llvm::errs() << "dlc: error: " << msg << "\n";
    return status;
  };
  if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    llvm::outs() << dlc::kCompileUsage;
    return argc < 2 ? 1 : 0;
  }
  if (std::string(argv[1]) != "compile")
    return fail("unknown command '" + std::string(argv[1]) +
                    "' (try: dlc compile MODEL.onnx -o MODEL.so)",
                2);
  std::vector<std::string> args(argv + 2, argv + argc);
  auto request = dlc::parseCompileArguments(args);
  if (!request)
    return fail(llvm::toString(request.takeError()), 2);
  if (request->help) {
    llvm::outs() << dlc::kCompileUsage;
    return 0;
  }
  if (auto err = dlc::compileRequest(*request, llvm::outs(), llvm::errs(), "dlc: "))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
