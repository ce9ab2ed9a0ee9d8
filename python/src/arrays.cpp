#include "arrays.hpp"

#include <cstdlib>
#include <new>
#include <vector>

namespace dlc_python {
namespace {

namespace dl = nb::dlpack;

bool dlpack_dtype(int32_t dtype, dl::dtype &out) {
  auto make = [&](dl::dtype_code code, int bits) {
    out = dl::dtype{static_cast<uint8_t>(code), static_cast<uint8_t>(bits), 1};
    return true;
  };
  switch (dtype) {
  case DLC_DTYPE_F32: return make(dl::dtype_code::Float, 32);
  case DLC_DTYPE_F64: return make(dl::dtype_code::Float, 64);
  case DLC_DTYPE_F16: return make(dl::dtype_code::Float, 16);
  case DLC_DTYPE_BF16: return make(dl::dtype_code::Bfloat, 16);
  case DLC_DTYPE_I8: return make(dl::dtype_code::Int, 8);
  case DLC_DTYPE_I16: return make(dl::dtype_code::Int, 16);
  case DLC_DTYPE_I32: return make(dl::dtype_code::Int, 32);
  case DLC_DTYPE_I64: return make(dl::dtype_code::Int, 64);
  case DLC_DTYPE_U8: return make(dl::dtype_code::UInt, 8);
  case DLC_DTYPE_U16: return make(dl::dtype_code::UInt, 16);
  case DLC_DTYPE_U32: return make(dl::dtype_code::UInt, 32);
  case DLC_DTYPE_U64: return make(dl::dtype_code::UInt, 64);
  case DLC_DTYPE_BOOL: return make(dl::dtype_code::Bool, 8);
  default: return false;
  }
}

std::string dlpack_name(dl::dtype t) {
  std::string bits = std::to_string(t.bits);
  switch (static_cast<dl::dtype_code>(t.code)) {
  case dl::dtype_code::Float: return "float" + bits;
  case dl::dtype_code::Bfloat: return "bfloat" + bits;
  case dl::dtype_code::Int: return "int" + bits;
  case dl::dtype_code::UInt: return "uint" + bits;
  case dl::dtype_code::Bool: return "bool";
  case dl::dtype_code::Complex: return "complex" + bits;
  default: return "dlpack dtype code " + std::to_string(t.code) + " of " + bits + " bits";
  }
}

nb::handle numpy_module() {
  // Leaked on purpose: released at exit, after the interpreter is gone, it would crash.
  static nb::handle numpy = nb::module_::import_("numpy").release();
  return numpy;
}

std::string shape_text(size_t rank, const int64_t *dims) {
  std::string s = "(";
  for (size_t i = 0; i < rank; ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (rank == 1 ? ",)" : ")");
}

bool c_contiguous(const nb::ndarray<nb::ro> &a) {
  int64_t expect = 1;
  for (size_t i = a.ndim(); i-- > 0;) {
    if (a.shape(i) != 1 && a.stride(i) != expect)
      return a.size() == 0;
    expect *= static_cast<int64_t>(a.shape(i));
  }
  return true;
}

} // namespace

uint64_t elements(const dlc_tensor_desc &d) {
  uint64_t n = 1;
  for (int i = 0; i < d.rank; ++i)
    n *= static_cast<uint64_t>(d.shape[i]);
  return n;
}

std::string numpy_name(int32_t dtype) {
  dl::dtype t;
  return dlpack_dtype(dtype, t) ? dlpack_name(t) : dlc_dtype_name(dtype);
}

std::string describe(const dlc_tensor_desc &d) {
  return numpy_name(d.dtype) + " " + shape_text(static_cast<size_t>(d.rank), d.shape);
}

nb::tuple shape_tuple(const dlc_tensor_desc &d) {
  nb::list dims;
  for (int i = 0; i < d.rank; ++i)
    dims.append(d.shape[i]);
  return nb::tuple(dims);
}

void bind_input(nb::handle value, const dlc_tensor_desc &d, const char *entry, InputArray &out) {
  auto where = [&] { return std::string(entry) + "(): input '" + d.name + "' expects " + describe(d); };
  dl::dtype want;
  if (!dlpack_dtype(d.dtype, want))
    throw nb::type_error((where() + ", a dtype NumPy does not have; this artifact cannot be fed from Python").c_str());
  nb::ndarray<nb::ro> a;
  if (!nb::try_cast(value, a, false)) {
    // Not an array: a list, a scalar, ... converted once to the declared dtype.
    nb::object converted;
    try {
      converted = numpy_module().attr("asarray")(value, nb::arg("dtype") = numpy_name(d.dtype));
    } catch (nb::python_error &e) {
      throw nb::type_error((where() + ", got " + nb::type_name(value.type()).c_str() +
                            " that NumPy cannot convert: " + e.what()).c_str());
    }
    if (!nb::try_cast(converted, a, false))
      throw nb::type_error((where() + ", got " + nb::type_name(value.type()).c_str()).c_str());
  }
  std::vector<int64_t> dims(a.ndim());
  for (size_t i = 0; i < a.ndim(); ++i)
    dims[i] = static_cast<int64_t>(a.shape(i));
  std::string given = dlpack_name(a.dtype()) + " " + shape_text(a.ndim(), dims.data());
  if (a.device_type() != nb::device::cpu::value)
    throw nb::type_error((where() + ", got an array on device type " + std::to_string(a.device_type()) +
                          "; entry points take host (CPU) arrays").c_str());
  if (a.dtype() != want)
    throw nb::type_error((where() + ", got " + given).c_str());
  bool same_shape = a.ndim() == static_cast<size_t>(d.rank);
  for (int i = 0; same_shape && i < d.rank; ++i)
    same_shape = dims[static_cast<size_t>(i)] == d.shape[i];
  if (!same_shape)
    throw nb::value_error((where() + ", got " + given).c_str());
  if (!c_contiguous(a)) {
    nb::object copy = numpy_module().attr("ascontiguousarray")(value);
    if (!nb::try_cast(copy, a, false) || !c_contiguous(a))
      throw nb::type_error((where() + ", got a " + given + " array NumPy cannot make contiguous").c_str());
  }
  out.array = a;
  out.view = dlc_tensor{d.name, d.dtype, d.rank, d.shape, const_cast<void *>(a.data()),
                        dlc_dtype_nbytes(d.dtype, elements(d))};
}

nb::object new_array(const dlc_tensor_desc &d, void **data) {
  dl::dtype t;
  if (!dlpack_dtype(d.dtype, t))
    throw nb::type_error(("output '" + std::string(d.name) + "' is " + dlc_dtype_name(d.dtype) +
                          ", a dtype NumPy does not have").c_str());
  uint64_t bytes = dlc_dtype_nbytes(d.dtype, elements(d));
  uint64_t alloc = (bytes + DLC_ALIGNMENT - 1) / DLC_ALIGNMENT * DLC_ALIGNMENT;
  void *p = std::aligned_alloc(DLC_ALIGNMENT, alloc ? alloc : DLC_ALIGNMENT);
  if (!p)
    throw std::bad_alloc();
  nb::capsule owner(p, [](void *q) noexcept { std::free(q); });
  size_t shape[DLC_MAX_RANK];
  for (int i = 0; i < d.rank; ++i)
    shape[i] = static_cast<size_t>(d.shape[i]);
  *data = p;
  return nb::ndarray<nb::numpy>(p, static_cast<size_t>(d.rank), shape, owner, nullptr, t).cast();
}

nb::object view_array(const dlc_tensor_desc &d, void *data, nb::handle owner, bool transposed) {
  dl::dtype t;
  if (!dlpack_dtype(d.dtype, t))
    throw nb::type_error(("parameter '" + std::string(d.name) + "' is " + dlc_dtype_name(d.dtype) +
                          ", a dtype NumPy does not have").c_str());
  size_t shape[DLC_MAX_RANK];
  for (int i = 0; i < d.rank; ++i)
    shape[i] = static_cast<size_t>(d.shape[i]);
  if (transposed && d.rank == 2) {
    size_t logical[2] = {shape[1], shape[0]};
    int64_t strides[2] = {1, d.shape[1]}; // in elements
    return nb::ndarray<nb::numpy>(data, 2, logical, owner, strides, t).cast();
  }
  return nb::ndarray<nb::numpy>(data, static_cast<size_t>(d.rank), shape, owner, nullptr, t).cast();
}

} // namespace dlc_python
