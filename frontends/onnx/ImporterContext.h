// Internal to the ONNX frontend: the state of one import and the helpers the op
// converters share. Not installed, not included outside frontends/onnx.
#ifndef DLC_FRONTENDS_ONNX_IMPORTERCONTEXT_H
#define DLC_FRONTENDS_ONNX_IMPORTERCONTEXT_H

#include "frontends/onnx/OnnxImporter.h"

#include "dialects/Abi/AbiDialect.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dlc::onnx_frontend::detail {

using llvm::Error;
using llvm::Expected;

/// The node belongs to the default ONNX domain ("" or "ai.onnx").
inline bool isDefaultDomain(const onnx::NodeProto &n) { return n.domain().empty() || n.domain() == "ai.onnx"; }

inline llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg.str());
}

/// "2x3x4" (or "scalar").
std::string shapeStr(llvm::ArrayRef<int64_t> shape);
/// Product of the dims (1 for a scalar).
int64_t numElements(llvm::ArrayRef<int64_t> shape);
/// More elements than any real tensor holds (2^40), or a product that would overflow: a
/// corrupt or hostile file, refused before anything is allocated or compiled.
bool tooLarge(llvm::ArrayRef<int64_t> shape);

//===----------------------------------------------------------------------===//
// Attributes of a NodeProto (ImporterContext.cpp)
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node, llvm::StringRef name);
int64_t getAttrInt(const onnx::NodeProto &node, llvm::StringRef name, int64_t def);
double getAttrFloat(const onnx::NodeProto &node, llvm::StringRef name, double def);
std::string getAttrString(const onnx::NodeProto &node, llvm::StringRef name, const std::string &def);
std::vector<int64_t> getAttrInts(const onnx::NodeProto &node, llvm::StringRef name,
                                 std::vector<int64_t> def = {});

//===----------------------------------------------------------------------===//
// Graphs (ImporterContext.cpp)
//===----------------------------------------------------------------------===//

/// "'name'" or "#3 producing 'y'", for messages about the node at `index`.
std::string nodeLabel(const onnx::NodeProto &n, int index);
/// The graph inputs (not initializers) of `g` that `value` is computed from.
std::vector<std::string> graphInputsFeeding(const onnx::GraphProto &g, const std::string &value);
/// " from graph input 'a', 'b' (static shapes or constant inputs would fix it)" for
/// `value`, or "" when no graph input feeds it. The backend harness reads this wording.
std::string runTimeOrigin(const onnx::GraphProto &g, const std::string &value);
/// The tensor type of an initializer or constant.
onnx::TypeProto typeOfTensor(const onnx::TensorProto &t);
/// The value types the model knows: inputs, initializers, inferred value_info, outputs and
/// Constant nodes.
std::map<std::string, onnx::TypeProto> knownTypes(const onnx::GraphProto &g);

//===----------------------------------------------------------------------===//
// Tensor data (TensorData.cpp)
//===----------------------------------------------------------------------===//

/// A known tensor value, for import-time evaluation and for reading the ONNX inputs that
/// must be constants. Floating-point data is held as double (exact for f16/bf16/f32/f64),
/// integer and bool data as int64.
struct ConstTensor {
  int32_t dtype = onnx::TensorProto::UNDEFINED;
  std::vector<int64_t> shape;
  std::vector<double> f; // floating-point dtypes
  std::vector<int64_t> i; // integer and bool dtypes

  bool isFloat() const;
  int64_t size() const { return numElements(shape); }
  double getDouble(int64_t k) const { return isFloat() ? f[k] : (double)i[k]; }
  int64_t getInt(int64_t k) const { return isFloat() ? (int64_t)f[k] : i[k]; }
  /// All values as int64 (floats truncated).
  std::vector<int64_t> toInts() const;

