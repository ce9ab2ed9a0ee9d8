#include "session.hpp"

#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "dlc/checkpoint.hpp"
#include "dlc/runtime.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace dlc_python {
namespace {

// One tensor of a signature: an entry's input or output, or a parameter.
struct TensorSpec {
  std::string name;
  nb::tuple shape;
  std::string dtype;
  bool trainable = false; // parameters only
};

TensorSpec spec(const dlc_tensor_desc &d, bool trainable = false) {
  return TensorSpec{d.name, shape_tuple(d), numpy_name(d.dtype), trainable};
}

TensorSpec param_spec(const dlc_param_desc &p) { return spec(dlc::model_layout(p), p.trainable != 0); }

// The runtime's status as the Python exception a caller expects.
[[noreturn]] void raise(dlc_status status, const char *message) {
  switch (status) {
  case DLC_ERROR_INVALID_ARGUMENT:
  case DLC_ERROR_MISMATCH:
    throw nb::value_error(message);
  case DLC_ERROR_IO:
    PyErr_SetString(PyExc_OSError, message);
    throw nb::python_error();
  case DLC_ERROR_NOT_FOUND:
    PyErr_SetString(PyExc_KeyError, message);
    throw nb::python_error();
  case DLC_ERROR_OUT_OF_MEMORY:
    throw std::bad_alloc();
  default:
    throw std::runtime_error(message);
  }
}

dlc_model *load(const std::string &path, std::optional<int> threads) {
  if (threads) {
    if (*threads < 1)
      throw nb::value_error(("threads must be at least 1, got " + std::to_string(*threads)).c_str());
    dlc_set_num_threads(*threads);
  }
  char err[1024];
  dlc_model *m = nullptr;
  dlc_status st = dlc_model_load(path.c_str(), &m, err, sizeof err);
  if (st != DLC_OK)
    raise(st, err);
  return m;
}

class Session {
public:
  Session(const std::string &path, std::optional<int> threads)
      : cpp_(load(path, threads)), model_(cpp_.handle()) {}

  dlc_model *handle() const { return model_; }
  const dlc_manifest &manifest() const { return *dlc_model_manifest(model_); }

  const dlc_entry_desc &entry(const char *name) const {
    const dlc_entry_desc *e = dlc_model_find_entry(model_, name);
    if (!e) {
      std::string names;
      for (int i = 0; i < manifest().num_entries; ++i)
        names += (i ? ", " : "") + std::string(manifest().entries[i].name);
      std::string msg = "artifact '" + std::string(dlc_model_path(model_)) + "' has no entry point '" +
                        name + "'; it has: " + names;
      if (std::string(name) != "infer")
        msg += " (train_step and eval_step come from dlc.compile(..., train=True))";
      throw nb::attribute_error(msg.c_str());
    }
    return *e;
  }

  // Runs `entry` on keyword arrays; outputs are new arrays (or `scalar` for a one-f32-output
  // entry, which then returns no arrays).
  nb::dict run(const char *name, const nb::kwargs &arrays, float *scalar = nullptr) {
    const dlc_entry_desc &e = entry(name);
    std::vector<InputArray> in(static_cast<size_t>(e.num_inputs));
    size_t given = 0;
    for (int i = 0; i < e.num_inputs; ++i) {
      const dlc_tensor_desc &d = e.inputs[i];
      PyObject *value = PyDict_GetItemString(arrays.ptr(), d.name);
      if (!value)
        throw nb::type_error((std::string(name) + "() is missing input '" + d.name + "' (" + describe(d) +
                              "); it takes " + input_names(e)).c_str());
      bind_input(value, d, name, in[static_cast<size_t>(i)]);
      ++given;
    }
    if (given != arrays.size())
      for (auto [key, value] : arrays) {
        std::string k = nb::cast<std::string>(key);
        bool known = false;
        for (int i = 0; i < e.num_inputs && !known; ++i)
          known = k == e.inputs[i].name;
        if (!known)
          throw nb::type_error((std::string(name) + "() got an unexpected input '" + k + "'; it takes " +
                                input_names(e)).c_str());
      }
    std::vector<dlc_tensor> inputs, outputs;
    inputs.reserve(in.size());
    for (const InputArray &a : in)
      inputs.push_back(a.view);
    nb::dict result;
    if (scalar) {
      outputs.push_back(dlc_tensor{e.outputs[0].name, DLC_DTYPE_F32, 0, nullptr, scalar, sizeof(float)});
    } else {
      for (int i = 0; i < e.num_outputs; ++i) {
        void *data = nullptr;
        result[e.outputs[i].name] = new_array(e.outputs[i], &data);
        outputs.push_back(dlc_tensor{e.outputs[i].name, e.outputs[i].dtype, e.outputs[i].rank,
                                     e.outputs[i].shape, data,
                                     dlc_dtype_nbytes(e.outputs[i].dtype, elements(e.outputs[i]))});
      }
    }
    char err[1024];
    dlc_status st;
    {
      nb::gil_scoped_release release;
      st = dlc_model_run(model_, name, inputs.data(), static_cast<int32_t>(inputs.size()), outputs.data(),
                         static_cast<int32_t>(outputs.size()), err, sizeof err);
    }
    if (st != DLC_OK)
      raise(st, err);
    return result;
  }

