// The process-wide thread pool behind dlc_parallel_for: the one piece of global state in
// the runtime, because compiled kernels call it without a handle.
//
// A model runs many short parallel loops back to back (a batch-1 MLP: three of a few
// microseconds each). Waking a sleeping worker through its condition variable costs about
// as much as such a loop, so workers spin for a while after each job before they sleep,
// and the caller spins before it waits for them (as OpenMP runtimes and ONNX Runtime's
// pool do): the lock and the condition variables stay the protocol, the spins only skip
// the sleeps.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "dlc/runtime.h"

namespace {

thread_local bool tls_in_parallel_region = false;

// How long a worker stays awake for the next job, and the caller for the workers.
constexpr auto kSpin = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Spins until `done()` or kSpin has passed; whether `done()` became true.
template <typename Done> bool spin_until(Done done) {
  auto until = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 1;; ++i) {
    if (done())
      return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until)
      return false;
  }
}

class ThreadPool {
public:
  ~ThreadPool() { stop_workers(); }

  void set_num_threads(int32_t n) {
    std::lock_guard<std::mutex> dispatch(dispatch_mutex_);
    stop_workers();
    num_threads_ = n > 0 ? n : default_threads();
  }

  int32_t num_threads() {
    std::lock_guard<std::mutex> dispatch(dispatch_mutex_);
    if (num_threads_ == 0)
      num_threads_ = default_threads();
    return num_threads_;
  }

  void parallel_for(int64_t n, dlc_parallel_fn fn, void *ctx) {
    if (n <= 0 || !fn)
      return;
    if (tls_in_parallel_region) {
      fn(0, n, ctx);
      return;
    }
    std::lock_guard<std::mutex> dispatch(dispatch_mutex_);
    if (num_threads_ == 0)
      num_threads_ = default_threads();
    int64_t chunks = std::min<int64_t>(n, num_threads_);
    if (chunks == 1 || !start_workers()) {
      tls_in_parallel_region = true;
      fn(0, n, ctx);
      tls_in_parallel_region = false;
      return;
    }

    Job job{n, chunks, fn, ctx, {0}};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      generation_.fetch_add(1, std::memory_order_release);
    }
    work_cv_.notify_all();
    run_chunks(job);
    spin_until([&] { return active_.load(std::memory_order_acquire) == 0; });
    std::unique_lock<std::mutex> lock(mutex_);
    // Every chunk was claimed once the caller's run_chunks returned, and workers claim
    // only while counted in active_, so active_ == 0 means all chunks are done.
    done_cv_.wait(lock, [&] { return active_ == 0; });
    job_ = nullptr;
  }

private:
  struct Job {
    int64_t n;
    int64_t chunks;
    dlc_parallel_fn fn;
    void *ctx;
    std::atomic<int64_t> next;
  };

  static int32_t default_threads() {
    unsigned hc = std::thread::hardware_concurrency();
    return hc > 0 ? static_cast<int32_t>(hc) : 1;
  }

  // Contiguous, near-equal ranges: chunk c covers [c*n/chunks, (c+1)*n/chunks).
  static void run_chunks(Job &job) {
    tls_in_parallel_region = true;
    for (;;) {
      int64_t c = job.next.fetch_add(1);
      if (c >= job.chunks)
        break;
      int64_t begin = static_cast<int64_t>((__int128)job.n * c / job.chunks);
      int64_t end = static_cast<int64_t>((__int128)job.n * (c + 1) / job.chunks);
      job.fn(begin, end, job.ctx);
    }
    tls_in_parallel_region = false;
  }

  // False if no thread could be started; the caller then runs the loop alone.
  bool start_workers() {
    // The caller's thread is one of the num_threads_.
    size_t want = static_cast<size_t>(num_threads_ - 1);
    if (workers_.size() == want)
      return true;
    stop_workers();
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(false);
    try {
      for (size_t i = 0; i < want; ++i)
        workers_.emplace_back([this, g = generation_.load()] { worker_loop(g); });
    } catch (const std::exception &) {
      // Out of threads: run with those that started.
    }
    return !workers_.empty();
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    work_cv_.notify_all();
    for (std::thread &t : workers_)
      t.join();
    workers_.clear();
  }

  void worker_loop(uint64_t seen) {
    for (;;) {
      Job *job;
      spin_until([&] { return stop_.load(std::memory_order_relaxed) || generation_.load(std::memory_order_acquire) != seen; });
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_cv_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
        if (stop_.load())
          return;
        seen = generation_.load();
        job = job_;
        if (!job)
          continue;
        ++active_;
      }
      run_chunks(*job);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--active_ == 0)
          done_cv_.notify_all();
      }
    }
  }

  std::mutex dispatch_mutex_; // one parallel_for or resize at a time
  int32_t num_threads_ = 0;   // 0: not chosen yet
  std::vector<std::thread> workers_;

  std::mutex mutex_; // guards the fields below; the atomics are written under it and
                     // read without it only to decide whether to sleep
  std::condition_variable work_cv_, done_cv_;
  std::atomic<uint64_t> generation_{0};
  Job *job_ = nullptr;
  std::atomic<int> active_{0};
  std::atomic<bool> stop_{false};
};

ThreadPool &pool() {
  static ThreadPool p;
  return p;
}

} // namespace

extern "C" {

void dlc_set_num_threads(int32_t n) { pool().set_num_threads(n); }

int32_t dlc_get_num_threads(void) { return pool().num_threads(); }

void dlc_parallel_for(int64_t n, dlc_parallel_fn fn, void *ctx) { pool().parallel_for(n, fn, ctx); }

} // extern "C"