  static ConstTensor ofInts(int32_t dtype, std::vector<int64_t> shape, std::vector<int64_t> values);
  static ConstTensor ofFloats(int32_t dtype, std::vector<int64_t> shape, std::vector<double> values);
  /// Zero-initialized tensor of `dtype` and `shape`.
  static ConstTensor zeros(int32_t dtype, std::vector<int64_t> shape);
  /// Stores `v` at index k, rounded/wrapped to the dtype.
  void set(int64_t k, double v);
  void setInt(int64_t k, int64_t v);
};

bool isFloatDType(int32_t dtype);
/// No element of `bytes` (a floating `dtype`'s little-endian elements) is +-inf or NaN.
bool allFinite(int32_t dtype, llvm::ArrayRef<char> bytes);
/// "float", "int64", ... for messages.
std::string dtypeName(int32_t dtype);
/// Bytes per element as the importer holds it (bool and the 4- and 2-bit types: one byte);
/// 0 for unsupported dtypes.
int64_t dtypeBytes(int32_t dtype);
/// Bits per element of the types ONNX packs several to a byte (int4, uint4, float4e2m1:
/// 4; int2, uint2: 2); 0 for the others.
int64_t packedBits(int32_t dtype);
/// The largest finite value of a floating dtype.
double largestFinite(int32_t dtype);
/// Rounds a double to the precision of a floating dtype.
double roundToDType(int32_t dtype, double v);
/// Wraps an int64 to the range of an integer dtype (bool: 0 or 1).
int64_t wrapToDType(int32_t dtype, int64_t v);

/// The MLIR element type of an ONNX dtype (uint8 -> ui8, bool -> i1); an error naming
/// `what` for dtypes the importer does not handle.
llvm::Expected<mlir::Type> elementType(mlir::MLIRContext &ctx, int32_t dtype, const llvm::Twine &what);

/// The elements of `tensor` as little-endian bytes in its own dtype (bool one byte per
/// element; the packed 4- and 2-bit types unpacked to one byte each, signed ones
/// sign-extended), reading raw_data, the typed fields or external data relative to `baseDir`.
llvm::Expected<std::vector<char>> tensorBytes(const onnx::TensorProto &tensor, const std::string &baseDir);
llvm::Expected<ConstTensor> decodeTensor(const onnx::TensorProto &tensor, const std::string &baseDir);
/// A TensorProto holding `value` in raw_data.
onnx::TensorProto encodeTensor(const ConstTensor &value, const std::string &name);

/// DenseElementsAttr of `type` from bytes as tensorBytes returns them.
mlir::DenseElementsAttr denseFromBytes(mlir::RankedTensorType type, llvm::ArrayRef<char> bytes);
mlir::DenseElementsAttr denseFromConst(mlir::RankedTensorType type, const ConstTensor &value);

bool hasExternalData(const onnx::TensorProto &tensor);

//===----------------------------------------------------------------------===//
// Shape rules shared by import-time evaluation and the converters (ConstantFolding.cpp).
// Errors carry no node context; callers add it.
//===----------------------------------------------------------------------===//

/// NumPy broadcast of two shapes; error if incompatible.
llvm::Expected<std::vector<int64_t>> broadcastShape(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
/// Reshape's target shape: 0 copies the input dim (unless allowzero), one -1 is inferred.
llvm::Expected<std::vector<int64_t>> reshapeTarget(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> shape,
                                                   bool allowzero);
/// Unsqueeze: inserts size-1 axes at `axes` (of the output rank, may be negative).
llvm::Expected<std::vector<int64_t>> unsqueezeShape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes);
/// Squeeze: removes `axes` (must be size 1), or every size-1 axis when axes is null.
llvm::Expected<std::vector<int64_t>> squeezeShape(llvm::ArrayRef<int64_t> in,
                                                  const std::vector<int64_t> *axes);

