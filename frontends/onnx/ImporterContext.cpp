// The importer's state and the helpers the op converters share: values by ONNX name,
// known constants, parameters, result types from shape inference, attributes, errors.
#include "frontends/onnx/ImporterContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "onnx/defs/schema.h"

#include <set>

using namespace mlir;

namespace dlc::onnx_frontend::detail {

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node, llvm::StringRef name) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t getAttrInt(const onnx::NodeProto &node, llvm::StringRef name, int64_t def) {
  const auto *a = findAttr(node, name);
  return a ? a->i() : def;
}

double getAttrFloat(const onnx::NodeProto &node, llvm::StringRef name, double def) {
  const auto *a = findAttr(node, name);
  return a ? (double)a->f() : def;
}

std::string getAttrString(const onnx::NodeProto &node, llvm::StringRef name, const std::string &def) {
  const auto *a = findAttr(node, name);
  return a ? a->s() : def;
}

std::vector<int64_t> getAttrInts(const onnx::NodeProto &node, llvm::StringRef name, std::vector<int64_t> def) {
  const auto *a = findAttr(node, name);
  if (!a)
    return def;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

//===----------------------------------------------------------------------===//
// Graphs
//===----------------------------------------------------------------------===//

std::string nodeLabel(const onnx::NodeProto &n, int index) {
  if (!n.name().empty())
    return "'" + n.name() + "'";
  return "#" + std::to_string(index) + (n.output_size() ? " producing '" + n.output(0) + "'" : std::string());
}

std::vector<std::string> graphInputsFeeding(const onnx::GraphProto &g, const std::string &value) {
  std::map<std::string, const onnx::NodeProto *> producer;
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      producer[o] = &n;
  std::set<std::string> inputs, seen;
  for (const auto &in : g.input())
    inputs.insert(in.name());
  for (const auto &t : g.initializer())
    inputs.erase(t.name());
  std::set<std::string> found;
  std::vector<std::string> todo{value};
  while (!todo.empty()) {
    std::string v = todo.back();
    todo.pop_back();
    if (v.empty() || !seen.insert(v).second)
      continue;
    if (inputs.count(v))
      found.insert(v);
    if (auto it = producer.find(v); it != producer.end())
      for (const auto &in : it->second->input())
        todo.push_back(in);
  }
  return {found.begin(), found.end()};
}

std::string runTimeOrigin(const onnx::GraphProto &g, const std::string &value) {
  std::string from;
  for (const std::string &in : graphInputsFeeding(g, value))
    from += (from.empty() ? " from graph input '" : ", '") + in + "'";
  return from.empty() ? from : from + " (static shapes or constant inputs would fix it)";
}

onnx::TypeProto typeOfTensor(const onnx::TensorProto &t) {
  onnx::TypeProto type;
  auto *tt = type.mutable_tensor_type();
  tt->set_elem_type(t.data_type());
  for (int64_t d : t.dims())
    tt->mutable_shape()->add_dim()->set_dim_value(d);
  return type;
}

std::map<std::string, onnx::TypeProto> knownTypes(const onnx::GraphProto &g) {
  std::map<std::string, onnx::TypeProto> types;
  for (const auto *list : {&g.input(), &g.value_info(), &g.output()})
    for (const auto &v : *list)
      if (v.has_type())
        types[v.name()] = v.type();
  for (const auto &t : g.initializer())
    types[t.name()] = typeOfTensor(t);
  for (const auto &n : g.node()) // Constant nodes: their type is their value's
    if (n.op_type() == "Constant" && n.output_size() == 1)
      if (const auto *v = findAttr(n, "value"); v && v->has_t())
        types.emplace(n.output(0), typeOfTensor(v->t()));
  return types;
}

//===----------------------------------------------------------------------===//
// Importer
//===----------------------------------------------------------------------===//

Importer::Importer(MLIRContext &ctx, const onnx::ModelProto &model, std::string baseDir, int opset,
                   std::string strictInferenceMessage)
    : ctx(ctx), b(&ctx), opset(opset), model_(model), graph_(model.graph()), baseDir_(std::move(baseDir)),
      strictInferenceMessage_(std::move(strictInferenceMessage)) {
  for (const auto &v : graph_.input())
    types_[v.name()] = &v.type();
  for (const auto &v : graph_.value_info())
    types_[v.name()] = &v.type();
  for (const auto &v : graph_.output())
    types_[v.name()] = &v.type();
  for (const auto &t : graph_.initializer()) {
    known_[t.name()] = &t;
    initializers_.insert(t.name());
  }
  for (const auto &n : graph_.node()) {
    for (const auto &i : n.input())
      used_.insert(i);
    if (n.op_type() == "Constant" && (n.domain().empty() || n.domain() == "ai.onnx") && n.output_size() == 1 &&
        n.attribute_size() == 1 && n.attribute(0).has_t())
      known_[n.output(0)] = &n.attribute(0).t();
  }
  for (const auto &o : graph_.output())
    used_.insert(o.name());
}

std::string Importer::where() const {
  std::string label = node_->name().empty()
                          ? "#" + std::to_string(nodeIndex_) +
                                (node_->output_size() ? " producing '" + node_->output(0) + "'" : std::string())
                          : "'" + node_->name() + "'";
  return "op '" + node_->op_type() + "' (node " + label + ", opset " + std::to_string(opset) + ")";
}

Error Importer::error(const llvm::Twine &msg) const { return makeError(where() + ": " + msg); }

Error Importer::unsupportedAttr(llvm::StringRef name, const llvm::Twine &value) const {
  return makeError("unsupported attribute value " + name + "=" + value + " of " + where());
}

Location Importer::loc() const {
  if (!node_) // building the graph's boundary: named after the input or output
    return NameLoc::get(StringAttr::get(&ctx, boundaryName_));
  std::string label = node_->name().empty() ? node_->op_type() + "_" + std::to_string(nodeIndex_) : node_->name();
  return NameLoc::get(StringAttr::get(&ctx, label));
}

bool Importer::has(int i) const { return i < node_->input_size() && !node_->input(i).empty(); }

bool Importer::isKnown(int i) const { return has(i) && known_.count(node_->input(i)); }

bool Importer::outputUsed(int i) const {
  return i < node_->output_size() && !node_->output(i).empty() && used_.count(node_->output(i));
}

const onnx::AttributeProto *Importer::attr(llvm::StringRef name) const { return findAttr(*node_, name); }
int64_t Importer::attrInt(llvm::StringRef name, int64_t def) const { return getAttrInt(*node_, name, def); }
double Importer::attrFloat(llvm::StringRef name, double def) const { return getAttrFloat(*node_, name, def); }
std::string Importer::attrString(llvm::StringRef name, const std::string &def) const {
  return getAttrString(*node_, name, def);
}
std::vector<int64_t> Importer::attrInts(llvm::StringRef name, std::vector<int64_t> def) const {
  return getAttrInts(*node_, name, std::move(def));
}

Expected<RankedTensorType> Importer::typeFromProto(const onnx::TypeProto &type, const std::string &name) {
  if (!type.has_tensor_type())
    return makeError("value '" + name + "' is not a tensor (sequences, maps and optionals are unsupported)");
  const auto &tt = type.tensor_type();
  auto elem = elementType(ctx, tt.elem_type(), "value '" + name + "'");
  if (!elem)
    return elem.takeError();
  if (!tt.has_shape())
    return makeError("value '" + name + "' has no inferred shape");
  llvm::SmallVector<int64_t> shape;
  for (const auto &d : tt.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0)
      return makeError("value '" + name + "' has a dynamic dim" +
                       (d.has_dim_param() ? " '" + d.dim_param() + "'" : std::string()) + " in its inferred shape");
    shape.push_back(d.dim_value());
  }
  if (tooLarge(shape))
    return makeError("value '" + name + "' has shape " + shapeStr(shape) + ", too large to be real data");
  return RankedTensorType::get(shape, *elem);
}

