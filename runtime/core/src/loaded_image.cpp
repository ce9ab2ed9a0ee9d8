#include "loaded_image.hpp"

#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <string>

#include "status_error.hpp"

namespace dlc {

namespace {

struct Search {
  const link_map *map;
  std::vector<ElfW(Phdr)> phdrs;
  bool found = false;
};

int visit(struct dl_phdr_info *info, size_t, void *p) {
  auto *s = static_cast<Search *>(p);
  if (info->dlpi_addr != s->map->l_addr || !info->dlpi_name ||
      std::strcmp(info->dlpi_name, s->map->l_name) != 0)
    return 0;
  s->phdrs.assign(info->dlpi_phdr, info->dlpi_phdr + info->dlpi_phnum);
  s->found = true;
  return 1;
}

} // namespace

LoadedImage LoadedImage::of(void *dl_handle, const std::string &path) {
  link_map *map = nullptr;
  if (::dlinfo(dl_handle, RTLD_DI_LINKMAP, &map) != 0 || !map)
    throw StatusError(DLC_ERROR_INTERNAL, "cannot locate the loaded artifact '" + path + "'");
  // The program headers as loaded (not as read from the file earlier), so the ranges
  // are those of this very mapping.
  Search s{map, {}};
  ::dl_iterate_phdr(visit, &s);
  if (!s.found)
    throw StatusError(DLC_ERROR_INTERNAL,
                      "cannot find the segments of the loaded artifact '" + path + "'");
  LoadedImage img;
  for (const ElfW(Phdr) & ph : s.phdrs)
    if (ph.p_type == PT_LOAD && ph.p_memsz > 0) {
      uintptr_t begin = map->l_addr + ph.p_vaddr;
      img.ranges_.push_back(
          {begin, begin + ph.p_memsz, (ph.p_flags & PF_R) != 0, (ph.p_flags & PF_X) != 0});
    }
  return img;
}

LoadedImage LoadedImage::of_memory(const void *begin, uint64_t size, bool exec) {
  LoadedImage img;
  auto b = reinterpret_cast<uintptr_t>(begin);
  img.ranges_.push_back({b, b + size, true, exec});
  return img;
}

const LoadedImage::Range *LoadedImage::find(const void *p) const {
  auto a = reinterpret_cast<uintptr_t>(p);
  for (const Range &r : ranges_)
    if (a >= r.begin && a < r.end)
      return &r;
  return nullptr;
}

bool LoadedImage::readable(const void *p, uint64_t n) const {
  const Range *r = find(p);
  return r && r->read && n <= r->end - reinterpret_cast<uintptr_t>(p);
}

bool LoadedImage::string(const char *s) const {
  const Range *r = find(s);
  if (!r || !r->read)
    return false;
  return std::memchr(s, '\0', r->end - reinterpret_cast<uintptr_t>(s)) != nullptr;
}

bool LoadedImage::code(const void *p) const {
  const Range *r = find(p);
  return r && r->exec;
}

} // namespace dlc
