#include "commands.hpp"

namespace dlc_run {

std::string describe(const dlc_tensor_desc &d) {
  return dlc::shape_string(d.shape, d.rank) + " " + dlc_dtype_name(d.dtype);
}

void apply_threads(const Options &opts) {
  if (opts.has("threads"))
    dlc_set_num_threads(static_cast<int32_t>(opts.get_int("threads", 0, 1, 4096)));
}

dlc::Model load_model(const std::string &path) {
  try {
    return dlc::Model(path);
  } catch (const dlc::Error &e) {
    throw CliError(e.what());
  }
}

const dlc_entry_desc &require_entry(const dlc::Model &model, const std::string &path,
                                    const std::string &name) {
  if (const dlc_entry_desc *e = model.find_entry(name))
    return *e;
  std::string names;
  for (int i = 0; i < model.num_entries(); ++i)
    names += (i ? ", " : "") + std::string(model.entry(i).name);
  throw CliError("artifact '" + path + "' has no entry point '" + name + "' (it has: " + names +
                 ")");
}

} // namespace dlc_run
