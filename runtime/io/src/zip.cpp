#include "zip.hpp"

#include <algorithm>
#include <cstdint>
#include <zlib.h>

#include "dlc/tensor.hpp"
#include "printable.hpp"

namespace dlc {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22;
constexpr size_t kEnd64Size = 56, kEnd64LocatorSize = 20;

// Bounds-checked little-endian reads over the whole archive.
class Reader {
public:
  Reader(const std::string &bytes, const std::string &where) : b_(bytes), where_(where) {}
  [[noreturn]] void fail(const std::string &what) const { throw Error(where_ + ": " + what); }
  uint64_t get(uint64_t off, int n) const {
    if (off > b_.size() || b_.size() - off < static_cast<uint64_t>(n))
      fail("truncated or corrupt .npz (zip) file: a record at byte " + std::to_string(off) +
           " runs past the end of the file (" + std::to_string(b_.size()) + " bytes)");
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i)
      v = (v << 8) | static_cast<unsigned char>(b_[off + i]);
    return v;
  }
  void need(uint64_t off, uint64_t n, const std::string &what) const {
    if (off > b_.size() || b_.size() - off < n)
      fail("truncated .npz (zip) file: " + what + " needs bytes " + std::to_string(off) + ".." +
           std::to_string(off + n) + " but the file has " + std::to_string(b_.size()));
  }
  const char *at(uint64_t off) const { return b_.data() + off; }
  uint64_t size() const { return b_.size(); }

private:
  const std::string &b_;
  const std::string &where_;
};

uint64_t find_end_record(const Reader &r) {
  if (r.size() < kEndSize)
    r.fail("not a .npz file: too short to be a zip archive (" + std::to_string(r.size()) +
           " bytes)");
  uint64_t lowest = r.size() > kEndSize + 0xffff ? r.size() - kEndSize - 0xffff : 0;
  for (uint64_t pos = r.size() - kEndSize + 1; pos-- > lowest;)
    if (r.get(pos, 4) == kEndSig)
      return pos;
  r.fail("not a .npz file or a truncated one: no zip end-of-central-directory record");
}

std::string inflate_raw(const Reader &r, const char *src, uint64_t n, uint64_t out_size,
                        const std::string &member) {
  // Deflate cannot expand data more than ~1032:1; a larger claim is corruption, and
  // trusting it would allocate arbitrary amounts of memory.
  if (out_size > n * 1100 + 1024)
    r.fail("corrupt member '" + member + "': claims " + std::to_string(out_size) + " bytes from " +
           std::to_string(n) + " compressed");
  std::string out(out_size, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
    r.fail("zlib could not start inflating '" + member + "'");
  uint64_t in_left = n, out_left = out_size;
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(src));
  zs.next_out = reinterpret_cast<Bytef *>(out.data());
  int rc;
  constexpr uint64_t kStep = 1u << 30; // avail_in/avail_out are 32-bit
  for (;;) {
    if (zs.avail_in == 0 && in_left > 0) {
      zs.avail_in = static_cast<uInt>(std::min(in_left, kStep));
      in_left -= zs.avail_in;
    }
    if (zs.avail_out == 0 && out_left > 0) {
      zs.avail_out = static_cast<uInt>(std::min(out_left, kStep));
      out_left -= zs.avail_out;
    }
    rc = inflate(&zs, Z_NO_FLUSH);
    // Z_OK means progress; Z_BUF_ERROR means none is possible (input exhausted or the
    // output full before the stream's end), which is corruption once nothing is left.
    if (rc == Z_OK)
      continue;
    if (rc == Z_BUF_ERROR &&
        ((zs.avail_in == 0 && in_left > 0) || (zs.avail_out == 0 && out_left > 0)))
      continue;
    break;
  }
  uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != out_size)
    r.fail("corrupt or truncated compressed member '" + member + "' (inflate produced " +
           std::to_string(produced) + " of " + std::to_string(out_size) + " bytes)");
  return out;
}

void put(std::string &s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i)
    s += static_cast<char>((v >> (8 * i)) & 0xff);
}

} // namespace

