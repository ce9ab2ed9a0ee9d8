// Einsum with one or two operands, lowered to reduce(sum) + transpose + reshape +
// graph.matmul: "ij,jk->ik", "bij,bjk->bik", "bhqd,bhkd->bhqk", "ij->ji", "ij->i",
// ellipses ("...ij,...jk->...ik") and implicit outputs. Repeated labels within one
// operand (diagonals) and broadcasting between operands are refused.
#include "frontends/onnx/ImporterContext.h"

#include <algorithm>
#include <map>
#include <set>

using namespace mlir;

namespace dlc::onnx_frontend::detail {
namespace {

constexpr int kEllipsisBase = 1000; // label ids of ellipsis dims; letters use their char code

/// A parsed equation: label ids per operand and for the output, and the extent of
/// every label. Errors starting with "unsupported: " name features the importer lacks.
struct EinsumSpec {
  std::vector<std::vector<int>> inputs;
  std::vector<int> output;
  std::map<int, int64_t> sizes;
};

Error unsupportedEq(const llvm::Twine &what) { return makeError("unsupported: " + what); }

/// Parses one term; "..." stands for `ellipsisRank` dims, right-aligned against
/// `maxEllipsis` (for the output: all `maxEllipsis` dims).
Expected<std::vector<int>> parseTerm(const std::string &term, int64_t rank, bool isOutput, int64_t maxEllipsis,
                                     int64_t *ellipsisRank) {
  std::vector<int> labels;
  int64_t letters = 0;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term.compare(i, 3, "...") == 0) {
      if (ellipsis)
        return unsupportedEq("more than one ellipsis in '" + term + "'");
      ellipsis = true;
      labels.push_back(-1);
      i += 2;
    } else if (std::isalpha((unsigned char)term[i])) {
      labels.push_back(term[i]);
      ++letters;
    } else {
      return makeError("unexpected character '" + std::string(1, term[i]) + "' in term '" + term + "'");
    }
  }
  int64_t eRank = isOutput ? (ellipsis ? maxEllipsis : 0) : rank - letters;
  if (!isOutput && (eRank < 0 || (!ellipsis && eRank != 0)))
    return makeError("term '" + term + "' does not match operand rank " + std::to_string(rank));
  if (ellipsisRank)
    *ellipsisRank = ellipsis ? eRank : 0;
  std::vector<int> out;
  for (int l : labels) {
    if (l != -1) {
      out.push_back(l);
      continue;
    }
    int64_t skip = isOutput ? 0 : maxEllipsis - eRank;
    for (int64_t j = 0; j < eRank; ++j)
      out.push_back(kEllipsisBase + skip + j);
  }
  return out;
}

std::vector<std::string> splitTerms(const std::string &s) {
  std::vector<std::string> out{""};
  for (char c : s) {
    if (c == ',')
      out.push_back("");
    else
      out.back() += c;
  }
  return out;
}

Expected<EinsumSpec> parseEinsum(const std::string &equation, const std::vector<std::vector<int64_t>> &shapes) {
  std::string eq;
  for (char c : equation)
    if (!std::isspace((unsigned char)c))
      eq += c;
  size_t n = shapes.size();
  if (n < 1 || n > 2)
    return unsupportedEq("only one or two operands");
  size_t arrow = eq.find("->");
  std::vector<std::string> terms = splitTerms(eq.substr(0, arrow));
  if (terms.size() != n)
    return makeError("equation '" + eq + "' has " + std::to_string(terms.size()) + " operand terms for " +
                     std::to_string(n) + " inputs");
  EinsumSpec spec;
  int64_t maxEllipsis = 0;
  for (size_t k = 0; k < n; ++k) {
    int64_t eRank = 0;
    auto l = parseTerm(terms[k], shapes[k].size(), false, 0, &eRank);
    if (!l)
      return l.takeError();
    maxEllipsis = std::max(maxEllipsis, eRank);
  }
  std::map<int, int> count;
  for (size_t k = 0; k < n; ++k) {
    auto l = parseTerm(terms[k], shapes[k].size(), false, maxEllipsis, nullptr);
    if (!l)
      return l.takeError();
    std::set<int> seen;
    for (size_t i = 0; i < l->size(); ++i) {
      int label = (*l)[i];
      if (!seen.insert(label).second)
        return unsupportedEq("repeated label within an operand (diagonal)");
      int64_t d = shapes[k][i];
      auto [it, inserted] = spec.sizes.emplace(label, d);
      if (!inserted && it->second != d)
        return unsupportedEq("a label with extents " + std::to_string(it->second) + " and " + std::to_string(d) +
                             " (broadcasting between operands)");
      ++count[label];
    }
    spec.inputs.push_back(*l);
  }
  if (arrow != std::string::npos) {
    auto o = parseTerm(eq.substr(arrow + 2), 0, true, maxEllipsis, nullptr);
    if (!o)
      return o.takeError();
    spec.output = *o;
  } else {
    for (int64_t j = 0; j < maxEllipsis; ++j)
      spec.output.push_back(kEllipsisBase + j);
    for (auto [l, c] : count)
      if (l < kEllipsisBase && c == 1)
        spec.output.push_back(l);
  }
  std::set<int> outSet(spec.output.begin(), spec.output.end());
  if (outSet.size() != spec.output.size())
    return unsupportedEq("repeated output label");
  for (int l : spec.output)
    if (!spec.sizes.count(l))
      return makeError("output label of '" + eq + "' appears in no input");
  return spec;
}