Expected<RankedTensorType> Importer::outputType(int i) {
  if (i >= node_->output_size() || node_->output(i).empty())
    return error("output #" + llvm::Twine(i) + " is missing");
  const std::string &name = node_->output(i);
  auto it = types_.find(name);
  std::string hint = strictInferenceMessage_.empty() ? "" : " (shape inference: " + strictInferenceMessage_ + ")";
  if (it == types_.end())
    return error("shape inference gave no type for output '" + name + "'" + hint);
  auto t = typeFromProto(*it->second, name);
  if (!t)
    return error(llvm::toString(t.takeError()) + hint);
  return t;
}

void Importer::setOutput(int i, Value v) {
  if (i < node_->output_size() && !node_->output(i).empty())
    values_[node_->output(i)] = v;
}

const ConstTensor *Importer::knownValue(const std::string &name) const {
  auto it = decoded_.find(name);
  if (it != decoded_.end())
    return it->second ? &*it->second : nullptr;
  auto k = known_.find(name);
  if (k == known_.end())
    return nullptr;
  auto d = decodeTensor(*k->second, baseDir_);
  if (!d) {
    llvm::consumeError(d.takeError());
    decoded_[name] = std::nullopt;
    return nullptr;
  }
  return &*(decoded_[name] = std::move(*d));
}

