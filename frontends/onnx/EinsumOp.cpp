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

/// Parses one term; `ellipsisRank` dims replace "...", right-aligned against `maxEllipsis`.
Expected<std::vector<int>> parseTerm(Importer &im, const std::string &term, int64_t rank, bool isOutput,
                                     int64_t maxEllipsis, int64_t *ellipsisRank) {
  std::vector<int> labels;
  int64_t letters = 0;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term.compare(i, 3, "...") == 0) {
      if (ellipsis)
        return im.unsupportedAttr("equation", "'" + term + "' (more than one ellipsis)");
      ellipsis = true;
      labels.push_back(-1);
      i += 2;
    } else if (std::isalpha((unsigned char)term[i])) {
      labels.push_back(term[i]);
      ++letters;
    } else {
      return im.unsupportedAttr("equation", "'" + term + "' (unexpected character)");
    }
  }
  int64_t eRank = isOutput ? (ellipsis ? maxEllipsis : 0) : rank - letters;
  if (!isOutput && (eRank < 0 || (!ellipsis && eRank != 0)))
    return im.error("einsum term '" + term + "' does not match operand rank " + llvm::Twine(rank));
  if (ellipsisRank)
    *ellipsisRank = ellipsis ? eRank : 0;
  std::vector<int> out;
  for (int l : labels) {
    if (l != -1) {
      out.push_back(l);
      continue;
    }
    int64_t skip = (isOutput ? 0 : maxEllipsis - eRank);
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
  std::string eq;
  for (char c : im.attrString("equation", ""))
    if (!std::isspace((unsigned char)c))
      eq += c;
  int n = im.numInputs();
  if (n < 1 || n > 2)
    return im.unsupportedAttr("equation", "'" + eq + "' (only one or two operands are supported)");
  DLC_TRY(type, im.outputType(0));
  size_t arrow = eq.find("->");
  std::vector<std::string> terms = splitTerms(eq.substr(0, arrow));
  if ((int)terms.size() != n)
    return im.error("equation '" + eq + "' has " + llvm::Twine(terms.size()) + " operand terms for " +
                    llvm::Twine(n) + " inputs");

  std::vector<Value> vals;
  std::vector<std::vector<int>> labels(n);
  int64_t maxEllipsis = 0;
  for (int k = 0; k < n; ++k) {
    DLC_TRY(v, im.input(k));
    vals.push_back(v);
    int64_t eRank = 0;
    DLC_TRY(l, parseTerm(im, terms[k], Importer::typeOf(v).getRank(), false, 0, &eRank));
    (void)l;
    maxEllipsis = std::max(maxEllipsis, eRank);
  }
  std::map<int, int64_t> sizes;
  std::map<int, int> count;
  for (int k = 0; k < n; ++k) {
    DLC_TRY(l, parseTerm(im, terms[k], Importer::typeOf(vals[k]).getRank(), false, maxEllipsis, nullptr));
    labels[k] = l;
    std::set<int> seen;
    for (size_t i = 0; i < l.size(); ++i) {
      if (!seen.insert(l[i]).second)
        return im.unsupportedAttr("equation", "'" + eq + "' (repeated label within an operand)");
      int64_t d = Importer::typeOf(vals[k]).getDimSize(i);
      auto [it, inserted] = sizes.emplace(l[i], d);
      if (!inserted && it->second != d)
        return im.unsupportedAttr("equation", "'" + eq + "' (a label has extents " + llvm::Twine(it->second) +
                                                  " and " + llvm::Twine(d) + "; broadcasting is unsupported)");
      ++count[l[i]];
    }
  }
  std::vector<int> out;
  if (arrow != std::string::npos) {
    DLC_TRY(o, parseTerm(im, eq.substr(arrow + 2), 0, true, maxEllipsis, nullptr));
    out = o;
  } else {
    for (int64_t j = 0; j < maxEllipsis; ++j)
      out.push_back(kEllipsisBase + j);
    for (auto [l, c] : count)
      if (l < kEllipsisBase && c == 1)
        out.push_back(l);
  }
  std::set<int> outSet(out.begin(), out.end());
  if (outSet.size() != out.size())
    return im.unsupportedAttr("equation", "'" + eq + "' (repeated output label)");
  for (int l : out)
    if (!sizes.count(l))
      return im.error("equation '" + eq + "': an output label appears in no input");

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

void addEinsumConverter(ConverterMap &m) { m["Einsum"] = einsum; }

} // namespace dlc::onnx_frontend::detail