/// One axis of a normalized Slice: result[i] = input[start + i * step], `count` elements.
struct SliceAxis {
  int64_t start = 0, step = 1, count = 0;
};
/// ONNX Slice semantics (negative, clamped starts/ends, negative axes and steps) on a
/// static shape; one SliceAxis per input axis.
llvm::Expected<std::vector<SliceAxis>> normalizeSlice(llvm::ArrayRef<int64_t> shape,
                                                      llvm::ArrayRef<int64_t> starts,
                                                      llvm::ArrayRef<int64_t> ends,
                                                      const std::vector<int64_t> *axes,
                                                      const std::vector<int64_t> *steps);

/// The output shape of an Einsum equation (EinsumOp.cpp). ONNX 1.12's shape inference
/// gives Einsum only a rank.
llvm::Expected<std::vector<int64_t>> einsumOutputShape(const std::string &equation,
                                                      const std::vector<std::vector<int64_t>> &shapes);

/// Sorted, unique, non-negative reduction axes; empty `axes` means all axes.
llvm::Expected<std::vector<int64_t>> normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank);

//===----------------------------------------------------------------------===//
// Import-time evaluation (ConstantFolding.cpp)
//===----------------------------------------------------------------------===//

/// Ops evaluated at import when all their inputs are known.
bool isFoldableOp(const std::string &opType);
/// The input positions of `opType` that must be known constants at import.
const std::vector<int> &constantInputs(const std::string &opType);

/// Static dims of a TypeProto's tensor type, or nullopt if any dim is unknown.
std::optional<std::vector<int64_t>> staticShape(const onnx::TypeProto &type);

/// Evaluates one foldable node. `inputs[k]` is null for an absent optional input;
/// `inputShapes[k]` is the static shape of input k when known (Shape and Size need only
/// that). Returns an error when the node cannot be evaluated (the caller then leaves it
/// for the converters).
llvm::Expected<std::vector<ConstTensor>>
evaluateNode(const onnx::NodeProto &node, llvm::ArrayRef<const ConstTensor *> inputs,
             llvm::ArrayRef<std::optional<std::vector<int64_t>>> inputShapes);

/// A Constant node named `nodeName` that defines `output` as `value`.
onnx::NodeProto constantNode(const std::string &nodeName, const std::string &output, const ConstTensor &value);

/// Runs shape inference and import-time evaluation in rounds until nothing more folds:
/// each folded node is replaced by Constant nodes. `inferShapes` runs shape inference on
/// the model (value_info holds only what this function seeds: the static types of
/// outputs ONNX's inference cannot give, such as Einsum's).
llvm::Error foldConstants(onnx::ModelProto &model, const std::string &baseDir,
                          const std::function<llvm::Error(onnx::ModelProto &)> &inferShapes);

//===----------------------------------------------------------------------===//
// Function ops (FunctionExpansion.cpp)
//===----------------------------------------------------------------------===//

/// Whether ONNX defines `n`'s op (default domain, at `opset`) as a function of other ops.
bool hasFunctionBody(const onnx::NodeProto &n, int opset);

/// Replaces every node that `keep` rejects and that has an ONNX function body by that
/// body, in place (rounds until no such node is left). `inferShapes` gives the input
/// types that context-dependent bodies (Attention's) are built for.
llvm::Error expandFunctionOps(onnx::ModelProto &model, int opset,
                              const std::function<bool(const onnx::NodeProto &)> &keep,
                              const std::function<llvm::Error(onnx::ModelProto &)> &inferShapes);

//===----------------------------------------------------------------------===//
// Control flow (ControlFlowExpansion.cpp)
//===----------------------------------------------------------------------===//

/// Renames, in `g` and its nested subgraphs, every use and definition of a name `rename`
/// maps.
void renameGraph(onnx::GraphProto &g, const std::map<std::string, std::string> &rename);

/// Replaces each If whose condition is known by the branch taken, and unrolls each Scan
/// (static shapes fix its length) and each Loop whose trip count is known. Returns whether
/// anything changed; with `final`, a control-flow node that cannot be expanded is an
/// error naming it and the value that must be known. `round` keeps new names unique.
llvm::Expected<bool> expandControlFlow(onnx::ModelProto &model, const std::string &baseDir, int round, bool final);

