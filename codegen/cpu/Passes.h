// The CPU target's passes (codegen/cpu/Passes.td).
#ifndef DLC_CODEGEN_CPU_PASSES_H
#define DLC_CODEGEN_CPU_PASSES_H

#include "codegen/linalg/Passes.h"

namespace dlc {

#define GEN_PASS_DECL
#include "codegen/cpu/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/cpu/Passes.h.inc"

/// Defined by every artifact: runs fn over [0, n) on the runtime's thread pool.
constexpr const char *kRunParallelSymbol = "dlc_run_parallel";

} // namespace dlc

#endif
