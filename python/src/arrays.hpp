// NumPy arrays in and out of an artifact's entry points: dtype names, the checks on an
// input (used in place when it can be), outputs and parameter views.
#ifndef DLC_PYTHON_ARRAYS_HPP
#define DLC_PYTHON_ARRAYS_HPP

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include <string>

#include "dlc/runtime.h"

namespace dlc_python {
namespace nb = nanobind;

// The NumPy name of a dlc dtype ("float32", "int64", "bool"); the dlc name ("f8e4m3fn")
// for the dtypes NumPy does not have.
std::string numpy_name(int32_t dtype);
// "float32 (64, 1, 28, 28)".
std::string describe(const dlc_tensor_desc &desc);
nb::tuple shape_tuple(const dlc_tensor_desc &desc);
uint64_t elements(const dlc_tensor_desc &desc);

// An input bound to an entry's signature; `array` keeps the memory alive.
struct InputArray {
  dlc_tensor view{};
  nb::ndarray<nb::ro> array;
};

// Binds `value` to input `desc` of `entry`: a C-contiguous CPU array (NumPy, or anything
// with __dlpack__) of the declared dtype and shape is used in place; one of that dtype but
// other strides is copied once; a list or a scalar is converted once with numpy.asarray.
// Wrong dtypes raise TypeError, wrong shapes ValueError, naming the input and both.
void bind_input(nb::handle value, const dlc_tensor_desc &desc, const char *entry, InputArray &out);

// A new, 64-byte aligned NumPy array for output `desc` (so the runtime stages nothing);
// its memory is returned through `data`.
nb::object new_array(const dlc_tensor_desc &desc, void **data);

// A writable NumPy view of `data` (laid out as `desc`) that keeps `owner` alive; with
// `transposed`, of the 2-D transpose (the model's layout of a prepacked weight).
nb::object view_array(const dlc_tensor_desc &desc, void *data, nb::handle owner, bool transposed = false);

} // namespace dlc_python

#endif
