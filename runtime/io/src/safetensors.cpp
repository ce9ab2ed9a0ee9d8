// safetensors reader and crash-safe writer (see dlc/safetensors.hpp).
#include "dlc/safetensors.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

#include "dlc/json.hpp"
#include "dlc/file_io.hpp"
#include "printable.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this reader copies it as is");

namespace dlc {

namespace {

// The reference implementation refuses headers above 100 MB.
constexpr uint64_t kMaxHeader = 100000000;
constexpr int kMaxDepth = 64;

const struct {
  dlc_dtype dtype;
  const char *name;
} kDtypes[] = {
    {DLC_DTYPE_F32, "F32"}, {DLC_DTYPE_F64, "F64"}, {DLC_DTYPE_F16, "F16"},
    {DLC_DTYPE_BF16, "BF16"}, {DLC_DTYPE_I64, "I64"}, {DLC_DTYPE_I32, "I32"},
    {DLC_DTYPE_I16, "I16"}, {DLC_DTYPE_I8, "I8"}, {DLC_DTYPE_U8, "U8"},
    {DLC_DTYPE_BOOL, "BOOL"}, {DLC_DTYPE_U16, "U16"}, {DLC_DTYPE_U32, "U32"}, {DLC_DTYPE_U64, "U64"},
    // safetensors names no FNUZ variants: those parameters cannot be checkpointed.
    {DLC_DTYPE_F8E4M3FN, "F8_E4M3"}, {DLC_DTYPE_F8E5M2, "F8_E5M2"},
};

// --- A small JSON reader: enough for a safetensors header, strict about the syntax.

struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  size_t pos = 0;           // byte offset in the header, for messages
  std::string text;         // String: the decoded value; Number: the literal
  bool boolean = false;
  std::vector<Json> items;  // Array
  std::vector<std::pair<std::string, Json>> members; // Object, in order

  const char *kind_name() const {
    static const char *names[] = {"null", "a boolean", "a number", "a string", "an array",
                                  "an object"};
    return names[kind];
  }
};

class JsonParser {
public:
  JsonParser(const char *p, size_t n, const std::string &where) : p_(p), n_(n), where_(where) {}

  Json parse_document() {
    skip_ws();
    Json v = value(0);
    skip_ws();
    if (i_ != n_)
      fail("unexpected '" + printable(std::string(1, p_[i_])) + "' after the JSON object");
    return v;
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw Error(where_ + ": bad header JSON at byte " + std::to_string(i_) + ": " + what);
  }

  void skip_ws() {
    while (i_ < n_ && (p_[i_] == ' ' || p_[i_] == '\t' || p_[i_] == '\n' || p_[i_] == '\r'))
      ++i_;
  }

  char peek() {
    if (i_ >= n_)
      fail("unexpected end of the header");
    return p_[i_];
  }

  void expect(char c) {
    if (peek() != c)
      fail(std::string("expected '") + c + "', found '" + printable(std::string(1, p_[i_])) + "'");
    ++i_;
  }

