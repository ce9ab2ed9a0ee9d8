// idx:DIR — MNIST-family IDX files (http://yann.lecun.com/exdb/mnist/), plain or gzipped.
// An IDX file is: two zero bytes, a type byte, a rank byte, `rank` big-endian u32
// dimensions, then the values, big-endian.
#include <sys/stat.h>
#include <zlib.h>

#include <cstring>

#include "dataset_internal.hpp"
#include "dlc/file_io.hpp"

namespace dlc {

std::string gunzip(const std::string &bytes, const std::string &where) {
  std::string out;
  // The gzip trailer holds the size modulo 2^32: a good first guess for one member.
  if (bytes.size() >= 18) {
    const unsigned char *t =
        reinterpret_cast<const unsigned char *>(bytes.data()) + bytes.size() - 4;
    uint32_t isize = t[0] | t[1] << 8 | t[2] << 16 | static_cast<uint32_t>(t[3]) << 24;
    if (isize <= (1u << 30))
      out.reserve(isize);
  }
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
    throw Error(where + ": cannot initialize zlib");
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  zs.avail_in = 0;
  size_t consumed = 0; // bytes handed to zlib so far
  char buf[1 << 16];
  int rc = Z_OK;
  auto fail = [&](const std::string &what) {
    inflateEnd(&zs);
    throw Error(where + ": " + what);
  };
  for (;;) {
    if (zs.avail_in == 0 && consumed < bytes.size()) {
      size_t n = std::min<size_t>(bytes.size() - consumed, 1u << 30);
      zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()) + consumed);
      zs.avail_in = static_cast<uInt>(n);
      consumed += n;
    }
    zs.next_out = reinterpret_cast<Bytef *>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_STREAM_END) {
      size_t left = zs.avail_in + (bytes.size() - consumed);
      if (left == 0)
        break;
      const char *rest = bytes.data() + (bytes.size() - left);
      if (left >= 2 && static_cast<unsigned char>(rest[0]) == 0x1f &&
          static_cast<unsigned char>(rest[1]) == 0x8b) {
        inflateReset(&zs); // another gzip member follows
        continue;
      }
      bool zeros = true; // padding some tools append
      for (size_t i = 0; i < left && zeros; ++i)
        zeros = rest[i] == 0;
      if (!zeros)
        fail("corrupt gzip file: " + std::to_string(left) + " bytes of garbage after the data");
      break;
    }
    if (rc == Z_OK)
      continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && consumed == bytes.size())
      fail("truncated gzip file (it ends after " + std::to_string(out.size()) +
           " bytes of decompressed data)");
    fail(std::string("corrupt gzip data (zlib: ") + (zs.msg ? zs.msg : zError(rc)) + ")");
  }
  inflateEnd(&zs);
  return out;
}

namespace {

struct IdxType {
  uint8_t code;
  const char *name;
  dlc_dtype dtype;
};
constexpr IdxType kIdxTypes[] = {
    {0x08, "u8", DLC_DTYPE_U8},   {0x09, "i8", DLC_DTYPE_I8},   {0x0B, "i16", DLC_DTYPE_I16},
    {0x0C, "i32", DLC_DTYPE_I32}, {0x0D, "f32", DLC_DTYPE_F32}, {0x0E, "f64", DLC_DTYPE_F64},
};

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

// The file's content as a tensor of its own dtype (native byte order).
Tensor read_idx(const std::string &path) {
  std::string raw = read_file(path);
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f &&
      static_cast<unsigned char>(raw[1]) == 0x8b)
    raw = gunzip(raw, path);
  const unsigned char *p = reinterpret_cast<const unsigned char *>(raw.data());
  if (raw.size() < 4)
    throw Error(path + ": truncated IDX file (" + std::to_string(raw.size()) +
                " bytes, shorter than the 4-byte magic number)");
  if (p[0] != 0 || p[1] != 0)
    throw Error(path + ": not an IDX file (the magic number does not start with two zero bytes)");
  const IdxType *type = nullptr;
  for (const IdxType &t : kIdxTypes)
    if (t.code == p[2])
      type = &t;
  if (!type) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", p[2]);
    throw Error(path + ": unknown IDX element type " + hex);
  }
  int rank = p[3];
  if (rank == 0 || rank > DLC_MAX_RANK)
    throw Error(path + ": IDX rank " + std::to_string(rank) + " is not in 1.." +
                std::to_string(DLC_MAX_RANK));
  size_t header = 4 + 4 * static_cast<size_t>(rank);
  if (raw.size() < header)
    throw Error(path + ": truncated IDX header (" + std::to_string(raw.size()) + " bytes, the " +
                std::to_string(rank) + " dimensions need " + std::to_string(header) + ")");
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    const unsigned char *d = p + 4 + 4 * i;
    dims.push_back(
        static_cast<int64_t>(static_cast<uint32_t>(d[0]) << 24 | d[1] << 16 | d[2] << 8 | d[3]));
  }
  size_t elem = dlc_dtype_size(type->dtype);
  int64_t n = checked_numel(dims);
  uint64_t want;
  if (__builtin_mul_overflow(static_cast<uint64_t>(n), elem, &want))
    throw Error(path + ": IDX dimensions " + shape_string(dims) + " are too large");
  uint64_t have = raw.size() - header;
  if (have < want)
    throw Error(path + ": truncated: the header declares " + shape_string(dims) + " " + type->name +
                " values (" + std::to_string(want) + " bytes), the file holds " +
                std::to_string(have) + " bytes of data");
  if (have > want)
    throw Error(path + ": corrupt: " + std::to_string(have - want) +
                " bytes after the data the header declares (" + shape_string(dims) + " " +
                type->name + ")");
  Tensor t(type->dtype, dims);
  uint8_t *dst = static_cast<uint8_t *>(t.data());
  const unsigned char *src = p + header;
  if (elem == 1) {
    std::memcpy(dst, src, static_cast<size_t>(want));
  } else {
    for (uint64_t i = 0; i < want; i += elem) // big-endian to native
      for (size_t b = 0; b < elem; ++b)
        dst[i + b] = src[i + elem - 1 - b];
  }
  return t;
}

