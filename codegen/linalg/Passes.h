// The passes of the lowering both targets share (codegen/linalg/Passes.td).
#ifndef DLC_CODEGEN_LINALG_PASSES_H
#define DLC_CODEGEN_LINALG_PASSES_H

#include "compiler/Passes.h"

namespace dlc {

#define GEN_PASS_DECL
#include "codegen/linalg/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/linalg/Passes.h.inc"

} // namespace dlc

#endif
