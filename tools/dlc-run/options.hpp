// Command-line options of a dlc-run subcommand: --name VALUE, --name=VALUE, flags,
// positionals, and "--" ending the options.
#ifndef DLC_RUN_OPTIONS_HPP
#define DLC_RUN_OPTIONS_HPP

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlc_run {

// A failure reported as "dlc-run: error: <what>" with this exit code.
class CliError : public std::runtime_error {
public:
  explicit CliError(const std::string &what, int exit_code = 1)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

private:
  int exit_code_;
};

struct OptionSpec {
  std::string name; // without the leading "--"
  bool takes_value;
};

class Options {
public:
  // Throws CliError for an unknown option or a missing value. "-h"/"--help" sets help().
  Options(const std::string &command, const std::vector<OptionSpec> &specs, int argc, char **argv);

  bool help() const { return help_; }
  const std::vector<std::string> &positional() const { return positional_; }
  bool has(const std::string &name) const { return values_.count(name) > 0; }
  // The last value given; `fallback` when absent.
  std::string get(const std::string &name, const std::string &fallback = "") const;
  // Every value, in order, for a repeatable option.
  std::vector<std::string> all(const std::string &name) const;

  // Integer option in [lo, hi]; `fallback` when absent.
  long long get_int(const std::string &name, long long fallback, long long lo, long long hi) const;

  // The one MODEL.so positional every subcommand takes.
  std::string model_path() const;

private:
  std::string command_;
  bool help_ = false;
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
};

} // namespace dlc_run

#endif
