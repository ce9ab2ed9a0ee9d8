// NumPy .npy format (numpy.lib.format): magic, version, header length, a Python dict
// literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}, then the raw data.
#include <cctype>
#include <cstring>
#include <map>

#include "dlc/npy.hpp"
#include "dlc/file_io.hpp"
#include "printable.hpp"

namespace dlc {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

struct DescrEntry {
  const char *code; // without the byte-order character
  dlc_dtype dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"f4", DLC_DTYPE_F32}, {"f8", DLC_DTYPE_F64}, {"f2", DLC_DTYPE_F16},
    {"i1", DLC_DTYPE_I8},  {"i2", DLC_DTYPE_I16}, {"i4", DLC_DTYPE_I32},
    {"i8", DLC_DTYPE_I64}, {"u1", DLC_DTYPE_U8},  {"b1", DLC_DTYPE_BOOL},
    {"u2", DLC_DTYPE_U16}, {"u4", DLC_DTYPE_U32}, {"u8", DLC_DTYPE_U64},
};

[[noreturn]] void fail(const std::string &where, const std::string &what) {
  throw Error(where + ": " + what);
}

// The header's value types: a string, a bool, or a tuple of ints.
struct Value {
  enum Kind { String, Bool, Tuple } kind;
  std::string str;
  bool boolean = false;
  std::vector<int64_t> ints;
};

// A parser for the subset of Python literal syntax that np.save writes.
class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &where) : s_(text), where_(where) {}

  std::map<std::string, Value> parse_dict() {
    std::map<std::string, Value> out;
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') {
        ++i_;
        break;
      }
      std::string key = parse_string();
      expect(':');
      out[key] = parse_value();
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      break;
    }
    return out;
  }

private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }
  [[noreturn]] void error(const std::string &what) {
    fail(where_, "malformed .npy header (" + what + " at offset " + std::to_string(i_) +
                     "): " + printable(s_));
  }
  void expect(char c) {
    skip_space();
    if (peek() != c)
      error(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string parse_string() {
    skip_space();
    char q = peek();
    if (q != '\'' && q != '"')
      error("expected a string");
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != q)
      out += s_[i_++];
    if (i_ >= s_.size())
      error("unterminated string");
    ++i_;
    return out;
  }
  int64_t parse_int() {
    skip_space();
    size_t start = i_;
    int64_t v = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s_[i_] - '0', &v))
        error("dimension too large");
      ++i_;
    }
    if (i_ == start)
      error("expected a dimension");
    if (peek() == 'L') // Python 2 longs
      ++i_;
    return v;
  }
  Value parse_value() {
    skip_space();
    Value v;
    char c = peek();
    if (c == '\'' || c == '"') {
      v.kind = Value::String;
      v.str = parse_string();
    } else if (s_.compare(i_, 4, "True") == 0) {
      v.kind = Value::Bool;
      v.boolean = true;
      i_ += 4;
    } else if (s_.compare(i_, 5, "False") == 0) {
      v.kind = Value::Bool;
      i_ += 5;
    } else if (c == '(') {
      v.kind = Value::Tuple;
      ++i_;
      for (;;) {
        skip_space();
        if (peek() == ')') {
          ++i_;
          break;
        }
        v.ints.push_back(parse_int());
        skip_space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(')');
        break;
      }
    } else if (c == '[') {
      fail(where_, "structured dtypes are not supported (only plain numeric arrays)");
    } else {
      error("unexpected value");
    }
    return v;
  }

  const std::string &s_;
  std::string where_;
  size_t i_ = 0;
};

dlc_dtype parse_descr(const std::string &descr, const std::string &where) {
  if (descr.size() >= 2) {
    char order = descr[0];
    std::string code = descr.substr(1);
    for (const DescrEntry &d : kDescrs) {
      if (code != d.code)
        continue;
      bool one_byte = dlc_dtype_size(d.dtype) == 1;
      if (order == '>' && !one_byte)
        fail(where, "big-endian data ('" + printable(descr) +
                        "') is not supported; save it as little-endian, e.g. "
                        "arr.astype('<" +
                        code + "')");
      // '=' is native order, and this runtime runs on little-endian machines only.
      if (order == '<' || order == '=' || order == '|' || (one_byte && order == '>'))
        return d.dtype;
    }
  }
  fail(where,
       "unsupported dtype '" + printable(descr) + "' (supported: f4 f8 f2 i1 i2 i4 i8 u1 b1)");
}

const char *descr_of(dlc_dtype dtype) {
  switch (dtype) {
  case DLC_DTYPE_F32:
    return "<f4";
  case DLC_DTYPE_F64:
    return "<f8";
  case DLC_DTYPE_F16:
    return "<f2";
  case DLC_DTYPE_I8:
    return "|i1";
  case DLC_DTYPE_I16:
    return "<i2";
  case DLC_DTYPE_I32:
    return "<i4";
  case DLC_DTYPE_I64:
    return "<i8";
  case DLC_DTYPE_U8:
    return "|u1";
  case DLC_DTYPE_U16:
    return "<u2";
  case DLC_DTYPE_U32:
    return "<u4";
  case DLC_DTYPE_U64:
    return "<u8";
  case DLC_DTYPE_BOOL:
    return "|b1";
  default:
    return nullptr;
  }
}

