import os
import lit.formats
from lit.llvm import llvm_config

config.name = "dlc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_bin_dir, "..", "tests", "lit")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "Inputs"]

llvm_config.with_system_environment(["HOME", "TMPDIR", "PATH"])
llvm_config.with_environment("PATH", config.dlc_bin_dir, append_path=False)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
llvm_config.use_default_substitutions()
tools = ["dlc-opt", "dlc", "dlc-run"]
llvm_config.add_tool_substitutions(tools, [config.dlc_bin_dir])
