// Data-parallel training: N processes (ranks) each train the same artifact on their slice
// of every global batch and average the gradients before the optimizer's update, so that
// N ranks at batch B step exactly as one process at batch N * B would.
//
// The process group is a Communicator; MPI's lives in the plugin libdlcrt_mpi.so, opened
// with dlopen so that the runtime needs no MPI where nothing is distributed. The gradient
// averaging is a GradientAverager bound to the model (dlc_model_set_grad_reducer): a
// compiled train_step hands it each bucket of gradients as soon as the backward pass has
// finished them, a background thread sums the bucket over the ranks while the backward pass
// goes on, and train_step waits for the averages before clipping and the update.
#ifndef DLC_DATA_PARALLEL_HPP
#define DLC_DATA_PARALLEL_HPP

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dlc/runtime.hpp"

namespace dlc {

// One rank's view of the process group. Used from one thread at a time.
class DLC_API Communicator {
public:
  virtual ~Communicator();
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Sums `count` elements of `dtype` (f32 or f64) over all ranks, in place, on every rank.
  virtual void allreduce_sum(void *data, int64_t count, dlc_dtype dtype) = 0;
  // "MPI (Open MPI v4.1.4), rank 0 of 2 on host-a"
  virtual std::string describe() const = 0;
};

// Whether mpirun (Open MPI, MPICH's Hydra or a PMIx launcher) started this process as one
// of several ranks.
DLC_API bool launched_by_mpirun();

// Joins the MPI process group through libdlcrt_mpi.so (looked for next to this library,
// then on the library path). Throws dlc::Error saying what is missing.
DLC_API std::unique_ptr<Communicator> open_mpi_communicator();

class DLC_API GradientAverager {
public:
  explicit GradientAverager(Communicator &comm);
  ~GradientAverager();
  GradientAverager(const GradientAverager &) = delete;
  GradientAverager &operator=(const GradientAverager &) = delete;

  Communicator &communicator() const { return *comm_; }
  // Binds this averager to `model`'s train_step (a CPU artifact).
  void bind(Model &model);
  // Sums `n` values over the ranks, through the background thread (a step's loss).
  void allreduce_sum(double *values, int64_t n);

  struct Stats {
    int64_t buckets = 0;          // buckets reduced
    int64_t bytes = 0;            // their bytes
    double reduce_seconds = 0;    // spent in the communicator, on the background thread
    double wait_seconds = 0;      // train_step waited for the reductions
  };
  Stats stats() const;

private:
  struct Bucket {
    std::vector<uint8_t> staging;
    int32_t dtype = 0;
    int64_t elements = 0;
    bool done = false;
  };
  struct Job {
    void *data;
    int64_t count;
    dlc_dtype dtype;
    bool *done; // set under the mutex when reduced
  };
  static int on_start(void *self, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers,
                      const int64_t *elements);
  static int on_wait(void *self, int64_t bucket, int32_t dtype, int64_t n, void *const *buffers,
                     const int64_t *elements);
  void submit(const Job &job);
  void wait_for(const bool &done);
  void worker();

  Communicator *comm_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::vector<std::unique_ptr<Bucket>> buckets_;
  std::string failure_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

} // namespace dlc

#endif
