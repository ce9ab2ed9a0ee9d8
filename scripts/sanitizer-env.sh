# Sourced by scripts/fuzz.sh and scripts/sanitize.sh (from the checkout's root): how the
# programs of build-fuzz/ run. UB and ASan reports abort; leaks are reported, with
# tests/fuzz/lsan.supp for third-party code only.
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs when its header is compiled
# with ASan (in dlc's code) but not when it is not (in the prebuilt libMLIR.so), and the
# two share allocators: the poisoning would report MLIR's own allocations as bad accesses.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:allow_user_poisoning=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0
