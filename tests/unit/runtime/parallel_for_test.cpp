// dlc_parallel_for: every index exactly once, for any n and thread count.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "dlc/runtime.h"

namespace {

struct Coverage {
  std::vector<std::atomic<int>> hits;
  std::atomic<int> bad_ranges{0};
  explicit Coverage(int64_t n) : hits(static_cast<size_t>(n)) {}
};

void mark(int64_t begin, int64_t end, void *ctx) {
  auto *c = static_cast<Coverage *>(ctx);
  if (begin >= end || begin < 0 || end > static_cast<int64_t>(c->hits.size()))
    c->bad_ranges++;
  for (int64_t i = begin; i < end && i < static_cast<int64_t>(c->hits.size()); ++i)
    c->hits[static_cast<size_t>(i)]++;
}

int64_t count_not_once(const Coverage &c) {
  int64_t wrong = 0;
  for (const auto &h : c.hits)
    wrong += h.load() != 1;
  return wrong;
}

// Restores the default pool size after a test changes it.
struct ThreadsGuard {
  ~ThreadsGuard() { dlc_set_num_threads(0); }
};

} // namespace

TEST_CASE("every index is covered exactly once", "[parallel_for]") {
  ThreadsGuard guard;
  for (int threads : {1, 2, 3, 4, 8, 16}) {
    dlc_set_num_threads(threads);
    REQUIRE(dlc_get_num_threads() == threads);
    for (int64_t n : {1, 2, 3, 5, 7, 16, 64, 1000, 100003}) {
      INFO("threads=" << threads << " n=" << n);
      Coverage c(n);
      dlc_parallel_for(n, mark, &c);
      CHECK(c.bad_ranges == 0);
      CHECK(count_not_once(c) == 0);
    }
  }
}

TEST_CASE("n <= 0 calls nothing", "[parallel_for]") {
  Coverage c(1);
  dlc_parallel_for(0, mark, &c);
  dlc_parallel_for(-5, mark, &c);
  CHECK(c.hits[0] == 0);
  CHECK(c.bad_ranges == 0);
}

TEST_CASE("work is spread over several threads", "[parallel_for]") {
  ThreadsGuard guard;
  dlc_set_num_threads(4);
  struct Ctx {
    std::mutex m;
    std::set<std::thread::id> ids;
  } ctx;
  dlc_parallel_for(
      4,
      [](int64_t, int64_t, void *p) {
        auto *c = static_cast<Ctx *>(p);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::lock_guard<std::mutex> lock(c->m);
        c->ids.insert(std::this_thread::get_id());
      },
      &ctx);
  CHECK(ctx.ids.size() > 1);
}

TEST_CASE("a nested call runs on the calling thread and still covers its range", "[parallel_for]") {
  ThreadsGuard guard;
  dlc_set_num_threads(3);
  struct Outer {
    std::deque<Coverage> inner;
    Outer() {
      for (int i = 0; i < 6; ++i)
        inner.emplace_back(100);
    }
  } outer;
  dlc_parallel_for(
      6,
      [](int64_t b, int64_t e, void *p) {
        auto *o = static_cast<Outer *>(p);
        for (int64_t i = b; i < e; ++i)
          dlc_parallel_for(100, mark, &o->inner[static_cast<size_t>(i)]);
      },
      &outer);
  for (const Coverage &c : outer.inner) {
    CHECK(c.bad_ranges == 0);
    CHECK(count_not_once(c) == 0);
  }
}

TEST_CASE("concurrent callers each get their own complete loop", "[parallel_for]") {
  ThreadsGuard guard;
  dlc_set_num_threads(4);
  std::deque<Coverage> covs;
  for (int i = 0; i < 4; ++i)
    covs.emplace_back(5000);
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i)
    callers.emplace_back([&covs, i] {
      for (int rep = 0; rep < 20; ++rep) {
        Coverage c(5000);
        dlc_parallel_for(5000, mark, &c);
        if (count_not_once(c) != 0 || c.bad_ranges != 0)
          covs[static_cast<size_t>(i)].bad_ranges++;
      }
      dlc_parallel_for(5000, mark, &covs[static_cast<size_t>(i)]);
    });
  for (auto &t : callers)
    t.join();
  for (const Coverage &c : covs) {
    CHECK(c.bad_ranges == 0);
    CHECK(count_not_once(c) == 0);
  }
}

TEST_CASE("a non-positive thread count selects the machine's cores", "[parallel_for]") {
  ThreadsGuard guard;
  dlc_set_num_threads(0);
  unsigned hc = std::thread::hardware_concurrency();
  CHECK(dlc_get_num_threads() == static_cast<int32_t>(hc ? hc : 1));
  dlc_set_num_threads(-3);
  CHECK(dlc_get_num_threads() == static_cast<int32_t>(hc ? hc : 1));
}