  double train_step(const nb::kwargs &arrays) {
    const dlc_entry_desc &e = entry("train_step");
    if (e.num_outputs != 1 || e.outputs[0].dtype != DLC_DTYPE_F32 || e.outputs[0].rank != 0)
      throw std::runtime_error("train_step of this artifact does not return one f32 loss");
    alignas(DLC_ALIGNMENT) float loss = 0;
    run("train_step", arrays, &loss);
    return loss;
  }

  int param_index(const std::string &name, const char *what) const {
    int i = dlc_model_find_param(model_, name.c_str());
    if (i < 0) {
      std::string msg = "artifact '" + std::string(dlc_model_path(model_)) + "' has no parameter '" + name + "'";
      if (what)
        msg += std::string(" (") + what + ")";
      PyErr_SetString(PyExc_KeyError, msg.c_str());
      throw nb::python_error();
    }
    return i;
  }

  template <typename T> T &scalar_param(const char *name, int32_t dtype, const char *what) {
    int i = param_index(name, what);
    const dlc_tensor_desc &d = dlc_model_param(model_, i)->tensor;
    if (d.dtype != dtype || d.rank != 0)
      throw std::runtime_error(std::string("parameter '") + name + "' is " + describe(d) + ", not a scalar " +
                               numpy_name(dtype));
    void *p = dlc_model_param_data(model_, i);
    if (!p)
      throw std::runtime_error("the parameters of this CUDA artifact cannot be read back from the GPU");
    return *static_cast<T *>(p);
  }

  nb::dict params(nb::handle self) {
    nb::dict views;
    for (int i = 0; i < dlc_model_num_params(model_); ++i) {
      void *p = dlc_model_param_data(model_, i);
      if (!p)
        throw std::runtime_error("the parameters of this CUDA artifact cannot be read back from the GPU");
      const dlc_param_desc &d = *dlc_model_param(model_, i);
      views[d.tensor.name] = view_array(d.tensor, p, self, (d.flags & DLC_PARAM_TRANSPOSED) != 0);
    }
    return views;
  }

  void bind(Session &owner, nb::handle names) {
    std::vector<std::pair<std::string, std::string>> pairs; // (mine, theirs)
    if (nb::isinstance<nb::str>(names))
      throw nb::type_error("bind(other, names): names is a list of parameter names or a dict {mine: theirs}, "
                           "not one string");
    if (nb::isinstance<nb::dict>(names)) {
      for (auto [k, v] : nb::borrow<nb::dict>(names))
        pairs.emplace_back(nb::cast<std::string>(k), nb::cast<std::string>(v));
    } else {
      for (nb::handle n : nb::iter(names))
        pairs.emplace_back(nb::cast<std::string>(n), nb::cast<std::string>(n));
    }
    std::vector<int32_t> mine, theirs;
    for (const auto &[m, t] : pairs) {
      mine.push_back(param_index(m, "the session being bound"));
      theirs.push_back(owner.param_index(t, "the session that owns the storage"));
    }
    char err[1024];
    dlc_status st = dlc_model_share_params(model_, mine.data(), owner.model_, theirs.data(),
                                           static_cast<int32_t>(mine.size()), err, sizeof err);
    if (st != DLC_OK)
      raise(st, err);
  }

  nb::dict save_or_restore(const std::filesystem::path &file, std::optional<nb::dict> metadata, bool restore,
                           bool allow_extra) {
    dlc::Model &model = cpp_;
    const std::string path = file.string();
    nb::dict out;
    try {
      if (!restore) {
        dlc::SafetensorsMetadata meta{{"writer", "dlc (Python)"}, {"model", manifest().model_name}};
        if (metadata)
          for (auto [k, v] : *metadata)
            meta.emplace_back(nb::cast<std::string>(nb::str(k)), nb::cast<std::string>(nb::str(v)));
        nb::gil_scoped_release release;
        dlc::save_checkpoint(model, path, meta);
      } else {
        dlc::CheckpointLoad loaded;
        {
          nb::gil_scoped_release release;
          loaded = dlc::load_checkpoint(model, path, allow_extra);
        }
        for (const auto &[k, v] : loaded.metadata)
          out[k.c_str()] = v;
      }
    } catch (const dlc::Error &e) {
      throw nb::value_error(e.what());
    }
    return out;
  }

