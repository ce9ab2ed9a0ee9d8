#include "tests/e2e/backend/CaseRunner.h"
#include "tests/e2e/backend/OutputCompare.h"
#include "tests/e2e/backend/TensorData.h"

#include "driver/Driver.h"

#include "dlc/runtime.h"
#include "onnx/onnx_pb.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace dlc::backend_test {

namespace {

struct DataSet {
  std::vector<std::string> inputPaths;
  std::vector<HostTensor> inputs, outputs;
};

struct GraphInput {
  std::string name;
  bool symbolic = false; // some dim is not a fixed value: take the shape from the data
  std::vector<int64_t> dims; // as declared, when not symbolic
};

std::vector<fs::path> dataSetDirs(const std::string &caseDir) {
  std::vector<std::pair<int, fs::path>> dirs;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(caseDir, ec)) {
    std::string n = e.path().filename().string();
    if (e.is_directory() && n.rfind("test_data_set_", 0) == 0)
      dirs.push_back({std::atoi(n.c_str() + 14), e.path()});
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<fs::path> out;
  for (auto &d : dirs)
    out.push_back(d.second);
  return out;
}

/// The element types the model declares for its non-initializer inputs or its outputs.
std::vector<int32_t> declaredTypes(const onnx::ModelProto &m, bool inputs) {
  std::set<std::string> inits;
  for (const auto &t : m.graph().initializer())
    inits.insert(t.name());
  std::vector<int32_t> types;
  for (const auto &v : inputs ? m.graph().input() : m.graph().output())
    if (!inputs || !inits.count(v.name()))
      types.push_back(v.type().tensor_type().elem_type());
  return types;
}

bool loadDataSet(const fs::path &dir, const onnx::ModelProto &model, DataSet &ds, std::string &err) {
  for (const char *kind : {"input", "output"}) {
    std::vector<int32_t> declared = declaredTypes(model, kind[0] == 'i');
    for (int i = 0;; ++i) {
      fs::path p = dir / (std::string(kind) + "_" + std::to_string(i) + ".pb");
      if (!fs::exists(p))
        break;
      onnx::TensorProto proto;
      if (!readProtoFile(p.string(), proto, err))
        return false;
      // numpy has no bfloat16: the test data holds such tensors as their uint16 bits.
      if (proto.data_type() == onnx::TensorProto::UINT16 && i < (int)declared.size() &&
          declared[i] == onnx::TensorProto::BFLOAT16)
        proto.set_data_type(onnx::TensorProto::BFLOAT16);
      HostTensor t;
      if (!decodeTensor(proto, t, err))
        return false;
      if (kind[0] == 'i') {
        ds.inputPaths.push_back(p.string());
        ds.inputs.push_back(std::move(t));
      } else {
        ds.outputs.push_back(std::move(t));
      }
    }
  }
  return true;
}

std::vector<GraphInput> graphInputs(const onnx::ModelProto &m) {
  std::set<std::string> inits;
  for (const auto &t : m.graph().initializer())
    inits.insert(t.name());
  std::vector<GraphInput> inputs;
  for (const auto &in : m.graph().input()) {
    if (inits.count(in.name()))
      continue;
    GraphInput g{in.name(), false, {}};
    const auto &tt = in.type().tensor_type();
    if (!tt.has_shape())
      g.symbolic = true;
    for (const auto &d : tt.shape().dim()) {
      g.symbolic |= !d.has_dim_value() || d.dim_value() < 0;
      g.dims.push_back(d.dim_value());
    }
    inputs.push_back(g);
  }
  return inputs;
}

std::string oneLine(std::string s, size_t max = 1000) {
  for (char &c : s)
    if (c == '\n' || c == '\t' || c == '\r')
      c = ' ';
  if (s.size() > max)
    s = s.substr(0, max) + "...";
  return s;
}

/// The graph inputs that the importer's error says a value it needs at import is
/// computed from ("... computed at run time from graph input 'a', 'b' (...)").
std::vector<std::string> inputsNeededAsConstants(const std::string &err) {
  static const std::string head = "computed at run time from graph input ";
  std::vector<std::string> names;
  auto at = err.find(head);
  if (at == std::string::npos)
    return names;
  size_t pos = at + head.size();
  while (pos < err.size() && err[pos] == '\'') {
    size_t end = err.find('\'', pos + 1);
    if (end == std::string::npos)
      break;
    names.push_back(err.substr(pos + 1, end - pos - 1));
    pos = end + 1;
    if (err.compare(pos, 2, ", ") != 0)
      break;
    pos += 2;
  }
  return names;
}

CaseResult failed(const std::string &reason) { return CaseResult{Status::Fail, oneLine(reason), "", 0}; }

/// A compiled and loaded artifact for one data set's shapes and constants.
struct Loaded {
  dlc_model *model = nullptr;
  std::set<std::string> bound; // graph inputs imported as constants
  ~Loaded() { dlc_model_free(model); }
};

class Runner {
public:
  Runner(const BackendCase &c, const std::string &workDir, const std::function<void(const std::string &)> &phase)
      : c_(c), workDir_(workDir), phase_(phase) {}

