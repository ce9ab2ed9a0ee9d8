// libdlcrt_mpi.so: dlc::Communicator over MPI, the one part of the runtime that links
// libmpi. libdlcrt_train opens it with dlopen (open_mpi_communicator) when a run is
// distributed.
// The C API only: the C++ bindings (deprecated) would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <string>

#include "dlc/data_parallel.hpp"
#include "dlc/tensor.hpp"

namespace {

std::string mpi_error(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return std::string(text, static_cast<size_t>(len));
}

class MpiCommunicator final : public dlc::Communicator {
public:
  MpiCommunicator() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      // The background thread of GradientAverager makes every call after this one, and
      // never concurrently with another thread.
      int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
      if (rc != MPI_SUCCESS)
        throw dlc::Error("MPI_Init_thread: " + mpi_error(rc));
      if (provided < MPI_THREAD_SERIALIZED) {
        MPI_Finalize();
        throw dlc::Error("this MPI does not allow calls from more than one thread (MPI_THREAD_SERIALIZED)");
      }
      owns_ = true;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(version, &len);
    library_ = std::string(version, static_cast<size_t>(len));
    size_t cut = library_.find_first_of(",\n");
    if (cut != std::string::npos)
      library_.resize(cut);
    char host[MPI_MAX_PROCESSOR_NAME];
    MPI_Get_processor_name(host, &len);
    host_ = std::string(host, static_cast<size_t>(len));
  }

  ~MpiCommunicator() override {
    if (owns_)
      MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void allreduce_sum(void *data, int64_t count, dlc_dtype dtype) override {
    MPI_Datatype type = dtype == DLC_DTYPE_F32 ? MPI_FLOAT : dtype == DLC_DTYPE_F64 ? MPI_DOUBLE : MPI_DATATYPE_NULL;
    if (type == MPI_DATATYPE_NULL)
      throw dlc::Error(std::string("MPI allreduce of ") + dlc_dtype_name(dtype) + " is not supported");
    // MPI counts are int: large buckets go in pieces.
    const int64_t piece = 1 << 30;
    size_t elem = dlc_dtype_size(dtype);
    for (int64_t at = 0; at < count; at += piece) {
      int n = static_cast<int>(std::min(piece, count - at));
      int rc = MPI_Allreduce(MPI_IN_PLACE, static_cast<char *>(data) + static_cast<size_t>(at) * elem, n, type, MPI_SUM,
                             MPI_COMM_WORLD);
      if (rc != MPI_SUCCESS)
        throw dlc::Error("MPI_Allreduce: " + mpi_error(rc));
    }
  }

  std::string describe() const override {
    return "MPI (" + library_ + "), rank " + std::to_string(rank_) + " of " + std::to_string(size_) + " on " + host_;
  }

private:
  int rank_ = 0, size_ = 1;
  bool owns_ = false;
  std::string library_, host_;
};

} // namespace

extern "C" __attribute__((visibility("default"))) dlc::Communicator *dlc_mpi_communicator_create(char *err,
                                                                                                size_t err_size) {
  try {
    return new MpiCommunicator();
  } catch (const std::exception &e) {
    if (err && err_size) {
      std::string msg = e.what();
      size_t n = std::min(msg.size(), err_size - 1);
      msg.copy(err, n);
      err[n] = '\0';
    }
    return nullptr;
  }
}