  std::string path() const { return dlc_model_path(model_); }

private:
  static std::string input_names(const dlc_entry_desc &e) {
    std::string s;
    for (int i = 0; i < e.num_inputs; ++i)
      s += (i ? ", " : "") + std::string(e.inputs[i].name);
    return s.empty() ? "no inputs" : s;
  }

  dlc::Model cpp_;
  dlc_model *model_; // cpp_'s handle, for the C API
};

} // namespace
} // namespace dlc_python

namespace dlc_python {

void bind_session(nb::module_ &m) {
  nb::class_<TensorSpec>(m, "TensorSpec",
                         "One tensor of a signature: an entry point's input or output, or a parameter.\n\n"
                         ">>> s = dlc.load('lenet.so')\n"
                         ">>> s.inputs\n"
                         "[TensorSpec(name='x', shape=(64, 1, 28, 28), dtype='float32')]")
      .def_ro("name", &TensorSpec::name)
      .def_ro("shape", &TensorSpec::shape)
      .def_ro("dtype", &TensorSpec::dtype, "The NumPy dtype name ('float32', 'int64', ...).")
      .def_ro("trainable", &TensorSpec::trainable, "Parameters: whether train_step updates it.")
      .def("__repr__", [](const TensorSpec &t) {
        return "TensorSpec(name='" + t.name + "', shape=" + nb::cast<std::string>(nb::repr(t.shape)) +
               ", dtype='" + t.dtype + "')";
      });

  auto specs = [](const dlc_tensor_desc *d, int n) {
    std::vector<TensorSpec> out;
    for (int i = 0; i < n; ++i)
      out.push_back(spec(d[i]));
    return out;
  };

  nb::class_<Session>(m, "Session",
                      "A compiled artifact loaded by dlc.load: its entry points on NumPy arrays, its live\n"
                      "parameters, checkpoints.\n\n"
                      ">>> s = dlc.load('lenet.so')\n"
                      ">>> logits = s.infer(x=images)['y']\n"
                      ">>> loss = s.train_step(x=images, label=labels)  # artifacts compiled with train=True")
      .def(nb::init<const std::string &, std::optional<int>>(), "path"_a, "threads"_a = nb::none(),
           "Loads the artifact at `path` (see dlc.load).")
      .def_prop_ro("path", &Session::path)
      .def_prop_ro("target", [](const Session &s) { return std::string(s.manifest().target); },
                   "'cpu' or 'cuda'.")
      .def_prop_ro("staged_bytes", [](const Session &s) { return dlc_model_staged_bytes(s.handle()); },
                   "Bytes the runtime copied because an array was not aligned to its element (0: every\n"
                   "input and output was used in place).")
      .def_prop_ro("model_name", [](const Session &s) { return std::string(s.manifest().model_name); })
      .def_prop_ro("entries",
                   [](const Session &s) {
                     std::vector<std::string> names;
                     for (int i = 0; i < s.manifest().num_entries; ++i)
                       names.push_back(s.manifest().entries[i].name);
                     return names;
                   },
                   "The entry points: 'infer', and 'train_step', 'eval_step' for training artifacts.")
      .def_prop_ro("inputs", [specs](const Session &s) {
                     const dlc_entry_desc &e = s.entry("infer");
                     return specs(e.inputs, e.num_inputs);
                   }, "The inputs of infer.")
      .def_prop_ro("outputs", [specs](const Session &s) {
                     const dlc_entry_desc &e = s.entry("infer");
                     return specs(e.outputs, e.num_outputs);
                   }, "The outputs of infer.")
      .def_prop_ro("parameters",
                   [](const Session &s) {
                     std::vector<TensorSpec> out;
                     for (int i = 0; i < s.manifest().num_params; ++i)
                       out.push_back(param_spec(s.manifest().params[i]));
                     return out;
                   },
                   "Every parameter: weights, optimizer state ('fc.weight/adam.m'), 'optimizer.lr', ...,\n"
                   "in the model's layout (as checkpoints hold them).")
      .def("signature",
           [specs](const Session &s, const std::string &entry) {
             const dlc_entry_desc &e = s.entry(entry.c_str());
             return std::make_pair(specs(e.inputs, e.num_inputs), specs(e.outputs, e.num_outputs));
           },
           "entry"_a, "(inputs, outputs) of an entry point.")
      .def("infer", [](Session &s, const nb::kwargs &a) { return s.run("infer", a); },
           "Runs the model on keyword arrays, returns {output name: new array}.\n\n"
           ">>> s.infer(x=np.zeros((1, 784), np.float32))['y'].shape\n"
           "(1, 10)\n\n"
           "A C-contiguous array of the declared dtype and shape is read in place; other strides are\n"
           "copied once, lists converted; a wrong dtype raises TypeError, a wrong shape ValueError.\n"
           "The GIL is released while the kernels run.")
      .def("train_step", &Session::train_step,
           "One optimizer step on a batch (the data inputs and the label); returns the loss. The\n"
           "parameters are updated in place.\n\n"
           ">>> for x, y in batches:\n"
           "...     loss = s.train_step(x=x, label=y)")
      .def("eval_step", [](Session &s, const nb::kwargs &a) { return s.run("eval_step", a); },
           "The loss (and outputs) on a batch, without updating anything.")
      .def("run", [](Session &s, const std::string &entry, const nb::kwargs &a) { return s.run(entry.c_str(), a); },
           "entry"_a, "arrays"_a, "Runs entry point `entry` on keyword arrays; returns {output name: array}.")
      .def_prop_ro("params", [](nb::handle self) { return nb::cast<Session &>(self).params(self); },
                   "{name: NumPy view} of the live parameter buffers, in the model's layout (a weight an\n"
                   "inference artifact stores transposed is a transposed view): writable, no copy. A view sees\n"
                   "what train_step writes, and what is written to it is what the next step reads.\n"
                   "(CUDA artifacts: the host copy, brought up to date when `params` is read.)\n\n"
                   ">>> w = s.params['fc.weight']\n"
                   ">>> s.train_step(x=x, label=y); w  # the updated weights")
      .def_prop_rw("lr",
                   [](Session &s) -> double { return s.scalar_param<float>("optimizer.lr", DLC_DTYPE_F32, "compile with train=True"); },
                   [](Session &s, double lr) {
                     s.scalar_param<float>("optimizer.lr", DLC_DTYPE_F32, "compile with train=True") = static_cast<float>(lr);
                   },
                   "The learning rate the next train_step uses (the parameter 'optimizer.lr').")
      .def_prop_rw("step",
                   [](Session &s) -> int64_t { return s.scalar_param<int64_t>("optimizer.step", DLC_DTYPE_I64, "compile with train=True"); },
                   [](Session &s, int64_t step) {
                     s.scalar_param<int64_t>("optimizer.step", DLC_DTYPE_I64, "compile with train=True") = step;
                   },
                   "The optimizer steps done ('optimizer.step'; train_step increments it).")
      .def("save",
           [](Session &s, const std::filesystem::path &path, std::optional<nb::dict> metadata) {
             s.save_or_restore(path, metadata, false, false);
           },
           "path"_a, "metadata"_a = nb::none(),
           "Writes every parameter (and optimizer state) to a safetensors checkpoint, the format of\n"
           "dlc-run; written to a temporary file and renamed, so a crash never leaves half a file.\n\n"
           ">>> s.save('lenet.safetensors', metadata={'epoch': 3})")
      .def("restore",
           [](Session &s, const std::filesystem::path &path, bool allow_extra) {
             return s.save_or_restore(path, std::nullopt, true, allow_extra);
           },
           "path"_a, "allow_extra"_a = false,
           "Loads a checkpoint (of this model: every parameter with its dtype and shape) into the\n"
           "parameters; returns its metadata. Nothing changes unless all of it checks out.")
      .def("bind", &Session::bind, "other"_a, "names"_a,
           "Makes this session's parameters use the storage of `other`'s: `names` is a list of names\n"
           "both have, or a dict {name here: name there}. From then on there is one buffer: what\n"
           "other.train_step writes, this session reads, with no copy. A GAN's generator artifact\n"
           "(discriminator frozen) binds the discriminator's parameters to the discriminator's own\n"
           "training artifact.\n\n"
           ">>> g.bind(d, {'disc.0.weight': '0.weight', 'disc.0.bias': '0.bias'})")
      .def("__repr__", [](const Session &s) {
        return "<dlc.Session '" + s.path() + "' target=" + s.manifest().target + ">";
      });
}

} // namespace dlc_python
