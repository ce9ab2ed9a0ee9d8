// dlc-run train / eval: the options of the command-line contract are accepted already;
// the training loop itself is a separate piece of work.
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
int run_eval(const Options &opts) { return not_available("eval", opts); }

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

const Command kEvalCommand{
    "eval",
    "evaluate loss and metrics (artifact compiled with --train)",
    "usage: dlc-run eval MODEL.so --data SPEC [--checkpoint IN.safetensors]\n"
    "                    [--metrics FILE.json] [--threads T]\n"
    "\n"
    "SPEC is npz:FILE.npz, idx:DIR or csv:FILE:label=COLUMN.\n"
    "Not available in this build yet.\n",
    {{"data", true}, {"checkpoint", true}, {"metrics", true}, {"threads", true}},
    run_eval,
};

} // namespace dlc_run
