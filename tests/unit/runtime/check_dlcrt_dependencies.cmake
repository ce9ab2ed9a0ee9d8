# Fails unless every DT_NEEDED entry of LIB is a C/C++ runtime, pthread, libdl or zlib
# library, or a lower runtime layer (libdlcrt, libdlcrt_io): the runtime libraries must
# load on machines without LLVM, MLIR, protobuf or CUDA.
execute_process(COMMAND readelf -d ${LIB} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d ${LIB} failed")
endif()
string(REGEX MATCHALL "Shared library: \\[[^]]+\\]" needed "${dyn}")
if(NOT needed)
  message(FATAL_ERROR "no DT_NEEDED entries found in ${LIB}; readelf output:\n${dyn}")
endif()
# Sanitizer runtimes appear only in instrumented developer builds.
set(allowed "^(libc|libm|libstdc\\+\\+|libgcc_s|libpthread|libdl|libz|libdlcrt|libdlcrt_io|ld-linux[-a-z0-9_]*|libasan|libubsan|libtsan)\\.so")
foreach(entry ${needed})
  string(REGEX REPLACE "Shared library: \\[([^]]+)\\]" "\\1" lib "${entry}")
  if(NOT lib MATCHES "${allowed}")
    message(FATAL_ERROR "${LIB} needs ${lib}; only libc, libstdc++, pthread, libdl, zlib and the lower runtime layers are allowed")
  endif()
  message(STATUS "needed: ${lib}")
endforeach()
