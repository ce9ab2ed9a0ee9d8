// Checkpoints: a model's parameters (weights, optimizer state slots such as
// "fc.weight/adam.m", "optimizer.lr", "optimizer.step" — every entry of the parameter
// table) saved to and restored from a safetensors file, with string metadata.
#ifndef DLC_CHECKPOINT_HPP
#define DLC_CHECKPOINT_HPP

#include <string>
#include <vector>

#include "dlc/runtime.hpp"
#include "dlc/safetensors.hpp"

namespace dlc {

// Writes every parameter of `model`, under its manifest name and in manifest order, plus
// `metadata`, crash-safely (see write_safetensors).
DLC_API void save_checkpoint(Model &model, const std::string &path,
                             const SafetensorsMetadata &metadata);

struct CheckpointLoad {
  SafetensorsMetadata metadata;
  std::vector<std::string> ignored; // tensors of the file the model has no parameter for
};

// Reads `path` and copies its tensors into the model's parameters. Every parameter must be
// present with the same dtype and shape; tensors the model lacks are an error unless
// `allow_extra` (then they are listed in `ignored`). Nothing is copied unless everything
// checks out. Errors read "checkpoint 'PATH': ...", naming the tensor.
DLC_API CheckpointLoad load_checkpoint(Model &model, const std::string &path,
                                       bool allow_extra = false);

} // namespace dlc

#endif // DLC_CHECKPOINT_HPP