  Json value(int depth) {
    if (depth > kMaxDepth)
      fail("nested too deeply");
    Json v;
    v.pos = i_;
    char c = peek();
    if (c == '{') {
      v.kind = Json::Object;
      ++i_;
      skip_ws();
      if (peek() == '}') {
        ++i_;
        return v;
      }
      for (;;) {
        skip_ws();
        if (peek() != '"')
          fail("expected a string key");
        std::string key = string_literal();
        skip_ws();
        expect(':');
        skip_ws();
        v.members.emplace_back(std::move(key), value(depth + 1));
        skip_ws();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Json::Array;
      ++i_;
      skip_ws();
      if (peek() == ']') {
        ++i_;
        return v;
      }
      for (;;) {
        skip_ws();
        v.items.push_back(value(depth + 1));
        skip_ws();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = Json::String;
      v.text = string_literal();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = Json::Number;
      size_t start = i_;
      if (p_[i_] == '-')
        ++i_;
      size_t digits = i_;
      while (i_ < n_ && p_[i_] >= '0' && p_[i_] <= '9')
        ++i_;
      if (i_ == digits)
        fail("malformed number");
      if (p_[digits] == '0' && i_ - digits > 1)
        fail("malformed number (leading zero)");
      if (i_ < n_ && p_[i_] == '.') {
        ++i_;
        size_t f = i_;
        while (i_ < n_ && p_[i_] >= '0' && p_[i_] <= '9')
          ++i_;
        if (i_ == f)
          fail("malformed number");
      }
      if (i_ < n_ && (p_[i_] == 'e' || p_[i_] == 'E')) {
        ++i_;
        if (i_ < n_ && (p_[i_] == '+' || p_[i_] == '-'))
          ++i_;
        size_t e = i_;
        while (i_ < n_ && p_[i_] >= '0' && p_[i_] <= '9')
          ++i_;
        if (i_ == e)
          fail("malformed number");
      }
      v.text.assign(p_ + start, i_ - start);
      return v;
    }
    for (const char *word : {"true", "false", "null"}) {
      size_t len = std::strlen(word);
      if (n_ - i_ >= len && std::memcmp(p_ + i_, word, len) == 0) {
        i_ += len;
        v.kind = word[0] == 'n' ? Json::Null : Json::Bool;
        v.boolean = word[0] == 't';
        return v;
      }
    }
    fail("unexpected '" + printable(std::string(1, c)) + "'");
  }

  unsigned hex4() {
    if (n_ - i_ < 4)
      fail("truncated \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = p_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("bad \\u escape");
    }
    return v;
  }

  static void put_utf8(std::string &out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::string string_literal() {
    expect('"');
    std::string out;
    for (;;) {
      if (i_ >= n_)
        fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(p_[i_++]);
      if (c == '"')
        return out;
      if (c < 0x20)
        fail("control character in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (i_ >= n_)
        fail("unterminated string");
      char e = p_[i_++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp = hex4();
        if (cp >= 0xd800 && cp < 0xdc00) {
          if (n_ - i_ < 2 || p_[i_] != '\\' || p_[i_ + 1] != 'u')
            fail("unpaired surrogate in \\u escape");
          i_ += 2;
          unsigned lo = hex4();
          if (lo < 0xdc00 || lo >= 0xe000)
            fail("unpaired surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          fail("unpaired surrogate in \\u escape");
        }
        put_utf8(out, cp);
        break;
      }
      default:
        fail("bad escape '\\" + printable(std::string(1, e)) + "'");
      }
    }
  }

  const char *p_;
  size_t n_;
  size_t i_ = 0;
  const std::string &where_;
};

// A non-negative JSON integer that fits uint64_t, or an error naming `what`.
uint64_t json_uint(const Json &v, const std::string &where, const std::string &what) {
  bool ok = v.kind == Json::Number && !v.text.empty() && v.text[0] != '-' &&
            v.text.find_first_of(".eE") == std::string::npos;
  uint64_t n = 0;
  for (size_t k = 0; ok && k < v.text.size(); ++k)
    ok = !__builtin_mul_overflow(n, 10, &n) &&
         !__builtin_add_overflow(n, static_cast<uint64_t>(v.text[k] - '0'), &n);
  if (!ok)
    throw Error(where + ": " + what + " must be a non-negative integer, got " +
                (v.kind == Json::Number ? v.text : std::string(v.kind_name())));
  return n;
}

std::string quoted(const std::string &name) { return "'" + printable(name) + "'"; }

struct Entry {
  std::string name;
  dlc_dtype dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;
};

// --- The test hook (see the header).

std::atomic<long> g_writes{0};

long crash_on_write() {
  const char *v = std::getenv("DLC_TEST_CRASH_IN_CHECKPOINT_WRITE");
  if (!v || !*v)
    return 0;
  char *end = nullptr;
  long n = std::strtol(v, &end, 10);
  return *end == '\0' && n > 0 ? n : 0;
}

std::string errno_text() { return std::strerror(errno); }

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

void write_all(int fd, const char *p, size_t n, const std::string &path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      throw Error("cannot write '" + path + "': " + errno_text());
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

} // namespace

const NamedTensor *Safetensors::find(const std::string &name) const {
  for (const NamedTensor &t : tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

const std::string *Safetensors::meta(const std::string &key) const {
  for (const auto &kv : metadata)
    if (kv.first == key)
      return &kv.second;
  return nullptr;
}

const char *safetensors_dtype_name(dlc_dtype dtype) {
  for (const auto &d : kDtypes)
    if (d.dtype == dtype)
      return d.name;
  return nullptr;
}

dlc_dtype safetensors_dtype(const std::string &name) {
  for (const auto &d : kDtypes)
    if (name == d.name)
      return d.dtype;
  return DLC_DTYPE_INVALID;
}

Safetensors parse_safetensors(const void *data, size_t size, const std::string &where) {
  const char *bytes = static_cast<const char *>(data);
  if (size < 8)
    throw Error(where + ": truncated: " + std::to_string(size) +
                " bytes, too short for the 8-byte header length of a safetensors file");
  uint64_t header_len;
  std::memcpy(&header_len, bytes, 8);
  if (header_len > kMaxHeader)
    throw Error(where + ": not a safetensors file: the header length " +
                std::to_string(header_len) + " exceeds the limit of " +
                std::to_string(kMaxHeader) + " bytes");
  if (header_len > size - 8)
    throw Error(where + ": truncated: the header length is " + std::to_string(header_len) +
                " bytes, but only " + std::to_string(size - 8) + " bytes follow it");
  const char *header = bytes + 8;
  if (header_len == 0 || header[0] != '{')
    throw Error(where + ": not a safetensors file: the header does not start with '{'");
  Json doc = JsonParser(header, static_cast<size_t>(header_len), where).parse_document();
  if (doc.kind != Json::Object)
    throw Error(where + ": the header is not a JSON object");

  const uint64_t data_size = size - 8 - header_len;
  const char *payload = header + header_len;
  Safetensors out;
  std::vector<Entry> entries;
  std::map<std::string, bool> seen;
  bool have_metadata = false;
  for (const auto &[name, v] : doc.members) {
    if (seen[name])
      throw Error(where + ": the header names " +
                  (name == "__metadata__" ? std::string("__metadata__") : "tensor " + quoted(name)) +
                  " twice");
    seen[name] = true;
    if (name == "__metadata__") {
      have_metadata = true;
      if (v.kind != Json::Object)
        throw Error(where + ": __metadata__ must be an object of strings, got " + v.kind_name());
      for (const auto &[key, value] : v.members) {
        if (value.kind != Json::String)
          throw Error(where + ": __metadata__ value " + quoted(key) + " must be a string, got " +
                      value.kind_name());
        out.metadata.emplace_back(key, value.text);
      }
      continue;
    }
    const std::string what = where + ": tensor " + quoted(name);
    if (v.kind != Json::Object)
      throw Error(what + ": expected an object with dtype, shape and data_offsets, got " +
                  v.kind_name());
    const Json *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
    for (const auto &[key, field] : v.members) {
      if (key == "dtype")
        dtype = &field;
      else if (key == "shape")
        shape = &field;
      else if (key == "data_offsets")
        offsets = &field;
      else
        throw Error(what + ": unknown field " + quoted(key));
    }
    for (const auto &[field, ptr] : {std::pair<const char *, const Json *>{"dtype", dtype},
                                     {"shape", shape}, {"data_offsets", offsets}})
      if (!ptr)
        throw Error(what + ": missing \"" + field + "\"");
    Entry e;
    e.name = name;
    if (dtype->kind != Json::String)
      throw Error(what + ": dtype must be a string, got " + dtype->kind_name());
    e.dtype = safetensors_dtype(dtype->text);
    if (e.dtype == DLC_DTYPE_INVALID)
      throw Error(what + ": unsupported dtype " + quoted(dtype->text) +
                  " (dlc reads F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL)");
    if (shape->kind != Json::Array)
      throw Error(what + ": shape must be an array, got " + shape->kind_name());
    if (shape->items.size() > DLC_MAX_RANK)
      throw Error(what + ": rank " + std::to_string(shape->items.size()) +
                  " exceeds the maximum " + std::to_string(DLC_MAX_RANK));
    for (const Json &d : shape->items) {
      uint64_t dim = json_uint(d, what, "a shape dimension");
      if (dim > static_cast<uint64_t>(INT64_MAX))
        throw Error(what + ": shape dimension " + d.text + " is too large");
      e.shape.push_back(static_cast<int64_t>(dim));
    }
    if (offsets->kind != Json::Array || offsets->items.size() != 2)
      throw Error(what + ": data_offsets must be an array [begin, end]");
    e.begin = json_uint(offsets->items[0], what, "data_offsets");
    e.end = json_uint(offsets->items[1], what, "data_offsets");
    std::string range =
        "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
    if (e.begin > e.end)
      throw Error(what + ": " + range + " end before they begin");
    int64_t numel = 1;
    bool overflow = false;
    for (int64_t d : e.shape)
      overflow = overflow || __builtin_mul_overflow(numel, d, &numel);
    uint64_t need = 0;
    overflow = overflow || __builtin_mul_overflow(static_cast<uint64_t>(numel),
                                                  dlc_dtype_size(e.dtype), &need);
    std::string desc = dtype->text + " " + shape_string(e.shape);
    if (overflow)
      throw Error(what + ": shape " + shape_string(e.shape) + " is too large");
    if (e.end > data_size)
      throw Error(what + ": " + range + " reach past the end of the data (" +
                  std::to_string(data_size) + " bytes after the header; is the file truncated?)");
    if (e.end - e.begin != need)
      throw Error(what + ": " + range + " span " + std::to_string(e.end - e.begin) +
                  " bytes, but " + desc + " takes " + std::to_string(need));
    entries.push_back(std::move(e));
  }
  (void)have_metadata;

  // The tensors must tile the data section: sorted by offset, each begins where the
  // previous one ends, and the last ends at the end of the file.
  std::vector<const Entry *> order;
  for (const Entry &e : entries)
    order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const Entry *a, const Entry *b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t at = 0;
  const Entry *prev = nullptr;
  for (const Entry *e : order) {
    if (e->begin < at)
      throw Error(where + ": tensor " + quoted(e->name) + " (data_offsets [" +
                  std::to_string(e->begin) + ", " + std::to_string(e->end) +
                  "]) overlaps tensor " + quoted(prev->name) + " (ending at " +
                  std::to_string(at) + ")");
    if (e->begin > at)
      throw Error(where + ": bytes " + std::to_string(at) + ".." + std::to_string(e->begin) +
                  " of the data belong to no tensor (before tensor " + quoted(e->name) + ")");
    at = e->end;
    prev = e;
  }
  if (at != data_size)
    throw Error(where + ": " + std::to_string(data_size - at) +
                " bytes after the last tensor's data belong to no tensor");

  for (const Entry *e : order) {
    Tensor t(e->dtype, e->shape);
    if (t.nbytes())
      std::memcpy(t.data(), payload + e->begin, t.nbytes());
    out.tensors.push_back({e->name, std::move(t)});
  }
  return out;
}

Safetensors read_safetensors(const std::string &path) {
  std::string bytes = read_file(path);
  return parse_safetensors(bytes.data(), bytes.size(), path);
}

namespace {

// The header (with its 8-byte length) and the total file size.
std::string encode_header(const std::vector<dlc_tensor> &tensors,
                          const SafetensorsMetadata &metadata, uint64_t *data_bytes) {
  std::string json = "{";
  bool first = true;
  if (!metadata.empty()) {
    json += "\"__metadata__\":{";
    std::map<std::string, bool> keys;
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (keys[metadata[i].first])
        throw Error("safetensors metadata key " + quoted(metadata[i].first) + " given twice");
      keys[metadata[i].first] = true;
      json += (i ? "," : "") + json_escape(metadata[i].first) + ":" +
              json_escape(metadata[i].second);
    }
    json += "}";
    first = false;
  }
  std::map<std::string, bool> names;
  uint64_t offset = 0;
  for (const dlc_tensor &t : tensors) {
    std::string name = t.name ? t.name : "";
    if (name.empty() || name == "__metadata__")
      throw Error("safetensors: invalid tensor name " + quoted(name));
    if (names[name])
      throw Error("safetensors: tensor " + quoted(name) + " given twice");
    names[name] = true;
    const char *dt = safetensors_dtype_name(static_cast<dlc_dtype>(t.dtype));
    if (!dt)
      throw Error("safetensors: tensor " + quoted(name) + " has invalid dtype " +
                  std::to_string(t.dtype));
    if (t.rank < 0 || t.rank > DLC_MAX_RANK || (t.rank > 0 && !t.shape))
      throw Error("safetensors: tensor " + quoted(name) + " has invalid rank " +
                  std::to_string(t.rank));
    std::vector<int64_t> shape(t.shape, t.shape + t.rank);
    uint64_t need = static_cast<uint64_t>(checked_numel(shape)) * dlc_dtype_size(t.dtype);
    if (t.nbytes != need || (need > 0 && !t.data))
      throw Error("safetensors: tensor " + quoted(name) + " (" + dlc_dtype_name(t.dtype) + " " +
                  shape_string(shape) + ") needs " + std::to_string(need) + " bytes of data, has " +
                  std::to_string(t.nbytes));
    json += std::string(first ? "" : ",") + json_escape(name) + ":{\"dtype\":\"" + dt +
            "\",\"shape\":[";
    for (int k = 0; k < t.rank; ++k)
      json += (k ? "," : "") + std::to_string(t.shape[k]);
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(offset + need) + "]}";
    offset += need;
    first = false;
  }
  json += "}";
  while (json.size() % 8 != 0)
    json += ' ';
  uint64_t n = json.size();
  std::string out(8, '\0');
  std::memcpy(&out[0], &n, 8);
  *data_bytes = offset;
  return out + json;
}

} // namespace

std::string encode_safetensors(const std::vector<dlc_tensor> &tensors,
                               const SafetensorsMetadata &metadata) {
  uint64_t data_bytes = 0;
  std::string out = encode_header(tensors, metadata, &data_bytes);
  out.reserve(out.size() + data_bytes);
  for (const dlc_tensor &t : tensors)
    out.append(static_cast<const char *>(t.data), t.nbytes);
  return out;
}

void write_safetensors(const std::string &path, const std::vector<dlc_tensor> &tensors,
                       const SafetensorsMetadata &metadata) {
  uint64_t data_bytes = 0;
  const std::string header = encode_header(tensors, metadata, &data_bytes);
  const uint64_t total = header.size() + data_bytes;
  long crash_at = crash_on_write();
  long this_write = ++g_writes;

  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty())
    throw Error("cannot write '" + path + "': not a file name");
  // A writer killed between naming its file and the rename (or on a file system without
  // O_TMPFILE, at any point) leaves a named temporary file: the next write removes it.
  remove_stale_temporaries(path);

  // An unnamed file first: nothing is left behind if the process dies while writing.
  Fd f;
  bool unnamed = true;
  std::string tmp_path;
#ifdef O_TMPFILE
  f.fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
#endif
  if (f.fd < 0) {
    unnamed = false;
    f.fd = create_temporary_for(path, tmp_path);
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      if (!path.empty())
        ::unlink(path.c_str());
    }
  } cleanup{tmp_path};

  uint64_t written = 0;
  auto emit = [&](const char *p, uint64_t n) {
    if (crash_at == this_write && written + n >= total / 2) {
      uint64_t part = total / 2 - written;
      write_all(f.fd, p, static_cast<size_t>(part), path);
      ::fsync(f.fd);
      std::fprintf(stderr,
                   "dlc: test hook DLC_TEST_CRASH_IN_CHECKPOINT_WRITE=%ld: aborting after "
                   "writing %llu of %llu bytes of '%s'\n",
                   crash_at, static_cast<unsigned long long>(total / 2),
                   static_cast<unsigned long long>(total), path.c_str());
      std::abort();
    }
    write_all(f.fd, p, static_cast<size_t>(n), path);
    written += n;
  };
  emit(header.data(), header.size());
  for (const dlc_tensor &t : tensors)
    emit(static_cast<const char *>(t.data), t.nbytes);
  if (::fsync(f.fd) != 0)
    throw Error("cannot flush '" + path + "': " + errno_text());

  if (unnamed) {
    // Give the file a temporary name, then rename it over the target (linkat cannot
    // replace an existing file).
    char proc[64];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", f.fd);
    bool linked = false;
    for (int attempt = 0; !linked && attempt < 100; ++attempt) {
      tmp_path = temporary_path_for(path);
      if (::linkat(AT_FDCWD, proc, AT_FDCWD, tmp_path.c_str(), AT_SYMLINK_FOLLOW) == 0)
        linked = true;
      else if (errno != EEXIST)
        break;
    }
    if (!linked) {
      // No /proc: fall back to a named temporary file written afresh.
      ::close(f.fd);
      f.fd = -1;
      write_file_atomic(path, encode_safetensors(tensors, metadata));
      return;
    }
    cleanup.path = tmp_path;
  }
  int rc = ::close(f.fd);
  f.fd = -1;
  if (rc != 0)
    throw Error("cannot close '" + path + "': " + errno_text());
  if (::rename(tmp_path.c_str(), path.c_str()) != 0)
    throw Error("cannot rename a temporary file to '" + path + "': " + errno_text());
  cleanup.path.clear();
  // Make the rename itself durable.
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0)
    ::fsync(d.fd);
}

} // namespace dlc