//===----------------------------------------------------------------------===//
// Packed 4- and 2-bit tensors at the entry points (PackedTensors.cpp)
//===----------------------------------------------------------------------===//

class Importer;
/// The bytes a tensor of a 4- or 2-bit element type takes packed.
int64_t packedBytes(mlir::RankedTensorType logical);
/// The tensor of type `logical` held packed in `bytes` (a 1-D ui8 tensor).
mlir::Value unpackTensor(Importer &im, mlir::Value bytes, mlir::RankedTensorType logical);
/// `value` (of a 4- or 2-bit element type) packed into a 1-D ui8 tensor.
mlir::Value packTensor(Importer &im, mlir::Value value);

//===----------------------------------------------------------------------===//
// Process isolation (ProcessIsolation.cpp)
//===----------------------------------------------------------------------===//

/// Runs `work` in a forked child process and returns its result (bytes or an error); a
/// crash of the child becomes an error naming `what`. DLC_ONNX_IN_PROCESS=1 in the
/// environment runs `work` in this process instead (for debugging).
llvm::Expected<std::string> runInChildProcess(const std::function<llvm::Expected<std::string>()> &work,
                                              const std::string &what);

//===----------------------------------------------------------------------===//
// The importer state (ImporterContext.cpp)
//===----------------------------------------------------------------------===//

class Importer {
public:
  Importer(mlir::MLIRContext &ctx, const onnx::ModelProto &model, std::string baseDir, int opset,
           std::string strictInferenceMessage);

  /// Builds func.func @infer into `module`; fills `params`.
  llvm::Error run(mlir::ModuleOp module, std::vector<Parameter> &params);

  mlir::MLIRContext &ctx;
  mlir::OpBuilder b;
  int opset;

  //--- The node being converted ---------------------------------------------------
  const onnx::NodeProto &node() const { return *node_; }
  const std::string &opType() const { return node_->op_type(); }
  /// "op 'Conv' (node 'conv1', opset 17)"
  std::string where() const;
  llvm::Error error(const llvm::Twine &msg) const;
  llvm::Error unsupportedAttr(llvm::StringRef name, const llvm::Twine &value) const;
  mlir::Location loc() const;

  int numInputs() const { return node_->input_size(); }
  /// Input i is given (present and non-empty).
  bool has(int i) const;
  /// The graph value of input i (materializing a constant or parameter if needed).
  /// `nonTrainable` marks a floating-point initializer as a non-trainable parameter.
  llvm::Expected<mlir::Value> input(int i, bool nonTrainable = false);
  /// Input i as a known constant; an error naming the node and `what` if it is not.
  llvm::Expected<ConstTensor> constInput(int i, llvm::StringRef what);
  bool isKnown(int i) const;
  /// The static shape of input i, without materializing it.
  llvm::Expected<std::vector<int64_t>> inputShape(int i);

  int numOutputs() const { return node_->output_size(); }
  /// Output i is named and consumed by a later node or a graph output.
  bool outputUsed(int i) const;
  /// The static type shape inference gave output i.
  llvm::Expected<mlir::RankedTensorType> outputType(int i = 0);
  void setOutput(int i, mlir::Value v);

  //--- Attributes of the current node ---------------------------------------------
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t attrInt(llvm::StringRef name, int64_t def) const;
  double attrFloat(llvm::StringRef name, double def) const;
  std::string attrString(llvm::StringRef name, const std::string &def) const;
  std::vector<int64_t> attrInts(llvm::StringRef name, std::vector<int64_t> def = {}) const;

