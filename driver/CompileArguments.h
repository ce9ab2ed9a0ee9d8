// The arguments of `dlc compile`, parsed once for every caller: the `dlc` tool and the
// Python package (which turns its keywords into these arguments), so that an option means
// the same and is checked the same way everywhere.
#ifndef DLC_DRIVER_COMPILEARGUMENTS_H
#define DLC_DRIVER_COMPILEARGUMENTS_H

#include "driver/Driver.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace dlc {

/// One `dlc compile` invocation: the model, the artifact, and every option.
struct CompileRequest {
  std::string input;  ///< the ONNX model's path
  std::string output; ///< -o: the artifact (or the object file of --emit obj)
  onnx_frontend::ImportOptions import;
  CompileOptions options;
  bool help = false; ///< -h/--help was given: nothing else is checked
};

/// The text of `dlc compile --help`.
extern const char *const kCompileUsage;

/// Parses the arguments after `compile`. The error names the option and what is wrong
/// with its value ("unknown --target 'tpu' (cpu or cuda)").
llvm::Expected<CompileRequest> parseCompileArguments(llvm::ArrayRef<std::string> args);

/// Imports request.input and compiles it (compileModel). Diagnostics of the importer and
/// the passes are written to `diagnostics` as they come ("PREFIXerror: LOC: MESSAGE",
/// notes indented below), the printed stage of --emit to `os`; the returned error says
/// which step failed.
llvm::Error compileRequest(const CompileRequest &request, llvm::raw_ostream &os,
                           llvm::raw_ostream &diagnostics, llvm::StringRef prefix = "");

} // namespace dlc

#endif