  CaseResult run();

private:
  std::optional<CaseResult> compile(const DataSet &ds, int index, Loaded &out);
  std::optional<CaseResult> execute(const DataSet &ds, const Loaded &loaded);
  const BackendCase &c_;
  std::string workDir_;
  const std::function<void(const std::string &)> &phase_;
  onnx::ModelProto model_;
  std::vector<GraphInput> inputs_;
};

std::optional<CaseResult> Runner::compile(const DataSet &ds, int index, Loaded &out) {
  onnx_frontend::ImportOptions options;
  for (size_t i = 0; i < inputs_.size() && i < ds.inputs.size(); ++i)
    if (inputs_[i].symbolic)
      options.inputShapes[inputs_[i].name] = ds.inputs[i].dims;

  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  // Parallel cases already use the cores; MLIR's own threads would only contend.
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() != mlir::DiagnosticSeverity::Error || !diagnostics.empty())
      return mlir::success();
    llvm::raw_string_ostream os(diagnostics);
    os << d.getLocation() << ": " << d.str();
    return mlir::success();
  });

  phase_("import");
  std::optional<onnx_frontend::ImportedModel> imported;
  while (!imported) {
    auto result = onnx_frontend::importOnnxModel(ctx, model_, options);
    if (result) {
      imported = std::move(*result);
      break;
    }
    std::string err = llvm::toString(result.takeError());
    // The importer needs some values (Reshape's shape, Slice's starts, a Range's limit)
    // at import; the backend tests compute them from graph inputs. Bind the inputs they
    // come from to their test values, as an application with static shapes would.
    bool bound = false;
    for (const std::string &name : inputsNeededAsConstants(err)) {
      size_t k = 0;
      while (k < inputs_.size() && inputs_[k].name != name)
        ++k;
      if (k >= ds.inputPaths.size() || options.constantInputs.count(name))
        continue;
      options.constantInputs[name] = ds.inputPaths[k];
      options.inputShapes.erase(name);
      out.bound.insert(name);
      bound = true;
    }
    if (bound)
      continue;
    std::string what = unsupportedWhat(err);
    if (!what.empty())
      return CaseResult{Status::Unsupported, oneLine(err), what, 0};
    return failed("import error: " + err);
  }

  phase_("compile");
  std::string so = workDir_ + "/model-" + std::to_string(index) + ".so";
  CompileOptions compileOptions;
  if (auto err = compileModel(*imported, compileOptions, so, llvm::nulls())) {
    std::string msg = llvm::toString(std::move(err));
    return failed("compile error: " + msg + (diagnostics.empty() ? "" : ": " + diagnostics));
  }

  phase_("load");
  char msg[1024] = "";
  if (dlc_status s = dlc_model_load(so.c_str(), &out.model, msg, sizeof msg); s != DLC_OK)
    return failed(std::string("runtime error: load: ") + dlc_status_name(s) + ": " + msg);
  return std::nullopt;
}

std::optional<CaseResult> Runner::execute(const DataSet &ds, const Loaded &loaded) {
  phase_("run");
  const dlc_entry_desc *entry = dlc_model_find_entry(loaded.model, "infer");
  if (!entry)
    return failed("runtime error: the artifact has no entry 'infer'");

  static uint8_t empty[1];
  std::vector<dlc_tensor> ins;
  for (size_t i = 0; i < inputs_.size() && i < ds.inputs.size(); ++i) {
    if (loaded.bound.count(inputs_[i].name))
      continue;
    const HostTensor &t = ds.inputs[i];
    // A few cases feed data of another shape than the model declares; say so rather
    // than let the runtime's signature check read as a runtime bug.
    if (!inputs_[i].symbolic && t.dims != inputs_[i].dims)
      return failed("test data: input '" + inputs_[i].name + "' has shape " + shapeString(t.dims) +
                    ", but the model declares " + shapeString(inputs_[i].dims));
    ins.push_back({inputs_[i].name.c_str(), t.dtype, (int32_t)t.dims.size(), t.dims.data(),
                   t.bytes.empty() ? empty : const_cast<uint8_t *>(t.bytes.data()), t.bytes.size()});
  }
  std::vector<HostTensor> got(entry->num_outputs);
  std::vector<dlc_tensor> outs;
  for (int j = 0; j < entry->num_outputs; ++j) {
    const dlc_tensor_desc &d = entry->outputs[j];
    HostTensor &t = got[j];
    t.name = d.name;
    t.dtype = d.dtype;
    t.dims.assign(d.shape, d.shape + d.rank);
    t.bytes.resize(dlc_dtype_nbytes(d.dtype, (uint64_t)t.numElements()));
    outs.push_back({d.name, d.dtype, d.rank, d.shape, t.bytes.empty() ? empty : t.bytes.data(), t.bytes.size()});
  }
  char msg[2048] = "";
  if (dlc_status s = dlc_model_run(loaded.model, "infer", ins.data(), (int32_t)ins.size(), outs.data(),
                                   (int32_t)outs.size(), msg, sizeof msg);
      s != DLC_OK)
    return failed(std::string("runtime error: ") + dlc_status_name(s) + ": " + msg);

  for (size_t k = 0; k < ds.outputs.size(); ++k) {
    if ((int)k >= model_.graph().output_size())
      return failed("the test data has more outputs than the model");
    const std::string &name = model_.graph().output(k).name();
    auto it = std::find_if(got.begin(), got.end(), [&](const HostTensor &t) { return t.name == name; });
    if (it == got.end())
      return failed("output '" + name + "' is not an output of the compiled entry");
    std::string mismatch = compareOutput(name, *it, ds.outputs[k]);
    if (!mismatch.empty())
      return failed(mismatch);
  }
  return std::nullopt;
}

