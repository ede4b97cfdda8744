// Scheduling policies on simulated mixed clusters: the simulator half of bench/hetero (the
// mpirun half is bench/hetero, a script). sched::simulate runs the same policy code as a real
// run on a virtual clock. Prints, per scenario: makespan / lower bound for static, weighted and
// dynamic; dynamic with the slow ranks / static and / dynamic on the fast ranks alone (<= 1:
// adding the slow ranks did not hurt); dynamic / static on all ranks (equal split); the ranks'
// busy shares;
// requests rank 0 served; and how long the dynamic simulation took. Ratios only, no pass/fail.
// Usage: bench_hetero_sim [BOOK_FOLDER]  (default jobs/books/lighthouse)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "mpibatch/io/book_reader.h"
#include "mpibatch/sched/dynamic_policy.h"
#include "mpibatch/sched/simulator.h"
#include "mpibatch/sched/static_policy.h"
#include "mpibatch/sched/weighted_policy.h"
#include "mpibatch/work/text_splitter.h"

namespace ms = mpibatch::sched;

namespace {

/// Round trip of a request to rank 0 and rank 0's time per message (docs/benchmarks.md: the
/// round trip is at most rank 0's poll interval while it computes, 0.2 ms, plus the network;
/// bench_rank0_capacity measured about 6 us per message on one node, as the pipeline assumes).
constexpr double kLatency_s = 0.5e-3;
constexpr double kService_s = 6e-6;

std::vector<double> book_costs(const std::string& folder) {
  const auto book = mpibatch::io::read_book(folder, {});
  std::vector<double> costs;
  for (const auto& item : mpibatch::work::split_book(book, {})) costs.push_back(item.chars);
  return costs;
}

/// Sentence lengths: log-normal, 20 to 600 chars, mean ~85.
std::vector<double> lognormal_costs(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> length(4.3, 0.6);
  std::vector<double> costs(n);
  for (double& c : costs) c = std::clamp(std::round(length(rng)), 20.0, 600.0);
  return costs;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// `relative` speeds times `chars_per_s` (the speed of a rank of relative speed 1).
std::vector<double> scaled(std::vector<double> relative, double chars_per_s) {
  for (double& s : relative) s *= chars_per_s;
  return relative;
}

/// Busy shares as "min/mean" or, for up to 5 ranks, each rank's.
std::string busy_shares(const ms::SimulationResult& r) {
  std::string text;
  char buf[32];
  if (r.busy_s.size() <= 5) {
    for (double busy : r.busy_s) {
      std::snprintf(buf, sizeof buf, "%s%.2f", text.empty() ? "" : " ", busy / r.makespan);
      text += buf;
    }
    return text;
  }
  double min = 1.0, sum = 0.0;
  for (double busy : r.busy_s) {
    min = std::min(min, busy / r.makespan);
    sum += busy / r.makespan;
  }
  std::snprintf(buf, sizeof buf, "min %.2f mean %.2f", min,
                sum / static_cast<double>(r.busy_s.size()));
  return buf;
}

/// Static, weighted and dynamic on `speeds`; static on the ranks at least `fast` fast.
void scenario(const char* name, const std::vector<double>& costs,
              const std::vector<double>& relative, double fast, double chars_per_s) {
  const std::vector<double> speeds = scaled(relative, chars_per_s);
  std::vector<double> fast_only;
  for (double s : relative) {
    if (s >= fast) fast_only.push_back(s * chars_per_s);
  }
  const ms::SimulationOptions options{kLatency_s, 0.0, true, kService_s};
  const auto t0 = std::chrono::steady_clock::now();
  ms::DynamicOptions dynamic_options;  // as the pipeline makes it
  dynamic_options.min_chunk_s = ms::min_chunk_for(static_cast<int>(speeds.size()), kService_s);
  ms::DynamicPolicy dynamic(dynamic_options);
  const auto d = ms::simulate(dynamic, costs, speeds, options);
  const double simulated_s = seconds_since(t0);
  ms::WeightedPolicy weighted;
  const auto w = ms::simulate(weighted, costs, speeds, options);
  ms::StaticPolicy equal;
  const auto s = ms::simulate(equal, costs, speeds, options);
  ms::StaticPolicy equal_fast;
  const auto f = ms::simulate(equal_fast, costs, fast_only, options);
  dynamic_options.min_chunk_s = ms::min_chunk_for(static_cast<int>(fast_only.size()), kService_s);
  ms::DynamicPolicy dynamic_fast(dynamic_options);
  const auto df = ms::simulate(dynamic_fast, costs, fast_only, options);
  std::printf(
      "%-32s %8zu %5zu %8.2f | %7.3f %7.3f %7.3f | %8.3f %8.3f %8.3f | %-24s | %7zu %6.2f\n", name,
      costs.size(), speeds.size(), d.lower_bound, s.ratio(), w.ratio(), d.ratio(),
      d.makespan / f.makespan, d.makespan / df.makespan, d.makespan / s.makespan,
      busy_shares(d).c_str(), d.requests, simulated_s);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string folder = argc > 1 ? argv[1] : "jobs/books/lighthouse";
  const auto book = book_costs(folder);
  // Relative speed 1 is one CPU core: the demo model's ~13,000 chars/s (docs/model-contract.md)
  // or a TTS model's ~170 chars/s (about 2 s of speech per second of one core).
  constexpr double kDemoModel = 13000.0;
  constexpr double kTtsModel = 170.0;
  std::printf(
      "item costs: %s (%zu sentences) or log-normal sentence lengths (20-600 chars);\n"
      "requests: %.1f ms round trip, rank 0 takes %.0f us per message\n\n",
      folder.c_str(), book.size(), kLatency_s * 1e3, kService_s * 1e6);
  std::printf("%-32s %8s %5s %8s | %7s %7s %7s | %8s %8s %8s | %-24s | %7s %6s\n", "scenario",
              "items", "ranks", "LB s", "static", "weightd", "dynamic", "dyn /", "dyn /", "dyn /",
              "busy shares (dynamic)", "reqs", "sim s");
  std::printf("%-32s %8s %5s %8s | %7s %7s %7s | %8s %8s %8s |\n", "", "", "", "", "/ LB", "/ LB",
              "/ LB", "sta fast", "dyn fast", "sta all");
  scenario("2 fast + 1 20x slower, book", book, {1, 1, 0.05}, 1, kDemoModel);
  scenario("2 fast + 1 20x slower, 20k", lognormal_costs(20000, 1), {1, 1, 0.05}, 1, kDemoModel);
  scenario("{1, 1, 3, 10, 30}", lognormal_costs(20000, 2), {1, 1, 3, 10, 30}, 10, kDemoModel);
  std::vector<double> cluster64(64, 20.0);
  std::fill(cluster64.begin(), cluster64.begin() + 16, 1.0);  // 25% CPU ranks, 20x slower
  scenario("64 ranks, 25% CPU (20x slower)", lognormal_costs(200000, 3), cluster64, 20, kDemoModel);
  scenario("64 ranks, 25% CPU, TTS speeds", lognormal_costs(200000, 3), cluster64, 20, kTtsModel);
  std::vector<double> big(4096, 20.0);
  std::fill(big.begin(), big.begin() + 1024, 1.0);
  scenario("4096 ranks, 25% CPU, 1M items", lognormal_costs(1000000, 4), big, 20, kTtsModel);
  return 0;
}
