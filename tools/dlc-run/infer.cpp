// dlc-run infer: runs entry "infer" on .npy/.npz inputs and writes DIR/NAME.npy per output.
#include <cstdio>
#include <filesystem>
#include <map>

#include "commands.hpp"
#include "dlc/checkpoint.hpp"
#include "dlc/npy.hpp"

namespace dlc_run {

namespace {

struct Input {
  dlc::Tensor tensor;
  std::string source; // the file it came from, for messages
};

std::string list_inputs(const dlc_entry_desc &e) {
  if (e.num_inputs == 0)
    return "no inputs";
  std::string s;
  for (int i = 0; i < e.num_inputs; ++i)
    s += (i ? ", " : "") + std::string(e.inputs[i].name) + " (" + describe(e.inputs[i]) + ")";
  return s;
}

// An output name as a file name: no directory separators or dot-only names.
std::string file_name_for(const std::string &name) {
  std::string s = name;
  for (char &c : s)
    if (c == '/' || c == '\\')
      c = '_';
  if (s.empty() || s == "." || s == "..")
    s = "_" + s;
  return s;
}

int run_infer(const Options &opts) {
  std::string path = opts.model_path();
  if (!opts.has("output-dir"))
    throw CliError("infer: --output-dir DIR is required");
  std::string out_dir = opts.get("output-dir");
  apply_threads(opts);
  dlc::Model model = load_model(path);
  // Trained parameters (a `dlc-run train` checkpoint); its optimizer state is ignored.
  if (opts.has("checkpoint"))
    dlc::load_checkpoint(model, opts.get("checkpoint"), /*allow_extra=*/true);
  const dlc_entry_desc &e = require_entry(model, path, "infer");
  auto expects = [&](const std::string &name) {
    for (int i = 0; i < e.num_inputs; ++i)
      if (name == e.inputs[i].name)
        return true;
    return false;
  };

  std::map<std::string, Input> inputs;
  // --inputs archives first: they may hold more arrays than the entry takes (labels,
  // for instance), which are ignored; an explicit --input overrides them.
  for (const std::string &npz : opts.all("inputs"))
    for (dlc::NamedTensor &a : dlc::read_npz(npz))
      if (expects(a.name))
        inputs[a.name] = Input{std::move(a.tensor), npz + ":" + a.name + ".npy"};
  std::map<std::string, bool> given;
  for (const std::string &spec : opts.all("input")) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw CliError("infer: --input expects NAME=FILE.npy, got '" + spec + "'");
    std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
    if (!expects(name))
      throw CliError("unknown input '" + name + "' (--input " + spec +
                     "); entry 'infer' takes: " + list_inputs(e));
    if (given[name])
      throw CliError("input '" + name + "' is given twice");
    given[name] = true;
    inputs[name] = Input{dlc::read_npy(file), file};
  }

  std::vector<dlc_tensor> in;
  for (int i = 0; i < e.num_inputs; ++i) {
    const dlc_tensor_desc &d = e.inputs[i];
    auto it = inputs.find(d.name);
    if (it == inputs.end())
      throw CliError("missing input '" + std::string(d.name) + "' (" + describe(d) +
                     ") for entry 'infer'; pass --input " + d.name + "=FILE.npy");
    const dlc::Tensor &t = it->second.tensor;
    bool same = t.dtype() == d.dtype && t.rank() == d.rank;
    for (int k = 0; same && k < d.rank; ++k)
      same = t.shape()[k] == d.shape[k];
    if (!same)
      throw CliError("input '" + std::string(d.name) + "' (" + it->second.source +
                     "): expected shape " + describe(d) + ", got " + dlc::shape_string(t.shape()) +
                     " " + dlc_dtype_name(t.dtype()));
    in.push_back(t.view(d.name));
  }

  OutputBuffers allocated = allocate_outputs(e);
  std::vector<dlc::Tensor> &outs = allocated.buffers;
  std::vector<dlc_tensor> &out = allocated.views;
  model.run("infer", in, out);

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec)
    throw CliError("cannot create output directory '" + out_dir + "': " + ec.message());
  for (int i = 0; i < e.num_outputs; ++i) {
    std::string file =
        (std::filesystem::path(out_dir) / (file_name_for(e.outputs[i].name) + ".npy")).string();
    dlc::write_npy(file, outs[i]);
    std::printf("wrote %s (%s)\n", file.c_str(), describe(e.outputs[i]).c_str());
  }
  return 0;
}

} // namespace

const Command kInferCommand{
    "infer",
    "run entry 'infer' on .npy/.npz inputs, write one .npy per output",
    "usage: dlc-run infer MODEL.so --input NAME=FILE.npy ... [--inputs FILE.npz]\n"
    "                     --output-dir DIR [--checkpoint IN.safetensors] [--threads T]\n"
    "\n"
    "Runs the artifact's 'infer' entry point and writes DIR/NAME.npy for every output\n"
    "(DIR is created; '/' in an output name becomes '_').\n"
    "\n"
    "  --input NAME=FILE.npy  the input NAME (repeat for each input)\n"
    "  --inputs FILE.npz      inputs taken from the arrays of an .npz named like them;\n"
    "                         other arrays are ignored, --input overrides\n"
    "  --output-dir DIR       where the outputs go (required)\n"
    "  --checkpoint FILE      load the parameters from a safetensors checkpoint first\n"
    "  --threads T            worker threads (default: all cores)\n",
    {{"input", true}, {"inputs", true}, {"output-dir", true}, {"threads", true}, {"checkpoint", true}},
    run_infer,
};

} // namespace dlc_run
