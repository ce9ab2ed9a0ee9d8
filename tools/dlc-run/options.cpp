#include "options.hpp"

#include <cerrno>
#include <cstdlib>

namespace dlc_run {

Options::Options(const std::string &command, const std::vector<OptionSpec> &specs, int argc,
                 char **argv)
    : command_(command) {
  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      help_ = true;
      continue;
    }
    if (arg.compare(0, 2, "--") != 0)
      throw CliError(command_ + ": unknown option '" + arg + "' (see 'dlc-run " + command_ +
                     " --help')");
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec *spec = nullptr;
    for (const OptionSpec &s : specs)
      if (s.name == name)
        spec = &s;
    if (!spec)
      throw CliError(command_ + ": unknown option '--" + name + "' (see 'dlc-run " + command_ +
                     " --help')");
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= argc)
        throw CliError(command_ + ": option '--" + name + "' needs a value");
      value = argv[++i];
    } else if (!spec->takes_value && inline_value) {
      throw CliError(command_ + ": option '--" + name + "' takes no value");
    }
    values_[name].push_back(value);
  }
}

std::string Options::get(const std::string &name, const std::string &fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Options::all(const std::string &name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

long long Options::get_int(const std::string &name, long long fallback, long long lo,
                           long long hi) const {
  if (!has(name))
    return fallback;
  std::string s = get(name);
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi)
    throw CliError(command_ + ": --" + name + " expects an integer in " + std::to_string(lo) +
                   ".." + std::to_string(hi) + ", got '" + s + "'");
  return v;
}

std::string Options::model_path() const {
  if (positional_.empty())
    throw CliError(command_ + ": missing MODEL.so (see 'dlc-run " + command_ + " --help')");
  if (positional_.size() > 1)
    throw CliError(command_ + ": unexpected argument '" + positional_[1] +
                   "' (one MODEL.so expected)");
  return positional_[0];
}

} // namespace dlc_run