CaseResult Runner::run() {
  std::string err;
  if (!readProtoFile(c_.dir + "/model.onnx", model_, err))
    return failed(err);
  inputs_ = graphInputs(model_);
  auto dirs = dataSetDirs(c_.dir);
  if (dirs.empty())
    return failed("no test_data_set_N directory");
  bool symbolic = std::any_of(inputs_.begin(), inputs_.end(), [](const GraphInput &g) { return g.symbolic; });
  std::unique_ptr<Loaded> loaded;
  for (size_t k = 0; k < dirs.size(); ++k) {
    DataSet ds;
    if (!loadDataSet(dirs[k], model_, ds, err)) {
      // Data the runtime cannot hold (strings, ...) is usually of a type the importer
      // refuses too: then the importer's verdict is the more useful one.
      Loaded probe;
      auto r = compile(DataSet{}, (int)k, probe);
      if (r && r->status == Status::Unsupported)
        return *r;
      return failed("test data: " + err);
    }
    // Shapes and bound constants come from the data set, so each one may need its own artifact.
    if (!loaded || symbolic || !loaded->bound.empty()) {
      loaded = std::make_unique<Loaded>();
      if (auto r = compile(ds, (int)k, *loaded))
        return *r;
    }
    if (auto r = execute(ds, *loaded)) {
      if (dirs.size() > 1)
        r->reason = dirs[k].filename().string() + ": " + r->reason;
      return *r;
    }
  }
  return CaseResult{Status::Pass, "", "", 0};
}

std::string between(const std::string &s, size_t from, const std::string &open, const std::string &close) {
  auto b = s.find(open, from);
  if (b == std::string::npos)
    return "";
  b += open.size();
  auto e = s.find(close, b);
  return e == std::string::npos ? "" : s.substr(b, e - b);
}

} // namespace

std::string unsupportedWhat(const std::string &err) {
  // Sequence, map or optional graph inputs: the importer says "is not a tensor" without
  // the word, but they are as unsupported as the ones it names.
  if (err.find("is not a tensor") != std::string::npos)
    return "non-tensor value (sequence, map or optional)";
  auto at = err.find("unsupported");
  if (at == std::string::npos)
    return "";
  if (err.compare(at, 16, "unsupported op '") == 0) {
    std::string what = "op " + between(err, at, "'", "'");
    auto domain = err.find("' of domain '", at);
    if (domain != std::string::npos && domain < err.find(" (node", at))
      what += " (domain " + between(err, domain + 1, "'", "'") + ")";
    return what;
  }
  if (err.compare(at, 18, "unsupported opset ") == 0)
    return "opset " + err.substr(at + 18, err.find(' ', at + 18) - at - 18);
  if (err.compare(at, 25, "unsupported element type ") == 0)
    return "element type " + between(err, at, "'", "'");
  if (err.compare(at, 28, "unsupported attribute value ") == 0) {
    auto of = err.find(" of op '", at);
    std::string attr = err.substr(at + 28, of == std::string::npos ? 40 : of - at - 28);
    return between(err, at, " of op '", "'") + " " + attr;
  }
  if (err.find("unsupported element type", at) != std::string::npos)
    return "element type " + between(err, err.find("unsupported element type"), "'", "'");
  // "op 'MaxPool' (node ...): the Indices output of MaxPool is unsupported"
  std::string op = between(err, 0, "op '", "'");
  auto colon = err.find("): ");
  std::string detail = colon == std::string::npos ? err : err.substr(colon + 3);
  if (detail.size() > 80)
    detail = detail.substr(0, 80) + "...";
  return op.empty() ? detail : op + ": " + detail;
}

CaseResult runCase(const BackendCase &c, const std::string &workDir,
                   const std::function<void(const std::string &)> &phase) {
  CaseResult r = Runner(c, workDir, phase).run();
  // The work directory differs from run to run; reports should not.
  for (size_t at; (at = r.reason.find(workDir + "/")) != std::string::npos;)
    r.reason.erase(at, workDir.size() + 1);
  return r;
}

} // namespace dlc::backend_test