  //--- Building ----------------------------------------------------------------------
  static mlir::RankedTensorType typeOf(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType());
  }
  mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape, mlir::Type elem) const {
    return mlir::RankedTensorType::get(shape, elem);
  }
  mlir::Value constant(mlir::DenseElementsAttr value);
  llvm::Expected<mlir::Value> constant(const ConstTensor &value);
  /// A rank-0 constant of `elem` holding v.
  mlir::Value scalar(mlir::Type elem, double v);
  /// A constant of `type` with every element v.
  mlir::Value splat(mlir::RankedTensorType type, double v);
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm);
  /// Normalizes a possibly negative axis into [0, rank); error naming `what`.
  llvm::Expected<int64_t> normAxis(int64_t axis, int64_t rank, llvm::StringRef what) const;

private:
  llvm::Expected<mlir::Value> valueOf(const std::string &name, bool nonTrainable);
  llvm::Expected<mlir::RankedTensorType> typeFromProto(const onnx::TypeProto &type, const std::string &name);
  const ConstTensor *knownValue(const std::string &name) const;
  llvm::Error convertNode();

  const onnx::ModelProto &model_;
  const onnx::GraphProto &graph_;
  std::string baseDir_;
  std::string strictInferenceMessage_;
  const onnx::NodeProto *node_ = nullptr;
  int nodeIndex_ = 0;

  mlir::Block *body_ = nullptr;
  std::unordered_map<std::string, const onnx::TypeProto *> types_;
  std::unordered_map<std::string, const onnx::TensorProto *> known_;
  std::unordered_set<std::string> initializers_;
  mutable std::unordered_map<std::string, std::optional<ConstTensor>> decoded_;
  std::unordered_map<std::string, mlir::Value> values_;
  std::unordered_set<std::string> used_;
  std::vector<Parameter> *params_ = nullptr;
  std::vector<std::string> argNames_;
  std::vector<abi::ArgKind> argKinds_;
  std::map<unsigned, mlir::RankedTensorType> packedArgs_, packedResults_; // position -> unpacked type
  std::string boundaryName_;
  std::unordered_map<std::string, size_t> paramIndex_;
};

/// `DLC_TRY(x, expr)`: declares `x` as the value of an llvm::Expected, or returns its error.
#define DLC_TRY(var, expr)                                                                         \
  auto var##OrError = (expr);                                                                      \
  if (!var##OrError)                                                                               \
    return var##OrError.takeError();                                                               \
  auto &var = *var##OrError;

using ConverterFn = llvm::Error (*)(Importer &);
using ConverterMap = std::map<std::string, ConverterFn>;
/// Cast-19's `saturate` (default 1) for a cast of the float tensor `x` to `to`: for an
/// 8-bit or narrower float target, `x` clamped to the target's largest finite value (NaN
/// stays NaN); otherwise `x` (ElementwiseOps.cpp).
mlir::Value saturateFor(Importer &im, mlir::Value x, mlir::Type to);

void addElementwiseConverters(ConverterMap &map);
void addNNConverters(ConverterMap &map);
void addTensorConverters(ConverterMap &map);
void addResizeConverters(ConverterMap &map);
void addGridSampleConverter(ConverterMap &map);
void addSpectralConverters(ConverterMap &map);
void addReductionConverters(ConverterMap &map);
void addEinsumConverter(ConverterMap &map);
void addRecurrentConverters(ConverterMap &map);
void addLossConverters(ConverterMap &map);
void addQuantizationConverters(ConverterMap &map);
/// Every converter, by ONNX op type.
const ConverterMap &converters();

/// The domain of ONNX's optimizer ops (Adam, Adagrad, Momentum).
inline constexpr const char *kTrainingDomain = "ai.onnx.preview.training";
/// The converters of ops of kTrainingDomain, by op type (OptimizerOps.cpp).
const ConverterMap &trainingConverters();
/// The converter of `opType` in `domain` ("" or "ai.onnx": the default domain), or null.
ConverterFn findConverter(const std::string &domain, const std::string &opType);

} // namespace dlc::onnx_frontend::detail

#endif
