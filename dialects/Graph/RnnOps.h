// Facts about the recurrent ops (graph.rnn, graph.gru, graph.lstm) shared by their
// verifiers, gradient rules, importer and lowering. `cell` is "rnn", "gru" or "lstm".
#ifndef DLC_DIALECTS_GRAPH_RNNOPS_H
#define DLC_DIALECTS_GRAPH_RNNOPS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace dlc::graph {
/// Activation functions per direction: 1 (rnn), 2 (gru), 3 (lstm).
unsigned recurrentActivationCount(llvm::StringRef cell);
/// Gate blocks of hidden_size rows in W and R: 1, 3, 4.
unsigned recurrentGateCount(llvm::StringRef cell);
/// hidden_size-wide slots per step of the `saved` activations: 1 (H), 5 (z, r, h~,
/// H Rh^T + Rbh, H), 6 (i, o, f, c~, C, H).
unsigned recurrentSavedSlots(llvm::StringRef cell);
/// One of ONNX's recurrent activation names (Sigmoid, Tanh, Relu, ...).
bool isRecurrentActivation(llvm::StringRef name);
/// ONNX's default activations of one direction.
llvm::SmallVector<std::string> defaultRecurrentActivations(llvm::StringRef cell);
} // namespace dlc::graph

#endif