std::string find_file(const std::string &dir, const std::string &text, const std::string &prefix,
                      const std::string &kind, int rank, const char *split) {
  std::vector<std::string> tried;
  for (const char *sep : {"-", "."})
    for (const char *ext : {"", ".gz"}) {
      std::string name = prefix + "-" + kind + sep + "idx" + std::to_string(rank) + "-ubyte" + ext;
      std::string path = dir + "/" + name;
      if (exists(path))
        return path;
      if (tried.size() < 2)
        tried.push_back(name);
    }
  throw Error(text + ": no " + split + "-split " + kind + " in " + dir + " (looked for " +
              tried[0] + " and " + tried[1] + ")");
}

} // namespace

Dataset load_idx_dataset(const DataSpec &spec, const std::string &text,
                         const DatasetOptions &opts) {
  struct stat st;
  if (::stat(spec.path.c_str(), &st) != 0)
    throw Error(text + ": directory '" + spec.path + "' does not exist");
  if (!S_ISDIR(st.st_mode))
    throw Error(text + ": '" + spec.path + "' is not a directory");
  bool train = opts.split == DataSplit::Train;
  const char *split = train ? "train" : "test";
  std::string prefix = train ? "train" : "t10k";
  std::string dir = spec.path;
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  std::string images_path = find_file(dir, text, prefix, "images", 3, split);
  std::string labels_path = find_file(dir, text, prefix, "labels", 1, split);

  Tensor images = read_idx(images_path);
  Tensor labels = read_idx(labels_path);
  if (images.shape()[0] != labels.shape()[0])
    throw Error(text + ": " + images_path + " holds " + std::to_string(images.shape()[0]) +
                " images but " + labels_path + " holds " + std::to_string(labels.shape()[0]) +
                " labels");

  DataArray img;
  img.name = "images";
  img.what = "idx images";
  if (images.dtype() == DLC_DTYPE_U8) { // pixels 0..255 become [0, 1]
    Tensor f(DLC_DTYPE_F32, images.shape());
    const uint8_t *s = images.data_as<uint8_t>();
    float *d = f.data_as<float>();
    float lut[256];
    for (int i = 0; i < 256; ++i)
      lut[i] = static_cast<float>(i) / 255.0f;
    for (int64_t i = 0, n = f.numel(); i < n; ++i)
      d[i] = lut[s[i]];
    img.data = std::move(f);
  } else if (images.dtype() != DLC_DTYPE_F32) {
    Tensor f(DLC_DTYPE_F32, images.shape());
    convert_elements(images.data(), images.dtype(), f.data(), DLC_DTYPE_F32, f.numel());
    img.data = std::move(f);
  } else {
    img.data = std::move(images);
  }
  DataArray lab;
  lab.name = "labels";
  lab.what = "idx labels";
  lab.data = std::move(labels);
  std::vector<DataArray> features;
  features.push_back(std::move(img));
  return Dataset::from_arrays(text, "idx", std::move(features), normalize_labels(std::move(lab)));
}

} // namespace dlc
