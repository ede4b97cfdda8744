// Rank 0's capacity: how many chunk requests per second it serves when items cost nothing, so
// that only the scheduling protocol is left (request, grant, results, report per chunk; rank 0
// assembling results and writing chapters to HDF5 as in a real run). Run under mpirun with 2
// or more ranks. The dynamic policy is set to one item per chunk, the worst case (the end of
// a guided schedule); a second run with the default dynamic policy shows how few requests a
// guided schedule makes. Prints figures, no pass/fail; see docs/benchmarks.md.
// Usage: mpirun -n 2 bench_rank0_capacity [ITEMS]   (default 200000)

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/comm/mpi_environment.h"
#include "mpibatch/encode/encoder.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/pipeline/pipeline.h"
#include "mpibatch/sched/dynamic_policy.h"
#include "mpibatch/timing/clock.h"

namespace mb = mpibatch;

namespace {

/// A model that costs nothing: one output row per item.
class ZeroCostRunner final : public mb::model::ModelRunner {
 public:
  std::vector<mb::model::ItemOutput> run(
      const std::vector<const mb::model::TokenIds*>& batch) override {
    std::vector<mb::model::ItemOutput> outputs(batch.size());
    for (auto& output : outputs) {
      output.values = {0.0f};
      output.length = 1;
    }
    return outputs;
  }
  std::string describe() const override { return "zero-cost model"; }
};

/// A policy that counts next() calls that returned work, per rank.
class Counting final : public mb::sched::Policy {
 public:
  Counting(std::unique_ptr<mb::sched::Policy> inner, std::vector<std::size_t>& chunks)
      : inner_(std::move(inner)), chunks_(chunks) {}
  std::string name() const override { return inner_->name(); }
  bool is_static() const override { return inner_->is_static(); }
  void start(const std::vector<double>& costs, int ranks) override {
    chunks_.assign(static_cast<std::size_t>(ranks), 0);
    inner_->start(costs, ranks);
  }
  std::vector<mb::sched::ItemIndex> next(int rank, double now) override {
    auto chunk = inner_->next(rank, now);
    if (!chunk.empty()) ++chunks_[static_cast<std::size_t>(rank)];
    return chunk;
  }
  void finished(int rank, const std::vector<mb::sched::ItemIndex>& items, double s) override {
    inner_->finished(rank, items, s);
  }
  void leave(int rank) override { inner_->leave(rank); }

 private:
  std::unique_ptr<mb::sched::Policy> inner_;
  std::vector<std::size_t>& chunks_;
};

/// `items` items of 2 chars in chapters of 1,000.
mb::pipeline::WorkPlan tiny_plan(std::size_t items) {
  mb::pipeline::WorkPlan plan;
  constexpr std::uint32_t kPerChapter = 1000;
  for (std::size_t first = 0; first < items; first += kPerChapter) {
    mb::io::ChapterRecord chapter;
    chapter.index = static_cast<std::uint32_t>(plan.chapters.size());
    chapter.title = "c" + std::to_string(chapter.index);
    chapter.first_item = first;
    chapter.items = static_cast<std::uint32_t>(std::min<std::size_t>(kPerChapter, items - first));
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      mb::work::WorkItem item;
      item.id = plan.items.size();
      item.chapter = chapter.index;
      item.index = k;
      item.text = "x.";
      item.chars = 2;
      plan.items.push_back(item);
    }
    plan.chapters.push_back(chapter);
  }
  return plan;
}

struct Figures {
  double seconds = 0.0;
  std::vector<std::size_t> chunks;  ///< per rank
  std::uint64_t root_items = 0;
};

Figures run_once(mb::comm::Communicator& comm, const mb::pipeline::WorkPlan& plan,
                 const mb::sched::DynamicOptions& dynamic, const std::string& path) {
  ZeroCostRunner runner;
  const auto encoder = mb::encode::make_encoder("bytes");
  mb::timing::SteadyClock clock;
  mb::timing::PhaseTimer timer(clock);
  mb::pipeline::RankContext ctx{comm, runner, *encoder, timer};
  mb::pipeline::PipelineOptions options;
  options.batch_size = 1;
  options.progress_interval_s = 1e9;
  Figures figures;
  options.make_policy = [&] {
    return std::make_unique<Counting>(std::make_unique<mb::sched::DynamicPolicy>(dynamic),
                                      figures.chunks);
  };
  const bool root = comm.rank() == 0;
  std::unique_ptr<mb::io::H5ResultWriter> writer;
  if (root) writer = std::make_unique<mb::io::H5ResultWriter>(path, mb::io::H5WriterOptions{});
  comm.barrier();
  const auto t0 = std::chrono::steady_clock::now();
  const auto result = mb::pipeline::run_pipeline(ctx, root ? plan : mb::pipeline::WorkPlan{},
                                                 writer.get(), options, {});
  figures.root_items = result.self.items;
  figures.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return figures;  // the writer discards its file
}

}  // namespace

int main(int argc, char** argv) {
  mb::comm::MpiEnvironment environment(&argc, &argv);
  mb::comm::MpiCommunicator world(environment);
  const std::size_t items = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  const bool root = world.rank() == 0;
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("rank0-capacity-" + std::to_string(::getpid()) + ".h5"))
                               .string();
  const auto plan = root ? tiny_plan(items) : mb::pipeline::WorkPlan{};

  mb::sched::DynamicOptions one_item;
  one_item.chunk_divisor = 1e12;  // every chunk is one item
  one_item.growth = 1e-12;
  const Figures worst = run_once(world, plan, one_item, path);
  const Figures guided = run_once(world, plan, {}, path);
  if (!root) return 0;

  auto report = [&](const char* name, const Figures& f) {
    std::size_t worker_chunks = 0;
    for (std::size_t r = 1; r < f.chunks.size(); ++r) worker_chunks += f.chunks[r];
    std::printf("%-28s %9zu %9llu %9zu %9zu %8.3f %12.0f %12.0f\n", name, items,
                static_cast<unsigned long long>(f.root_items), f.chunks[0], worker_chunks,
                f.seconds, static_cast<double>(worker_chunks) / f.seconds,
                static_cast<double>(items) / f.seconds);
    return static_cast<double>(worker_chunks) / f.seconds;
  };
  std::printf("%d ranks, zero-cost items, batch_size 1, results written to HDF5 by rank 0\n\n",
              world.size());
  std::printf("%-28s %9s %9s %9s %9s %8s %12s %12s\n", "policy", "items", "r0 items", "r0 chunks",
              "w chunks", "wall s", "w requests/s", "items/s");
  const double capacity = report("dynamic, 1 item per chunk", worst);
  report("dynamic (default)", guided);
  std::printf("\nWith one-item chunks rank 0 keeps at most (requests/s x item time) ranks busy:\n");
  for (double t : {0.001, 0.01, 0.1, 1.0}) {
    std::printf("  item time %6.3f s -> %10.0f ranks\n", t, capacity * t);
  }
  return 0;
}