/// Sums out the axes of `v` whose label is not in `keep`.
Value sumOut(Importer &im, Value v, std::vector<int> &labels, const std::set<int> &keep) {
  std::vector<int64_t> axes, shape;
  std::vector<int> kept;
  auto t = Importer::typeOf(v);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (keep.count(labels[i])) {
      kept.push_back(labels[i]);
      shape.push_back(t.getDimSize(i));
    } else {
      axes.push_back(i);
    }
  }
  if (axes.empty())
    return v;
  labels = kept;
  return graph::ReduceOp::create(im.b, im.loc(), im.tensorType(shape, t.getElementType()), v, "sum", axes, false);
}

std::vector<int64_t> permFor(const std::vector<int> &from, const std::vector<int> &to) {
  std::vector<int64_t> perm;
  for (int l : to)
    perm.push_back(std::find(from.begin(), from.end(), l) - from.begin());
  return perm;
}

Error einsum(Importer &im) {
  std::string eq = im.attrString("equation", "");
  std::vector<Value> vals;
  std::vector<std::vector<int64_t>> shapes;
  for (int k = 0; k < im.numInputs(); ++k) {
    DLC_TRY(v, im.input(k));
    vals.push_back(v);
    shapes.push_back(std::vector<int64_t>(Importer::typeOf(v).getShape()));
  }
  auto parsed = parseEinsum(eq, shapes);
  if (!parsed) {
    std::string msg = llvm::toString(parsed.takeError());
    if (llvm::StringRef(msg).starts_with("unsupported: "))
      return im.unsupportedAttr("equation", "'" + eq + "' (" + msg.substr(13) + ")");
    return im.error(msg);
  }
  EinsumSpec &spec = *parsed;
  DLC_TRY(type, im.outputType(0));
  int n = vals.size();
  std::vector<std::vector<int>> &labels = spec.inputs;
  std::map<int, int64_t> &sizes = spec.sizes;
  const std::vector<int> &out = spec.output;
  std::set<int> outSet(out.begin(), out.end());

  Value result;
  std::vector<int> resultLabels;
  if (n == 1) {
    resultLabels = labels[0];
    result = sumOut(im, vals[0], resultLabels, outSet);
  } else {
    std::set<int> inA(labels[0].begin(), labels[0].end()), inB(labels[1].begin(), labels[1].end());
    std::set<int> keepA = outSet, keepB = outSet;
    keepA.insert(inB.begin(), inB.end());
    keepB.insert(inA.begin(), inA.end());
    Value a = sumOut(im, vals[0], labels[0], keepA);
    Value bv = sumOut(im, vals[1], labels[1], keepB);
    std::vector<int> batch, m, k, nn;
    for (int l : labels[0]) {
      bool both = std::count(labels[1].begin(), labels[1].end(), l) != 0;
      if (both && outSet.count(l))
        batch.push_back(l);
      else if (both)
        k.push_back(l);
      else
        m.push_back(l);
    }
    for (int l : labels[1])
      if (!std::count(labels[0].begin(), labels[0].end(), l))
        nn.push_back(l);
    auto prod = [&](const std::vector<int> &ls) {
      int64_t p = 1;
      for (int l : ls)
        p *= sizes[l];
      return p;
    };
    std::vector<int64_t> batchShape;
    for (int l : batch)
      batchShape.push_back(sizes[l]);
    auto cat = [](std::vector<int> x, const std::vector<int> &y, const std::vector<int> &z) {
      x.insert(x.end(), y.begin(), y.end());
      x.insert(x.end(), z.begin(), z.end());
      return x;
    };
    auto with = [&](std::vector<int64_t> dims) {
      std::vector<int64_t> s = batchShape;
      s.insert(s.end(), dims.begin(), dims.end());
      return s;
    };
    a = im.transpose(a, permFor(labels[0], cat(batch, m, k)));
    a = im.reshape(a, with({prod(m), prod(k)}));
    bv = im.transpose(bv, permFor(labels[1], cat(batch, k, nn)));
    bv = im.reshape(bv, with({prod(k), prod(nn)}));
    Type elem = Importer::typeOf(a).getElementType();
    result = graph::MatMulOp::create(im.b, im.loc(), im.tensorType(with({prod(m), prod(nn)}), elem), a, bv);
    std::vector<int64_t> full = batchShape;
    for (int l : m)
      full.push_back(sizes[l]);
    for (int l : nn)
      full.push_back(sizes[l]);
    result = im.reshape(result, full);
    resultLabels = cat(batch, m, nn);
  }
  result = im.transpose(result, permFor(resultLabels, out));
  if (Importer::typeOf(result).getShape() != type.getShape())
    return im.error("einsum lowering produced " + shapeStr(Importer::typeOf(result).getShape()) +
                    ", shape inference says " + shapeStr(type.getShape()));
  im.setOutput(0, result);
  return Error::success();
}

} // namespace

Expected<std::vector<int64_t>> einsumOutputShape(const std::string &equation,
                                                const std::vector<std::vector<int64_t>> &shapes) {
  auto spec = parseEinsum(equation, shapes);
  if (!spec)
    return spec.takeError();
  std::vector<int64_t> out;
  for (int l : spec->output)
    out.push_back(spec->sizes[l]);
  return out;
}

void addEinsumConverter(ConverterMap &m) { m["Einsum"] = einsum; }

} // namespace dlc::onnx_frontend::detail
