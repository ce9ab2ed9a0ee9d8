// dlc-run train: the options of the command-line contract are accepted already; the
// training loop itself is a separate piece of work. (eval is in eval.cpp.)
#include "commands.hpp"

namespace dlc_run {

namespace {

int not_available(const char *command, const Options &opts) {
  std::string path = opts.model_path();
  apply_threads(opts);
  dlc::Model model = load_model(path);
  if (!model.find_entry("train_step"))
    throw CliError(std::string("'") + command + "' needs an artifact compiled with --train ('" +
                   path + "' has no train_step entry point)");
  throw CliError(std::string("'") + command + "' is not available in this build", 2);
}

int run_train(const Options &opts) { return not_available("train", opts); }

} // namespace

const Command kTrainCommand{
    "train",
    "train the model (artifact compiled with --train)",
    "usage: dlc-run train MODEL.so --data SPEC (--epochs N | --steps N) [--no-shuffle]\n"
    "                     [--seed S] [--lr F] [--checkpoint OUT.safetensors]\n"
    "                     [--resume IN.safetensors] [--log FILE.jsonl] [--threads T]\n"
    "\n"
    "SPEC is npz:FILE.npz, idx:DIR or csv:FILE:label=COLUMN.\n"
    "Not available in this build yet.\n",
    {{"data", true},
     {"epochs", true},
     {"steps", true},
     {"no-shuffle", false},
     {"seed", true},
     {"lr", true},
     {"checkpoint", true},
     {"resume", true},
     {"log", true},
     {"threads", true}},
    run_train,
};

} // namespace dlc_run