Expected<ConstTensor> Importer::constInput(int i, llvm::StringRef what) {
  if (!has(i))
    return error("input '" + what + "' (#" + llvm::Twine(i) + ") is required");
  const std::string &name = node_->input(i);
  auto k = known_.find(name);
  if (k == known_.end()) {
    return error("input '" + what + "' ('" + name + "') must be a constant known at import, but it is computed at run time" +
                 runTimeOrigin(graph_, name));
  }
  auto d = decodeTensor(*k->second, baseDir_);
  if (!d)
    return error("input '" + what + "': " + llvm::toString(d.takeError()));
  return std::move(*d);
}

Expected<std::vector<int64_t>> Importer::inputShape(int i) {
  if (!has(i))
    return error("input #" + llvm::Twine(i) + " is required");
  const std::string &name = node_->input(i);
  if (auto v = values_.find(name); v != values_.end())
    return std::vector<int64_t>(typeOf(v->second).getShape());
  if (auto k = known_.find(name); k != known_.end())
    return std::vector<int64_t>(k->second->dims().begin(), k->second->dims().end());
  if (auto t = types_.find(name); t != types_.end())
    if (auto s = staticShape(*t->second))
      return *s;
  return error("the shape of input '" + name + "' is not static");
}

Expected<Value> Importer::input(int i, bool nonTrainable) {
  if (!has(i))
    return error("input #" + llvm::Twine(i) + " is required");
  auto v = valueOf(node_->input(i), nonTrainable);
  if (!v)
    return error(llvm::toString(v.takeError()));
  return v;
}

Expected<Value> Importer::valueOf(const std::string &name, bool nonTrainable) {
  auto it = values_.find(name);
  if (it != values_.end()) {
    if (auto p = paramIndex_.find(name); p != paramIndex_.end() && !nonTrainable)
      (*params_)[p->second].trainable = true;
    return it->second;
  }
  auto k = known_.find(name);
  if (k == known_.end())
    return makeError("value '" + name + "' is used before it is defined");
  const onnx::TensorProto &t = *k->second;
  std::string what = "tensor '" + name + "'";
  auto elem = elementType(ctx, t.data_type(), what);
  if (!elem)
    return elem.takeError();
  auto type = RankedTensorType::get(llvm::SmallVector<int64_t>(t.dims().begin(), t.dims().end()), *elem);
  auto bytes = tensorBytes(t, baseDir_);
  if (!bytes)
    return bytes.takeError();
  Value v;
  // A floating initializer is a parameter, unless it holds +-inf or NaN: that is a mask
  // or a constant the exporter wrote as a buffer (a causal -inf mask), which no
  // optimizer step can train, so it stays a graph constant.
  // Packed 4-bit floats stay constants: a parameter's buffer is the runtime's, packed.
  if (initializers_.count(name) && isFloatDType(t.data_type()) && !packedBits(t.data_type()) &&
      allFinite(t.data_type(), *bytes)) {
    v = body_->addArgument(type, NameLoc::get(StringAttr::get(&ctx, name)));
    paramIndex_[name] = params_->size();
    params_->push_back(Parameter{name, type, std::move(*bytes), !nonTrainable});
    argNames_.push_back(name);
    argKinds_.push_back(abi::ArgKind::param);
  } else {
    v = graph::ConstantOp::create(b, NameLoc::get(StringAttr::get(&ctx, name)), type, denseFromBytes(type, *bytes));
  }
  values_[name] = v;
  return v;
}

