// If, Scan and Loop are compiled the way a static-shape AOT compiler can: an If whose
// condition is known at import becomes the branch taken, a Scan (whose length the static
// shapes fix) and a Loop whose trip count is known are unrolled. The inlined bodies are
// plain graph nodes: they fold, fuse and differentiate like any other. XLA and IREE keep
// such loops as loops because their shapes and trip counts may be dynamic; dlc's are not.
#include "frontends/onnx/ImporterContext.h"

#include <map>
#include <set>

namespace dlc::onnx_frontend::detail {

namespace {

/// More nodes than this from one unrolled op is a loop, not a graph: refused.
constexpr int64_t kMaxUnrolledNodes = 200000;

bool isControlFlow(const onnx::NodeProto &n) {
  return isDefaultDomain(n) && (n.op_type() == "If" || n.op_type() == "Scan" || n.op_type() == "Loop");
}

const onnx::GraphProto *graphAttr(const onnx::NodeProto &n, llvm::StringRef name) {
  const auto *a = findAttr(n, name);
  return a && a->has_g() ? &a->g() : nullptr;
}

/// Every name a body defines, its nested subgraphs' included.
void collectDefinitions(const onnx::GraphProto &g, std::set<std::string> &defs) {
  for (const auto &v : g.input())
    defs.insert(v.name());
  for (const auto &t : g.initializer())
    defs.insert(t.name());
  for (const auto &n : g.node()) {
    for (const auto &o : n.output())
      if (!o.empty())
        defs.insert(o);
    for (const auto &a : n.attribute()) {
      if (a.has_g())
        collectDefinitions(a.g(), defs);
      for (const auto &sub : a.graphs())
        collectDefinitions(sub, defs);
    }
  }
}

using RenameMap = std::map<std::string, std::string>;

void renameIn(std::string &name, const RenameMap &rename) {
  if (auto it = rename.find(name); it != rename.end())
    name = it->second;
}

void renameNode(onnx::NodeProto &n, const RenameMap &rename) {
  for (auto &in : *n.mutable_input())
    renameIn(in, rename);
  for (auto &out : *n.mutable_output())
    renameIn(out, rename);
  for (auto &a : *n.mutable_attribute()) {
    if (a.has_g())
      renameGraph(*a.mutable_g(), rename);
    for (auto &sub : *a.mutable_graphs())
      renameGraph(sub, rename);
  }
}


onnx::NodeProto makeNode(const std::string &op, std::vector<std::string> inputs, std::string output,
                         const std::string &name) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (auto &i : inputs)
    n.add_input(std::move(i));
  n.add_output(std::move(output));
  return n;
}

void addIntAttr(onnx::NodeProto &n, const std::string &name, int64_t v) {
  auto *a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

/// Appends the nodes of one instance of `body` to `out`, its inputs bound to `inputs` (outer
/// names) and its internal names prefixed; returns the outer names of its outputs.
std::vector<std::string> inlineBody(const onnx::GraphProto &body, const std::vector<std::string> &inputs,
                                    const std::string &prefix, google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
  std::set<std::string> defs;
  collectDefinitions(body, defs);
  RenameMap rename;
  for (const auto &d : defs)
    rename[d] = prefix + d;
  for (int i = 0; i < body.input_size() && i < (int)inputs.size(); ++i)
    rename[body.input(i).name()] = inputs[i];
  for (const auto &t : body.initializer()) {
    onnx::NodeProto c = makeNode("Constant", {}, rename[t.name()], rename[t.name()]);
    auto *a = c.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = t;
    a->mutable_t()->set_name(rename[t.name()]);
    *out.Add() = std::move(c);
  }
  for (const auto &n : body.node()) {
    onnx::NodeProto copy = n;
    renameNode(copy, rename);
    if (!copy.name().empty())
      copy.set_name(prefix + copy.name());
    *out.Add() = std::move(copy);
  }
  std::vector<std::string> results;
  for (const auto &o : body.output()) {
    std::string name = o.name();
    renameIn(name, rename);
    results.push_back(name);
  }
  return results;
}

/// The state of one expansion round: the graph's known values and types.
class Expander {
public:
  Expander(onnx::GraphProto &g, std::string baseDir, int round)
      : g_(g), baseDir_(std::move(baseDir)), round_(round), types_(knownTypes(g)) {
    for (const auto &t : g.initializer())
      protos_[t.name()] = &t;
    for (const auto &n : g.node())
      if (n.op_type() == "Constant" && isDefaultDomain(n) && n.output_size() == 1)
        if (const auto *v = findAttr(n, "value"); v && v->has_t())
          protos_[n.output(0)] = &v->t();
  }

  /// Expands `n` (the node at `index`) into `out`: true when done, false when a value it
  /// needs is not known yet (`pending` says which and why).
  Expected<bool> expand(const onnx::NodeProto &n, int index, google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    node_ = &n;
    index_ = index;
    prefix_ = "__dlc_cf" + std::to_string(round_) + "_" + std::to_string(index) + "_";
    if (n.op_type() == "If")
      return expandIf(out);
    if (n.op_type() == "Scan")
      return expandScan(out);
    return expandLoop(out);
  }

  /// Why the last node that returned false could not be expanded.
  const std::string &pending() const { return pending_; }

private:
  Error error(const llvm::Twine &msg) const {
    return makeError("op '" + node_->op_type() + "' (node " + nodeLabel(*node_, index_) + ", opset " +
                     std::to_string(kTargetOpset) + "): " + msg);
  }

  bool notYet(const llvm::Twine &what, const std::string &value) {
    pending_ = (what + " ('" + value + "') must be known at import, but it is computed at run time" +
                runTimeOrigin(g_, value))
                   .str();
    return false;
  }

  std::optional<ConstTensor> known(const std::string &name) const {
    auto it = protos_.find(name);
    if (it == protos_.end())
      return std::nullopt;
    auto d = decodeTensor(*it->second, baseDir_);
    if (!d) {
      llvm::consumeError(d.takeError());
      return std::nullopt;
    }
    return std::move(*d);
  }

  std::optional<std::vector<int64_t>> shapeOf(const std::string &name) const {
    auto it = types_.find(name);
    return it == types_.end() ? std::nullopt : staticShape(it->second);
  }

  std::string fresh(const std::string &what) { return prefix_ + what + "_" + std::to_string(counter_++); }

  std::string constInts(std::vector<int64_t> values, bool scalar,
                        google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    std::vector<int64_t> shape;
    if (!scalar)
      shape.push_back((int64_t)values.size());
    std::string name = fresh("c");
    *out.Add() = constantNode(name, name, ConstTensor::ofInts(onnx::TensorProto::INT64, shape, std::move(values)));
    return name;
  }

  /// Output `k` of the node is `value`.
  void bindOutput(int k, const std::string &value, google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    if (k < node_->output_size() && !node_->output(k).empty())
      *out.Add() = makeNode("Identity", {value}, node_->output(k), prefix_ + "out" + std::to_string(k));
  }

  /// Stacks `slices` along `axis` of the result (a new axis) into output `k`.
  void bindStacked(int k, const std::vector<std::string> &slices, int64_t axis,
                   google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    if (k >= node_->output_size() || node_->output(k).empty())
      return;
    std::string axes = constInts({axis}, false, out);
    onnx::NodeProto concat = makeNode("Concat", {}, node_->output(k), prefix_ + "stack" + std::to_string(k));
    for (const auto &s : slices) {
      std::string u = fresh("unsq");
      *out.Add() = makeNode("Unsqueeze", {s, axes}, u, u);
      concat.add_input(u);
    }
    addIntAttr(concat, "axis", axis);
    *out.Add() = std::move(concat);
  }

  Error checkSize(const onnx::GraphProto &body, int64_t trips) const {
    if (trips * std::max<int64_t>(1, body.node_size()) > kMaxUnrolledNodes)
      return error("unrolling " + llvm::Twine(trips) + " iterations of a " + llvm::Twine(body.node_size()) +
                   "-node body exceeds dlc's limit of " + llvm::Twine(kMaxUnrolledNodes) + " nodes");
    return Error::success();
  }

  Expected<bool> expandIf(google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    const std::string &condName = node_->input(0);
    auto cond = known(condName);
    if (!cond)
      return notYet("the condition", condName);
    if (cond->size() != 1)
      return error("the condition has " + llvm::Twine(cond->size()) + " elements; it must have one");
    const char *branch = cond->getInt(0) ? "then_branch" : "else_branch";
    const onnx::GraphProto *body = graphAttr(*node_, branch);
    if (!body)
      return error(llvm::Twine("the attribute ") + branch + " is missing");
    if (body->output_size() != node_->output_size())
      return error(llvm::Twine(branch) + " has " + llvm::Twine(body->output_size()) + " outputs, the node " +
                   llvm::Twine(node_->output_size()));
    auto results = inlineBody(*body, {}, prefix_, out);
    for (size_t k = 0; k < results.size(); ++k)
      bindOutput((int)k, results[k], out);
    return true;
  }

  Expected<bool> expandScan(google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    const onnx::GraphProto *body = graphAttr(*node_, "body");
    if (!body)
      return error("the attribute body is missing");
    int64_t numScan = getAttrInt(*node_, "num_scan_inputs", 0);
    int64_t numState = node_->input_size() - numScan;
    int64_t numScanOut = body->output_size() - numState;
    if (numScan < 1 || numState < 0 || numScanOut < 0 || body->input_size() != node_->input_size())
      return error("num_scan_inputs=" + llvm::Twine(numScan) + " does not fit its " +
                   llvm::Twine(node_->input_size()) + " inputs and a body of " + llvm::Twine(body->input_size()) +
                   " inputs and " + llvm::Twine(body->output_size()) + " outputs");
    auto inAxes = getAttrInts(*node_, "scan_input_axes", std::vector<int64_t>(numScan, 0));
    auto inDirs = getAttrInts(*node_, "scan_input_directions", std::vector<int64_t>(numScan, 0));
    auto outAxes = getAttrInts(*node_, "scan_output_axes", std::vector<int64_t>(numScanOut, 0));
    auto outDirs = getAttrInts(*node_, "scan_output_directions", std::vector<int64_t>(numScanOut, 0));
    if ((int64_t)inAxes.size() != numScan || (int64_t)inDirs.size() != numScan ||
        (int64_t)outAxes.size() != numScanOut || (int64_t)outDirs.size() != numScanOut)
      return error("scan_input_axes/directions need " + llvm::Twine(numScan) +
                   " entries and scan_output_axes/directions " + llvm::Twine(numScanOut));

    // The sequence length: every scan input's extent along its scan axis.
    int64_t length = -1;
    for (int64_t j = 0; j < numScan; ++j) {
      const std::string &name = node_->input(numState + j);
      auto shape = shapeOf(name);
      if (!shape) {
        pending_ = "the shape of scan input '" + name + "' must be static";
        return false;
      }
      int64_t axis = inAxes[j] < 0 ? inAxes[j] + (int64_t)shape->size() : inAxes[j];
      if (axis < 0 || axis >= (int64_t)shape->size())
        return error("scan_input_axes[" + llvm::Twine(j) + "]=" + llvm::Twine(inAxes[j]) + " is out of range for '" +
                     name + "' of rank " + llvm::Twine(shape->size()));
      inAxes[j] = axis;
      if (length >= 0 && (*shape)[axis] != length)
        return error("the scan inputs have different lengths (" + llvm::Twine(length) + " and " +
                     llvm::Twine((*shape)[axis]) + " for '" + name + "')");
      length = (*shape)[axis];
    }
    if (length == 0 && numScanOut > 0)
      return error("a scan of length 0 has empty scan outputs, which dlc does not build");
    if (auto e = checkSize(*body, length))
      return e;

    std::vector<std::string> state(node_->input().begin(), node_->input().begin() + numState);
    std::vector<std::vector<std::string>> slices(numScanOut);
    for (int64_t t = 0; t < length; ++t) {
      std::vector<std::string> inputs = state;
      for (int64_t j = 0; j < numScan; ++j) {
        int64_t pos = inDirs[j] ? length - 1 - t : t;
        std::string index = constInts({pos}, true, out);
        std::string slice = fresh("slice");
        onnx::NodeProto gather = makeNode("Gather", {node_->input(numState + j), index}, slice, slice);
        addIntAttr(gather, "axis", inAxes[j]);
        *out.Add() = std::move(gather);
        inputs.push_back(slice);
      }
      auto results = inlineBody(*body, inputs, prefix_ + "it" + std::to_string(t) + "_", out);
      state.assign(results.begin(), results.begin() + numState);
      for (int64_t k = 0; k < numScanOut; ++k)
        slices[k].push_back(results[numState + k]);
    }
    for (int64_t i = 0; i < numState; ++i)
      bindOutput((int)i, state[i], out);
    for (int64_t k = 0; k < numScanOut; ++k) {
      if (outDirs[k])
        std::reverse(slices[k].begin(), slices[k].end());
      bindStacked((int)(numState + k), slices[k], outAxes[k], out);
    }
    return true;
  }

  /// The body's condition output stays true: it passes the incoming condition through or is
  /// a true constant.
  bool conditionStaysTrue(const onnx::GraphProto &body) const {
    std::string condOut = body.output(0).name(), condIn = body.input(1).name();
    for (int guard = 0; guard < 64; ++guard) {
      if (condOut == condIn)
        return true;
      const onnx::NodeProto *producer = nullptr;
      for (const auto &n : body.node())
        for (const auto &o : n.output())
          if (o == condOut)
            producer = &n;
      if (!producer)
        return false;
      if (producer->op_type() == "Identity" && producer->input_size() == 1) {
        condOut = producer->input(0);
        continue;
      }
      if (producer->op_type() == "Constant")
        if (const auto *v = findAttr(*producer, "value"); v && v->has_t()) {
          auto c = decodeTensor(v->t(), baseDir_);
          if (!c) {
            llvm::consumeError(c.takeError());
            return false;
          }
          return c->size() == 1 && c->getInt(0) != 0;
        }
      return false;
    }
    return false;
  }

  Expected<bool> expandLoop(google::protobuf::RepeatedPtrField<onnx::NodeProto> &out) {
    const onnx::GraphProto *body = graphAttr(*node_, "body");
    if (!body)
      return error("the attribute body is missing");
    int64_t numCarried = node_->input_size() - 2;
    int64_t numScanOut = body->output_size() - 1 - numCarried;
    if (numCarried < 0 || numScanOut < 0 || body->input_size() != numCarried + 2)
      return error("its " + llvm::Twine(node_->input_size()) + " inputs do not fit a body of " +
                   llvm::Twine(body->input_size()) + " inputs and " + llvm::Twine(body->output_size()) + " outputs");
    if (node_->input(0).empty())
      return error("a loop without a trip count runs until its condition is false; dlc unrolls loops and needs "
                   "the trip count M");
    auto trips = known(node_->input(0));
    if (!trips)
      return notYet("the trip count M", node_->input(0));
    if (trips->size() != 1)
      return error("the trip count has " + llvm::Twine(trips->size()) + " elements; it must have one");
    int64_t count = std::max<int64_t>(0, trips->getInt(0));
    if (!node_->input(1).empty()) {
      auto cond = known(node_->input(1));
      if (!cond)
        return notYet("the loop condition", node_->input(1));
      if (cond->size() != 1)
        return error("the condition has " + llvm::Twine(cond->size()) + " elements; it must have one");
      if (!cond->getInt(0))
        count = 0;
    }
    if (count > 0 && !conditionStaysTrue(*body))
      return error("the body computes its own condition; dlc unrolls loops whose iterations are all known at import "
                   "(a trip count M and a condition that stays true)");
    if (count == 0 && numScanOut > 0)
      return error("a loop of 0 iterations has empty scan outputs, which dlc does not build");
    if (auto e = checkSize(*body, count))
      return e;

    std::vector<std::string> carried(node_->input().begin() + 2, node_->input().end());
    std::vector<std::vector<std::string>> slices(numScanOut);
    std::string condTrue;
    if (count > 0) {
      condTrue = fresh("cond");
      *out.Add() = constantNode(condTrue, condTrue, ConstTensor::ofInts(onnx::TensorProto::BOOL, {}, {1}));
    }
    for (int64_t t = 0; t < count; ++t) {
      std::vector<std::string> inputs{constInts({t}, true, out), condTrue};
      inputs.insert(inputs.end(), carried.begin(), carried.end());
      auto results = inlineBody(*body, inputs, prefix_ + "it" + std::to_string(t) + "_", out);
      carried.assign(results.begin() + 1, results.begin() + 1 + numCarried);
      for (int64_t k = 0; k < numScanOut; ++k)
        slices[k].push_back(results[1 + numCarried + k]);
    }
    for (int64_t i = 0; i < numCarried; ++i)
      bindOutput((int)i, carried[i], out);
    for (int64_t k = 0; k < numScanOut; ++k)
      bindStacked((int)(numCarried + k), slices[k], 0, out);
    return true;
  }

  onnx::GraphProto &g_;
  std::string baseDir_;
  int round_;
  std::map<std::string, onnx::TypeProto> types_;
  std::map<std::string, const onnx::TensorProto *> protos_;
  const onnx::NodeProto *node_ = nullptr;
  int index_ = 0;
  std::string prefix_, pending_;
  int counter_ = 0;
};

} // namespace

void renameGraph(onnx::GraphProto &g, const std::map<std::string, std::string> &rename) {
  for (auto *list : {g.mutable_input(), g.mutable_output(), g.mutable_value_info()})
    for (auto &v : *list)
      renameIn(*v.mutable_name(), rename);
  for (auto &t : *g.mutable_initializer())
    renameIn(*t.mutable_name(), rename);
  for (auto &n : *g.mutable_node())
    renameNode(n, rename);
}

Expected<bool> expandControlFlow(onnx::ModelProto &model, const std::string &baseDir, int round, bool final) {
  onnx::GraphProto &g = *model.mutable_graph();
  if (!llvm::any_of(g.node(), isControlFlow))
    return false;
  Expander expander(g, baseDir, round);
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  bool changed = false;
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &n = g.node(i);
    if (!isControlFlow(n)) {
      *nodes.Add() = n;
      continue;
    }
    auto done = expander.expand(n, i, nodes);
    if (!done)
      return done.takeError();
    if (*done) {
      changed = true;
      continue;
    }
    if (final)
      return makeError("op '" + n.op_type() + "' (node " + nodeLabel(n, i) + ", opset " + std::to_string(kTargetOpset) +
                       "): dlc compiles control flow by inlining the branch taken and unrolling loops, so " +
                       expander.pending());
    *nodes.Add() = n;
  }
  g.mutable_node()->Swap(&nodes);
  return changed;
}

} // namespace dlc::onnx_frontend::detail
