// dlc-run: the runtime's command line (info, infer, bench, train, eval).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.hpp"

namespace {

using dlc_run::Command;

const Command *const kCommands[] = {
    &dlc_run::kInfoCommand,  &dlc_run::kInferCommand, &dlc_run::kBenchCommand,
    &dlc_run::kTrainCommand, &dlc_run::kEvalCommand,
};

void print_usage(std::FILE *out) {
  std::fprintf(out, "usage: dlc-run COMMAND MODEL.so [options]\n\ncommands:\n");
  for (const Command *c : kCommands)
    std::fprintf(out, "  %-7s %s\n", c->name, c->summary);
  std::fprintf(out, "\n'dlc-run COMMAND --help' describes a command's options.\n");
}

int fail(const std::string &msg, int code) {
  std::fprintf(stderr, "dlc-run: error: %s\n", msg.c_str());
  return code;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 1;
  }
  std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  const Command *cmd = nullptr;
  for (const Command *c : kCommands)
    if (name == c->name)
      cmd = c;
  if (!cmd)
    return fail("unknown command '" + name + "' (see 'dlc-run --help')", 1);
  try {
    dlc_run::Options opts(cmd->name, cmd->options, argc - 2, argv + 2);
    if (opts.help()) {
      std::fputs(cmd->help, stdout);
      return 0;
    }
    return cmd->run(opts);
  } catch (const dlc_run::CliError &e) {
    return fail(e.what(), e.exit_code());
  } catch (const dlc::Error &e) {
    return fail(e.what(), 1);
  } catch (const std::bad_alloc &) {
    return fail("out of memory", 1);
  } catch (const std::exception &e) {
    return fail(std::string("internal error: ") + e.what(), 1);
  }
}