Value Importer::constant(DenseElementsAttr value) {
  return graph::ConstantOp::create(b, loc(), value.getType(), value);
}

Expected<Value> Importer::constant(const ConstTensor &value) {
  auto elem = elementType(ctx, value.dtype, "a constant");
  if (!elem)
    return elem.takeError();
  auto type = RankedTensorType::get(value.shape, *elem);
  return constant(denseFromConst(type, value));
}

Value Importer::scalar(Type elem, double v) { return splat(RankedTensorType::get({}, elem), v); }

Value Importer::splat(RankedTensorType type, double v) {
  Type elem = type.getElementType();
  Attribute a;
  if (isa<FloatType>(elem))
    a = FloatAttr::get(elem, v);
  else
    a = IntegerAttr::get(elem, (int64_t)v);
  return constant(DenseElementsAttr::get(type, llvm::ArrayRef<Attribute>{a}));
}

Value Importer::reshape(Value v, llvm::ArrayRef<int64_t> shape) {
  auto t = typeOf(v);
  if (t.getShape() == shape)
    return v;
  return graph::ReshapeOp::create(b, loc(), RankedTensorType::get(shape, t.getElementType()), v);
}

Value Importer::transpose(Value v, llvm::ArrayRef<int64_t> perm) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == (int64_t)i;
  if (identity)
    return v;
  auto t = typeOf(v);
  llvm::SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  return graph::TransposeOp::create(b, loc(), RankedTensorType::get(shape, t.getElementType()), v, perm);
}

Expected<int64_t> Importer::normAxis(int64_t axis, int64_t rank, llvm::StringRef what) const {
  int64_t n = axis < 0 ? axis + rank : axis;
  if (n < 0 || n >= rank)
    return error(what + " " + llvm::Twine(axis) + " is out of range for rank " + llvm::Twine(rank));
  return n;
}

Error Importer::convertNode() {
  const std::string &op = node_->op_type();
  bool defaultDomain = node_->domain().empty() || node_->domain() == "ai.onnx";
  if (defaultDomain && op == "Constant") {
    if (!known_.count(node_->output(0)))
      return error("only dense tensor constants are supported");
    return Error::success();
  }
  ConverterFn convert = findConverter(node_->domain(), op);
  if (!convert)
    return makeError("unsupported op '" + op + "'" +
                     (defaultDomain ? std::string() : " of domain '" + node_->domain() + "'") +
                     where().substr(where().find(" (")));
  // Inputs the converter needs as constants first: a run-time one leaves the outputs
  // without static shapes, and the error the user needs is about that input.
  if (defaultDomain)
    for (int k : constantInputs(op))
      if (has(k) && !isKnown(k)) {
        const auto *schema = onnx::OpSchemaRegistry::Schema(op, opset, "");
        std::string what = schema && k < (int)schema->inputs().size() ? schema->inputs()[k].GetName()
                                                                       : "#" + std::to_string(k);
        DLC_TRY(c, constInput(k, what));
        (void)c;
      }
  if (auto e = convert(*this))
    return e;
  for (int i = 0; i < node_->output_size(); ++i)
    if (outputUsed(i) && !values_.count(node_->output(i)))
      return error("output #" + llvm::Twine(i) + " ('" + node_->output(i) + "') is not supported");
  return Error::success();
}

