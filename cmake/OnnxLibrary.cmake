# The ONNX library of the importer: checker, shape inference and version converter of ONNX
# 1.23.2, built from PyPI's source distribution against Debian's protobuf (Debian packages
# nothing newer than 1.12, which stops at opset 17). scripts/bootstrap.sh downloads the
# tarball, checksum-pinned, into .deps/; from there the build runs offline. It provides the
# targets `onnx` and `onnx_proto` that find_package(ONNX) used to.
set(DLC_ONNX_VERSION 1.23.2)
set(DLC_ONNX_SHA256 008cb0467b2bbee41448acc7da8b6f4e704624cb0d327a2d5adafc7ce19bc5b8)
set(DLC_ONNX_TARBALL ${CMAKE_SOURCE_DIR}/.deps/onnx-${DLC_ONNX_VERSION}.tar.gz CACHE FILEPATH
    "ONNX ${DLC_ONNX_VERSION} source distribution (scripts/bootstrap.sh downloads it)")
if(NOT EXISTS ${DLC_ONNX_TARBALL})
  message(FATAL_ERROR "${DLC_ONNX_TARBALL} is missing: run scripts/bootstrap.sh (it downloads ONNX ${DLC_ONNX_VERSION})")
endif()

set(ONNX_BUILD_PYTHON OFF CACHE BOOL "" FORCE)
set(ONNX_BUILD_TESTS OFF CACHE BOOL "" FORCE)
set(ONNX_ML ON CACHE BOOL "" FORCE)
set(ONNX_USE_PROTOBUF_SHARED_LIBS ON CACHE BOOL "" FORCE)
set(ONNX_GEN_PB_TYPE_STUBS OFF CACHE BOOL "" FORCE)
set(ONNX_WERROR OFF CACHE BOOL "" FORCE)

include(FetchContent)
FetchContent_Declare(onnx
  URL ${DLC_ONNX_TARBALL}
  URL_HASH SHA256=${DLC_ONNX_SHA256}
  # ONNX asks for CMake 3.26 but builds with Debian 12's 3.25.
  PATCH_COMMAND ${CMAKE_COMMAND} -DFILE=<SOURCE_DIR>/CMakeLists.txt -P ${CMAKE_CURRENT_LIST_DIR}/OnnxCMakeMinimum.cmake)
# The importer is linked into shared objects (the Python package, dlc's libraries).
set(DLC_SAVED_PIC ${CMAKE_POSITION_INDEPENDENT_CODE})
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
FetchContent_MakeAvailable(onnx)
set(CMAKE_POSITION_INDEPENDENT_CODE ${DLC_SAVED_PIC})
# ONNX's headers as system headers: its warnings are not dlc's.
foreach(target onnx onnx_proto)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set_target_properties(${target} PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${dirs}")
endforeach()
