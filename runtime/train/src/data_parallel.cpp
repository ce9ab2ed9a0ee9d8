#include "dlc/data_parallel.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

#include "dlc/tensor.hpp"

namespace dlc {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int env_int(const char *name) {
  const char *v = std::getenv(name);
  return v && *v ? std::atoi(v) : 0;
}

// The directory of the library that holds this function (libdlcrt_train), with a slash.
std::string own_directory() {
  Dl_info info{};
  if (!::dladdr(reinterpret_cast<void *>(&own_directory), &info) || !info.dli_fname)
    return "";
  std::string path = info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

} // namespace

Communicator::~Communicator() = default;

bool launched_by_mpirun() {
  for (const char *size : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"})
    if (env_int(size) > 1)
      return true;
  return false;
}

std::unique_ptr<Communicator> open_mpi_communicator() {
  const char *plugin = "libdlcrt_mpi.so";
  std::string here = own_directory() + plugin;
  // RTLD_GLOBAL: Open MPI loads its own components with dlopen and needs libmpi's symbols.
  void *lib = ::dlopen(here.c_str(), RTLD_NOW | RTLD_GLOBAL);
  std::string first_error;
  if (!lib) {
    const char *why = ::dlerror(); // once: a second call returns null
    first_error = why ? why : "not found";
  }
  if (!lib)
    lib = ::dlopen(plugin, RTLD_NOW | RTLD_GLOBAL);
  if (!lib) {
    const char *why = ::dlerror();
    throw Error("data-parallel training needs MPI: cannot load " + here + " (" + first_error + ") or " + plugin +
                " (" + (why ? why : "not found") + "); build dlc with Open MPI installed (libopenmpi-dev)");
  }
  using Create = Communicator *(*)(char *, size_t);
  auto create = reinterpret_cast<Create>(::dlsym(lib, "dlc_mpi_communicator_create"));
  if (!create)
    throw Error(std::string(plugin) + " has no dlc_mpi_communicator_create");
  char err[512] = "";
  Communicator *comm = create(err, sizeof err);
  if (!comm)
    throw Error(std::string("joining the MPI process group failed: ") + err);
  return std::unique_ptr<Communicator>(comm);
}

GradientAverager::GradientAverager(Communicator &comm) : comm_(&comm) {
  thread_ = std::thread([this] { worker(); });
}

GradientAverager::~GradientAverager() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void GradientAverager::bind(Model &model) {
  dlc_grad_reducer r{this, &GradientAverager::on_start, &GradientAverager::on_wait};
  char err[512];
  if (dlc_model_set_grad_reducer(model.handle(), &r, err, sizeof err) != DLC_OK)
    throw Error(err);
}

void GradientAverager::worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      job = queue_.front();
      queue_.pop_front();
    }
    auto t0 = Clock::now();
    std::string failure;
    try {
      comm_->allreduce_sum(job.data, job.count, job.dtype);
    } catch (const std::exception &e) {
      failure = e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.reduce_seconds += seconds_since(t0);
      if (!failure.empty() && failure_.empty())
        failure_ = failure;
      *job.done = true;
    }
    cv_.notify_all();
  }
}

void GradientAverager::submit(const Job &job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    *job.done = false;
    queue_.push_back(job);
  }
  cv_.notify_all();
}

void GradientAverager::wait_for(const bool &done) {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return done; });
}

void GradientAverager::allreduce_sum(double *values, int64_t n) {
  bool done = false;
  submit({values, n, DLC_DTYPE_F64, &done});
  wait_for(done);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!failure_.empty())
    throw Error(failure_);
}

GradientAverager::Stats GradientAverager::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

int GradientAverager::on_start(void *ctx, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers,
                               const int64_t *elements) {
  auto *self = static_cast<GradientAverager *>(ctx);
  if ((dtype != DLC_DTYPE_F32 && dtype != DLC_DTYPE_F64) || bucket < 0 || n < 0)
    return 1; // f16/bf16 gradients: not averaged yet
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    if (self->buckets_.size() <= static_cast<size_t>(bucket))
      self->buckets_.resize(static_cast<size_t>(bucket) + 1);
    if (!self->buckets_[static_cast<size_t>(bucket)])
      self->buckets_[static_cast<size_t>(bucket)] = std::make_unique<Bucket>();
  }
  Bucket &b = *self->buckets_[static_cast<size_t>(bucket)];
  const size_t size = dlc_dtype_size(dtype);
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i)
    total += elements[i];
  b.staging.resize(static_cast<size_t>(total) * size);
  b.dtype = dtype;
  b.elements = total;
  size_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(b.staging.data() + at, buffers[i], static_cast<size_t>(elements[i]) * size);
    at += static_cast<size_t>(elements[i]) * size;
  }
  self->submit({b.staging.data(), total, static_cast<dlc_dtype>(dtype), &b.done});
  return 0;
}

int GradientAverager::on_wait(void *ctx, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers,
                              const int64_t *elements) {
  auto *self = static_cast<GradientAverager *>(ctx);
  if (bucket < 0 || static_cast<size_t>(bucket) >= self->buckets_.size() || !self->buckets_[static_cast<size_t>(bucket)])
    return 2; // a wait without its start
  Bucket &b = *self->buckets_[static_cast<size_t>(bucket)];
  auto t0 = Clock::now();
  self->wait_for(b.done);
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->stats_.wait_seconds += seconds_since(t0);
    self->stats_.buckets += 1;
    self->stats_.bytes += static_cast<int64_t>(b.staging.size());
    if (!self->failure_.empty())
      return 3;
  }
  const double ranks = static_cast<double>(self->comm_->size());
  int64_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (dtype == DLC_DTYPE_F32) {
      const float *src = reinterpret_cast<const float *>(b.staging.data()) + at;
      float *dst = static_cast<float *>(buffers[i]);
      const float r = static_cast<float>(ranks);
      for (int64_t k = 0; k < elements[i]; ++k)
        dst[k] = src[k] / r;
    } else {
      const double *src = reinterpret_cast<const double *>(b.staging.data()) + at;
      double *dst = static_cast<double *>(buffers[i]);
      for (int64_t k = 0; k < elements[i]; ++k)
        dst[k] = src[k] / ranks;
    }
    at += elements[i];
  }
  return 0;
}

} // namespace dlc