Error Importer::run(ModuleOp module, std::vector<Parameter> &params) {
  params_ = &params;
  Location funcLoc = NameLoc::get(StringAttr::get(&ctx, graph_.name().empty() ? "infer" : graph_.name()));
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, funcLoc, "infer", FunctionType::get(&ctx, {}, {}));
  body_ = func.addEntryBlock();
  b.setInsertionPointToStart(body_);

  for (const auto &in : graph_.input()) {
    if (initializers_.count(in.name()))
      continue; // an initializer listed as input (IR version < 4): a constant or parameter
    auto type = typeFromProto(in.type(), in.name());
    if (!type)
      return makeError("graph input: " + llvm::toString(type.takeError()));
    Location argLoc = NameLoc::get(StringAttr::get(&ctx, in.name()));
    argNames_.push_back(in.name());
    argKinds_.push_back(abi::ArgKind::input);
    if (!packedBits(in.type().tensor_type().elem_type())) {
      values_[in.name()] = body_->addArgument(*type, argLoc);
      continue;
    }
    // A packed type crosses as its bytes; `dlc.packed_type` keeps what they hold.
    Value bytes = body_->addArgument(
        RankedTensorType::get({packedBytes(*type)}, IntegerType::get(&ctx, 8, IntegerType::Unsigned)), argLoc);
    packedArgs_[body_->getNumArguments() - 1] = *type;
    boundaryName_ = in.name();
    values_[in.name()] = unpackTensor(*this, bytes, *type);
  }

  for (int i = 0; i < graph_.node_size(); ++i) {
    node_ = &graph_.node(i);
    nodeIndex_ = i;
    if (auto e = convertNode())
      return e;
  }

  llvm::SmallVector<Value> results;
  llvm::SmallVector<Type> resultTypes;
  for (const auto &out : graph_.output()) {
    auto v = valueOf(out.name(), false);
    if (!v)
      return makeError("graph output '" + out.name() + "': " + llvm::toString(v.takeError()));
    Value r = *v;
    // An output that is directly an argument or a constant, or that another output
    // already returns, gets its own value.
    if (isa<BlockArgument>(r) || r.getDefiningOp<graph::ConstantOp>() || llvm::is_contained(results, r))
      r = graph::ReshapeOp::create(b, NameLoc::get(StringAttr::get(&ctx, out.name())), r.getType(), r);
    if (out.type().has_tensor_type() && packedBits(out.type().tensor_type().elem_type())) {
      packedResults_[results.size()] = typeOf(r);
      boundaryName_ = out.name();
      r = packTensor(*this, r);
    }
    results.push_back(r);
    resultTypes.push_back(r.getType());
  }
  func::ReturnOp::create(b, funcLoc, results);
  func.setFunctionType(FunctionType::get(&ctx, body_->getArgumentTypes(), resultTypes));
  for (unsigned i = 0; i < body_->getNumArguments(); ++i) {
    abi::setArgName(func, i, argNames_[i]);
    abi::setArgKind(func, i, argKinds_[i]);
    if (argKinds_[i] == abi::ArgKind::param)
      abi::setTrainable(func, i, (*params_)[paramIndex_.at(argNames_[i])].trainable);
  }
  abi::setEntry(func);
  for (int i = 0; i < graph_.output_size(); ++i)
    abi::setResultName(func, i, graph_.output(i).name());
  for (auto &[i, type] : packedArgs_)
    abi::setArgTensorType(func, i, type);
  for (auto &[i, type] : packedResults_)
    abi::setResultTensorType(func, i, type);
  return Error::success();
}

} // namespace dlc::onnx_frontend::detail

namespace dlc::onnx_frontend::detail {
const ConverterMap &converters() {
  static const ConverterMap map = [] {
    ConverterMap m;
    addElementwiseConverters(m);
    addNNConverters(m);
    addTensorConverters(m);
    addResizeConverters(m);
    addGridSampleConverter(m);
    addSpectralConverters(m);
    addReductionConverters(m);
    addEinsumConverter(m);
    addRecurrentConverters(m);
    addLossConverters(m);
    addQuantizationConverters(m);
    return m;
  }();
  return map;
}

ConverterFn findConverter(const std::string &domain, const std::string &opType) {
  const ConverterMap *map = nullptr;
  if (domain.empty() || domain == "ai.onnx")
    map = &converters();
  else if (domain == kTrainingDomain)
    map = &trainingConverters();
  if (!map)
    return nullptr;
  auto it = map->find(opType);
  return it == map->end() ? nullptr : it->second;
}
} // namespace dlc::onnx_frontend::detail
