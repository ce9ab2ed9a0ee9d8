// The subcommands of dlc-run. Adding one: write NAME.cpp defining a Command and list it
// in kCommands in dlc-run.cpp.
#ifndef DLC_RUN_COMMANDS_HPP
#define DLC_RUN_COMMANDS_HPP

#include <string>
#include <vector>

#include <memory>

#include "dlc/data_parallel.hpp"
#include "dlc/runtime.hpp"
#include "options.hpp"

namespace dlc_run {

struct Command {
  const char *name;
  const char *summary; // one line for 'dlc-run --help'
  const char *help;    // the full 'dlc-run NAME --help'
  std::vector<OptionSpec> options;
  int (*run)(const Options &opts); // returns the exit code; throws CliError/dlc::Error
};

extern const Command kInfoCommand;
extern const Command kInferCommand;
extern const Command kBenchCommand;
extern const Command kTrainCommand;
extern const Command kEvalCommand;

// Shared by the commands.

// "64x1x28x28 f32", the form runtime error messages use.
std::string describe(const dlc_tensor_desc &d);

// Applies --threads if given (the pool otherwise sizes itself to the machine).
void apply_threads(const Options &opts);

// Loads the model, turning a load failure into a CliError.
dlc::Model load_model(const std::string &path);

// Under mpirun: this process's place in the group (both null when it runs alone). Every
// rank but 0 has its standard output silenced: rank 0 reports, errors still show.
struct DataParallel {
  std::unique_ptr<dlc::Communicator> comm;
  std::unique_ptr<dlc::GradientAverager> averager; // destroyed first: it uses comm
  bool lead() const { return !comm || comm->rank() == 0; }
};
DataParallel join_data_parallel();

// One zeroed buffer per output of entry `e`, and the dlc_tensor views of them that
// dlc_model_run writes into (the views point into `buffers`, which must outlive them).
struct OutputBuffers {
  std::vector<dlc::Tensor> buffers;
  std::vector<dlc_tensor> views;
};
OutputBuffers allocate_outputs(const dlc_entry_desc &e);

// The entry or a CliError listing the entries there are.
const dlc_entry_desc &require_entry(const dlc::Model &model, const std::string &path,
                                    const std::string &name);

} // namespace dlc_run

#endif
