// dlc-run info: the manifest in human-readable form.
#include <cstdio>

#include "commands.hpp"

namespace dlc_run {

namespace {

// Prints rows with each column padded to its widest cell.
void print_table(const std::vector<std::vector<std::string>> &rows, const char *indent) {
  std::vector<size_t> width;
  for (const auto &r : rows)
    for (size_t c = 0; c < r.size(); ++c) {
      if (width.size() <= c)
        width.push_back(0);
      width[c] = std::max(width[c], r[c].size());
    }
  for (const auto &r : rows) {
    std::string line = indent;
    for (size_t c = 0; c < r.size(); ++c)
      line += c + 1 < r.size() ? r[c] + std::string(width[c] - r[c].size() + 2, ' ') : r[c];
    std::printf("%s\n", line.c_str());
  }
}

const char *text(const char *s) { return s ? s : ""; }

int run_info(const Options &opts) {
  std::string path = opts.model_path();
  dlc::Model model = load_model(path);
  const dlc_manifest &m = model.manifest();
  std::printf("artifact:    %s\n", path.c_str());
  std::printf("model:       %s\n", text(m.model_name));
  std::printf("target:      %s\n", text(m.target));
  std::printf("producer:    %s\n", text(m.producer));
  std::printf("abi_version: %u\n", m.abi_version);

  for (int i = 0; i < model.num_entries(); ++i) {
    const dlc_entry_desc &e = model.entry(i);
    std::printf("\nentry %s: %d input%s, %d output%s, arena %llu bytes\n", e.name, e.num_inputs,
                e.num_inputs == 1 ? "" : "s", e.num_outputs, e.num_outputs == 1 ? "" : "s",
                static_cast<unsigned long long>(e.arena_bytes));
    std::vector<std::vector<std::string>> rows;
    for (int k = 0; k < e.num_inputs; ++k) {
      const dlc_tensor_desc &t = e.inputs[k];
      rows.push_back({"input", t.name, dlc_dtype_name(t.dtype), dlc::shape_string(t.shape, t.rank)});
      if (const dlc_index_check *c = t.index_check)
        rows.back().push_back("values in [" + std::to_string(c->lo) + ", " + std::to_string(c->hi) + ")" +
                              (c->has_ignore ? " or " + std::to_string(c->ignore) : "") + ": " + c->use);
    }
    for (int k = 0; k < e.num_outputs; ++k)
      rows.push_back({"output", e.outputs[k].name, dlc_dtype_name(e.outputs[k].dtype),
                      dlc::shape_string(e.outputs[k].shape, e.outputs[k].rank)});
    print_table(rows, "  ");
  }

  std::printf("\nparameters: %d\n", model.num_params());
  if (model.num_params() > 0) {
    std::vector<std::vector<std::string>> rows{{"name", "dtype", "shape", "trainable", "bytes"}};
    for (int i = 0; i < model.num_params(); ++i) {
      const dlc_param_desc &p = model.param(i);
      // The model's shape; a weight prepacked for the kernels says how it is stored.
      dlc_tensor_desc layout = dlc::model_layout(p);
      std::string shape = dlc::shape_string(layout.shape, layout.rank);
      if (p.flags & DLC_PARAM_TRANSPOSED)
        shape += " (stored " + dlc::shape_string(p.tensor.shape, p.tensor.rank) + ")";
      rows.push_back({p.tensor.name, dlc_dtype_name(p.tensor.dtype), shape, p.trainable ? "yes" : "no",
                      std::to_string(p.nbytes)});
    }
    print_table(rows, "  ");
  }
  std::printf("total_param_bytes: %llu\n", static_cast<unsigned long long>(model.param_bytes()));
  return 0;
}

} // namespace

const Command kInfoCommand{
    "info",
    "show an artifact's target, entry points and parameters",
    "usage: dlc-run info MODEL.so\n"
    "\n"
    "Prints the artifact's target, producer and ABI version, each entry point's inputs,\n"
    "outputs (dtype and shape) and arena size, and the parameter table (name, dtype,\n"
    "shape, trainable, bytes) with the total parameter bytes. A weight the artifact stores\n"
    "transposed (prepacked for its kernels) shows the model's shape and the stored one.\n",
    {},
    run_info,
};

} // namespace dlc_run
