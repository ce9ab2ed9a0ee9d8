// Constructs in .mlir text that MLIR 22's own parser crashes on instead of reporting.
//
// The custom parsers of linalg.transpose, linalg.broadcast and linalg.reduce store the
// result of parsing their `permutation = [...]` / `dimensions = [...]` list without
// checking it: a malformed list becomes a null attribute, which the parser then
// dereferences (LinalgOps.cpp, parseDenseI64ArrayAttr). dlc-opt and the mlir_parse fuzz
// target look for these constructs first and refuse them with an error at their location.
#ifndef DLC_TOOLS_DLC_OPT_PARSERHAZARDS_H
#define DLC_TOOLS_DLC_OPT_PARSERHAZARDS_H

#include <cstddef>
#include <optional>
#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

namespace llvm {
class MemoryBuffer;
class raw_ostream;
} // namespace llvm

namespace dlc {

struct ParserHazard {
  size_t offset; // byte offset of the malformed part in the text
  std::string message;
};

/// The first construct of `text` that MLIR's parser would crash on, if any. Text that
/// holds none may still be invalid: MLIR's parser reports that.
std::optional<ParserHazard> findParserHazard(llvm::StringRef text);

/// Writes the first hazard of `buffer` to `os` as "FILE:LINE:COL: error: ...", with the
/// line and a caret, and fails; succeeds when there is none.
llvm::LogicalResult checkParserHazards(const llvm::MemoryBuffer &buffer, llvm::raw_ostream &os);

} // namespace dlc

#endif // DLC_TOOLS_DLC_OPT_PARSERHAZARDS_H
