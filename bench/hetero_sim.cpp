// Scheduling policies on simulated mixed clusters (the simulator half of bench/hetero; the
// mpirun half needs runtime.simulate_speed, issue 4). Prints, per scenario, makespan / lower
// bound for each policy, dynamic with the slow ranks / static without them (target <= 1.0:
// adding a rank never hurts), the ranks' busy shares, and how long the simulation took.
// Ratios only, no pass/fail. Usage: bench_hetero_sim [BOOK_FOLDER]  (default jobs/books/lighthouse)

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
#include "mpibatch/work/text_splitter.h"

namespace ms = mpibatch::sched;

namespace {

std::vector<double> book_costs(const std::string& folder) {
  const auto book = mpibatch::io::read_book(folder, {});
  std::vector<double> costs;
  for (const auto& item : mpibatch::work::split_book(book, {})) costs.push_back(item.chars);
  return costs;
}

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

/// Runs static and dynamic on `speeds`, and static on the ranks at least `fast` fast.
/// Speeds are relative to one CPU core running the demo model, about 13,000 chars/s
/// (docs/model-contract.md), so that request latency weighs as in a real run.
void scenario(const char* name, const std::vector<double>& costs, std::vector<double> speeds,
              double fast, double latency_s) {
  constexpr double kCoreCharsPerSecond = 13000.0;
  std::vector<double> fast_only;
  for (double& s : speeds) {
    if (s >= fast) fast_only.push_back(s * kCoreCharsPerSecond);
    s *= kCoreCharsPerSecond;
  }
  const auto t0 = std::chrono::steady_clock::now();
  ms::DynamicPolicy dynamic;
  const auto d = ms::simulate(dynamic, costs, speeds, {latency_s});
  const double simulated_s = seconds_since(t0);
  ms::StaticPolicy equal;
  const auto s = ms::simulate(equal, costs, speeds, {latency_s});
  ms::StaticPolicy equal_fast;
  const auto f = ms::simulate(equal_fast, costs, fast_only, {latency_s});
  double min_share = 1.0;
  for (double busy : d.busy_s) min_share = std::min(min_share, busy / d.makespan);
  std::printf("%-34s %8zu %6zu | %7.3f %7.3f | %8.3f | %5.2f | %6.2f s (%zu chunks)\n", name,
              costs.size(), speeds.size(), s.ratio(), d.ratio(), d.makespan / f.makespan, min_share,
              simulated_s, d.chunks);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string folder = argc > 1 ? argv[1] : "jobs/books/lighthouse";
  const auto book = book_costs(folder);
  const double latency = 0.002;  // a round trip to rank 0 between chunks
  std::printf(
      "item costs: %s (%zu sentences) and log-normal sentence lengths; %.0f ms per request\n",
      folder.c_str(), book.size(), latency * 1e3);
  std::printf(
      "columns: makespan / lower bound for static and dynamic on all ranks; dynamic on all\n"
      "ranks / static on the fast ranks alone (<= 1: adding the slow ranks did not hurt);\n"
      "the lowest busy share of any rank under dynamic; time to simulate dynamic\n\n");
  std::printf("%-34s %8s %6s | %7s %7s | %8s | %5s | %s\n", "scenario", "items", "ranks", "static",
              "dynamic", "dyn/fast", "busy", "simulated in");
  scenario("2 fast + 1 20x slower (book)", book, {1, 1, 0.05}, 1, latency);
  scenario("2 fast + 1 20x slower (lognormal)", lognormal_costs(20000, 1), {1, 1, 0.05}, 1,
           latency);
  scenario("{1, 1, 3, 10, 30}", lognormal_costs(20000, 2), {1, 1, 3, 10, 30}, 3, latency);
  std::vector<double> cluster64(64, 20.0);
  std::fill(cluster64.begin(), cluster64.begin() + 16, 1.0);  // 25% CPU ranks, 20x slower
  scenario("64 ranks, 25% CPU (20x slower)", lognormal_costs(200000, 3), cluster64, 20, latency);
  std::vector<double> big(4096, 20.0);
  std::fill(big.begin(), big.begin() + 1024, 1.0);
  scenario("4096 ranks, 25% CPU, 1M items", lognormal_costs(1000000, 4), big, 20, latency);
  return 0;
}