uint32_t read_le(const unsigned char *p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

} // namespace

Tensor parse_npy(const void *data, size_t size, const std::string &where) {
  const auto *p = static_cast<const unsigned char *>(data);
  if (size < kMagicLen || std::memcmp(p, kMagic, kMagicLen) != 0)
    fail(where, "not a .npy file (bad magic)");
  if (size < kMagicLen + 2)
    fail(where, "truncated .npy file (no version)");
  int major = p[kMagicLen];
  int minor = p[kMagicLen + 1];
  if (major < 1 || major > 3)
    fail(where, "unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (supported: 1, 2, 3)");
  size_t len_bytes = major == 1 ? 2 : 4;
  size_t prefix = kMagicLen + 2 + len_bytes;
  if (size < prefix)
    fail(where, "truncated .npy file (no header length)");
  size_t header_len = read_le(p + kMagicLen + 2, static_cast<int>(len_bytes));
  if (size - prefix < header_len)
    fail(where, "truncated .npy file: the header needs " + std::to_string(header_len) +
                    " bytes, the file has " + std::to_string(size - prefix) + " after the prefix");
  // Version 3 only differs in allowing UTF-8 in the header, which the parser passes through.
  std::string header(reinterpret_cast<const char *>(p + prefix), header_len);
  auto dict = HeaderParser(header, where).parse_dict();

  auto get = [&](const char *key, Value::Kind kind) -> const Value & {
    auto it = dict.find(key);
    if (it == dict.end())
      fail(where, std::string("the .npy header has no '") + key + "'");
    if (it->second.kind != kind)
      fail(where, std::string("the .npy header's '") + key + "' has the wrong type");
    return it->second;
  };
  dlc_dtype dtype = parse_descr(get("descr", Value::String).str, where);
  bool fortran = get("fortran_order", Value::Bool).boolean;
  std::vector<int64_t> shape = get("shape", Value::Tuple).ints;
  if (shape.size() > DLC_MAX_RANK)
    fail(where, "rank " + std::to_string(shape.size()) + " exceeds the maximum " +
                    std::to_string(DLC_MAX_RANK));
  int non_unit = 0;
  for (int64_t d : shape)
    non_unit += d > 1;
  // With at most one dimension above 1, Fortran and C order lay out the same bytes.
  if (fortran && non_unit > 1)
    fail(where, "Fortran-order arrays are not supported; save a C-order array "
                "(np.ascontiguousarray(arr))");

  uint64_t need = 0;
  try {
    need = checked_nbytes(dtype, shape);
  } catch (const Error &e) {
    fail(where, e.what());
  }
  // Before allocating: a header alone must not make the reader allocate what the file
  // does not hold.
  size_t have = size - prefix - header_len;
  if (have != need)
    fail(where, std::string(have < need ? "truncated .npy file" : "corrupt .npy file") +
                    ": shape " + shape_string(shape) + " " + dlc_dtype_name(dtype) + " needs " +
                    std::to_string(need) + " bytes of data, the file has " +
                    std::to_string(have));
  Tensor t(dtype, shape);
  if (have)
    std::memcpy(t.data(), p + prefix + header_len, have);
  return t;
}

std::string encode_npy(const Tensor &t) {
  const char *descr = descr_of(t.dtype());
  if (!descr)
    throw Error(std::string("dtype ") + dlc_dtype_name(t.dtype()) + " has no .npy equivalent");
  std::string shape = "(";
  for (size_t i = 0; i < t.shape().size(); ++i)
    shape += std::to_string(t.shape()[i]) + (t.shape().size() == 1      ? ","
                                             : i + 1 < t.shape().size() ? ", "
                                                                        : "");
  shape += ")";
  std::string dict =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy pads the header with spaces and a newline so the data starts 64-byte aligned.
  // With at most DLC_MAX_RANK dims the header always fits version 1's 16-bit length.
  constexpr size_t len_bytes = 2;
  size_t total = (kMagicLen + 2 + len_bytes + dict.size() + 1 + 63) / 64 * 64;
  size_t header_len = total - kMagicLen - 2 - len_bytes;
  dict.append(header_len - dict.size() - 1, ' ');
  dict += '\n';

  std::string out(kMagic, kMagicLen);
  out += '\x01';
  out += '\0';
  for (size_t i = 0; i < len_bytes; ++i)
    out += static_cast<char>((header_len >> (8 * i)) & 0xff);
  out += dict;
  out.append(static_cast<const char *>(t.data()), t.nbytes());
  return out;
}

Tensor read_npy(const std::string &path) {
  std::string bytes = read_file(path);
  return parse_npy(bytes.data(), bytes.size(), path);
}

void write_npy(const std::string &path, const Tensor &t) {
  std::string bytes;
  try {
    bytes = encode_npy(t);
  } catch (const Error &e) {
    throw Error(path + ": " + e.what());
  }
  write_file_atomic(path, bytes);
}

} // namespace dlc