void for_each_zip_member(const std::string &archive, const std::string &where,
                         const std::function<void(const std::string &, const void *, size_t)> &fn) {
  Reader r(archive, where);
  uint64_t end = find_end_record(r);
  uint64_t count = r.get(end + 10, 2);
  uint64_t cd_size = r.get(end + 12, 4);
  uint64_t cd_off = r.get(end + 16, 4);
  if (end >= kEnd64LocatorSize && r.get(end - kEnd64LocatorSize, 4) == kEnd64LocatorSig) {
    uint64_t e64 = r.get(end - kEnd64LocatorSize + 8, 8);
    if (r.get(e64, 4) != kEnd64Sig)
      r.fail("corrupt zip64 end-of-central-directory record");
    r.need(e64, kEnd64Size, "the zip64 end record");
    count = r.get(e64 + 32, 8);
    cd_size = r.get(e64 + 40, 8);
    cd_off = r.get(e64 + 48, 8);
  }
  r.need(cd_off, cd_size, "the central directory");

  uint64_t pos = cd_off;
  for (uint64_t i = 0; i < count; ++i) {
    if (r.get(pos, 4) != kCentralSig)
      r.fail("corrupt zip central directory at byte " + std::to_string(pos));
    r.need(pos, kCentralSize, "a central directory record");
    uint64_t flags = r.get(pos + 8, 2);
    uint64_t method = r.get(pos + 10, 2);
    uint32_t crc = static_cast<uint32_t>(r.get(pos + 16, 4));
    uint64_t csize = r.get(pos + 20, 4);
    uint64_t usize = r.get(pos + 24, 4);
    uint64_t name_len = r.get(pos + 28, 2);
    uint64_t extra_len = r.get(pos + 30, 2);
    uint64_t comment_len = r.get(pos + 32, 2);
    uint64_t local = r.get(pos + 42, 4);
    r.need(pos + kCentralSize, name_len + extra_len + comment_len, "a central directory record");
    std::string name(r.at(pos + kCentralSize), name_len);
    std::string shown = printable(name); // for messages
    // zip64 extra field: 64-bit values for exactly the fields that read 0xffffffff.
    uint64_t x = pos + kCentralSize + name_len, x_end = x + extra_len;
    while (x + 4 <= x_end) {
      uint64_t id = r.get(x, 2), len = r.get(x + 2, 2);
      if (x + 4 + len > x_end)
        break;
      if (id == 0x0001) {
        uint64_t f = x + 4, f_end = f + len;
        auto take = [&](uint64_t &v) {
          if (v == 0xffffffffu && f + 8 <= f_end) {
            v = r.get(f, 8);
            f += 8;
          }
        };
        take(usize);
        take(csize);
        take(local);
      }
      x += 4 + len;
    }
    pos = x_end + comment_len;

    if (flags & 1)
      r.fail("member '" + shown + "' is encrypted");
    if (r.get(local, 4) != kLocalSig)
      r.fail("corrupt zip local header for member '" + shown + "'");
    r.need(local, kLocalSize, "the local header of '" + shown + "'");
    uint64_t data = local + kLocalSize + r.get(local + 26, 2) + r.get(local + 28, 2);
    r.need(data, csize, "member '" + shown + "'");
    std::string inflated;
    const char *bytes = r.at(data);
    uint64_t size = csize;
    if (method == 8) {
      inflated = inflate_raw(r, bytes, csize, usize, shown);
      bytes = inflated.data();
      size = usize;
    } else if (method != 0) {
      r.fail("member '" + shown + "' uses zip compression method " + std::to_string(method) +
             "; only stored (0) and deflate (8) are supported");
    } else if (usize != csize) {
      r.fail("corrupt stored member '" + shown + "': sizes differ");
    }
    uint32_t actual = static_cast<uint32_t>(
        crc32_z(0, reinterpret_cast<const Bytef *>(bytes), static_cast<z_size_t>(size)));
    if (actual != crc)
      r.fail("member '" + shown + "' is corrupt (CRC mismatch)");
    fn(name, bytes, static_cast<size_t>(size));
  }
}

std::string make_zip(const std::vector<ZipMember> &members) {
  std::string out, central;
  constexpr uint16_t kVersion = 20;                      // 2.0: deflate-era, no zip64
  constexpr uint16_t kMadeBy = (3 << 8) | 20;            // unix
  constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const ZipMember &m : members) {
    const std::string &d = *m.data;
    if (d.size() >= 0xffffffffu || out.size() >= 0xffffffffu || m.name.size() > 0xffff)
      throw Error("member '" + m.name + "' is too large for a .npz without zip64 (4 GiB)");
    bool utf8 = std::any_of(m.name.begin(), m.name.end(), [](char c) { return c & 0x80; });
    uint16_t flags = utf8 ? (1 << 11) : 0;
    uint32_t crc = static_cast<uint32_t>(
        crc32_z(0, reinterpret_cast<const Bytef *>(d.data()), static_cast<z_size_t>(d.size())));
    uint64_t local_off = out.size();
    put(out, kLocalSig, 4);
    put(out, kVersion, 2);
    put(out, flags, 2);
    put(out, 0, 2); // stored
    put(out, 0, 2); // time
    put(out, kDosDate, 2);
    put(out, crc, 4);
    put(out, d.size(), 4);
    put(out, d.size(), 4);
    put(out, m.name.size(), 2);
    put(out, 0, 2);
    out += m.name;
    out += d;

    put(central, kCentralSig, 4);
    put(central, kMadeBy, 2);
    put(central, kVersion, 2);
    put(central, flags, 2);
    put(central, 0, 2);
    put(central, 0, 2);
    put(central, kDosDate, 2);
    put(central, crc, 4);
    put(central, d.size(), 4);
    put(central, d.size(), 4);
    put(central, m.name.size(), 2);
    put(central, 0, 2);                       // extra
    put(central, 0, 2);                       // comment
    put(central, 0, 2);                       // disk
    put(central, 0, 2);                       // internal attributes
    put(central, uint64_t(0100644) << 16, 4); // regular file, rw-r--r--
    put(central, local_off, 4);
    central += m.name;
  }
  if (members.size() > 0xfffe || out.size() + central.size() >= 0xffffffffu)
    throw Error("archive too large for a .npz without zip64 (4 GiB or 65535 members)");
  uint64_t cd_off = out.size();
  out += central;
  put(out, kEndSig, 4);
  put(out, 0, 2);
  put(out, 0, 2);
  put(out, members.size(), 2);
  put(out, members.size(), 2);
  put(out, central.size(), 4);
  put(out, cd_off, 4);
  put(out, 0, 2);
  return out;
}

} // namespace dlc
