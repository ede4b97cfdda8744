#include "batch_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "mpibatch/error.h"

namespace mpibatch::pipeline {

using timing::Phase;

BatchWorker::BatchWorker(RankContext& ctx, const PipelineOptions& options, double epoch)
    : ctx_(ctx),
      batch_size_(std::max(options.batch_size, 1)),
      attempt_(options.attempt),
      epoch_(epoch) {}

void BatchWorker::run(const std::vector<work::WorkItem>& items, const Deliver& deliver,
                      const std::function<void()>& between) {
  for (std::size_t begin = 0; begin < items.size();
       begin += static_cast<std::size_t>(batch_size_)) {
    between();
    const std::size_t end = std::min(items.size(), begin + static_cast<std::size_t>(batch_size_));
    std::vector<const work::WorkItem*> batch;
    for (std::size_t i = begin; i < end; ++i) batch.push_back(&items[i]);
    deliver(run_batch(batch));
  }
}

std::vector<ItemResult> BatchWorker::run_batch(const std::vector<const work::WorkItem*>& batch) {
  const timing::Clock& clock = ctx_.timer.clock();
  const double start = clock.now() - epoch_;
  if (first_start_ < 0) first_start_ = start;

  // Encode.
  std::vector<ItemResult> results(batch.size());
  std::vector<ItemResult*> runnable;
  std::vector<model::TokenIds> runnable_ids;
  ctx_.timer.enter(Phase::kEncode);
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const work::WorkItem& item = *batch[k];
    io::ItemRecord& rec = results[k].record;
    rec.id = item.id;
    rec.chapter = item.chapter;
    rec.index = item.index;
    rec.rank = ctx_.comm.rank();
    rec.batch = batch_number_;
    rec.attempt = attempt_;
    rec.chars = item.chars;
    const double t0 = clock.now();
    model::TokenIds ids = ctx_.encoder.encode(item.text);
    rec.encode_s = clock.now() - t0;
    rec.tokens = static_cast<std::uint32_t>(ids.size());
    if (ids.empty()) {
      rec.status = io::ItemStatus::kSkipped;
      rec.error = "the " + ctx_.encoder.name() + " encoder produced no tokens for this text";
      continue;
    }
    runnable.push_back(&results[k]);
    runnable_ids.push_back(std::move(ids));
  }

  // Compute.
  ctx_.timer.enter(Phase::kCompute);
  if (!runnable.empty()) forward(runnable, runnable_ids);

  const double end = clock.now() - epoch_;
  for (ItemResult& r : results) {
    r.record.start = start;
    r.record.end = end;
    if (r.record.status == io::ItemStatus::kFailed) ++failed_;
  }
  last_end_ = end;
  done_ += results.size();
  ++batch_number_;
  return results;
}

void BatchWorker::forward(std::vector<ItemResult*>& results,
                          const std::vector<model::TokenIds>& ids) {
  const timing::Clock& clock = ctx_.timer.clock();
  std::vector<const model::TokenIds*> inputs;
  inputs.reserve(ids.size());
  for (const auto& v : ids) inputs.push_back(&v);
  const double t0 = clock.now();
  try {
    std::vector<model::ItemOutput> outputs = ctx_.runner.run(inputs);
    const double seconds = clock.now() - t0;
    const double tokens = std::accumulate(ids.begin(), ids.end(), 0.0,
                                          [](double s, const auto& v) { return s + v.size(); });
    for (std::size_t k = 0; k < results.size(); ++k) {
      results[k]->output = std::move(outputs[k]);
      results[k]->record.output_length = results[k]->output.length;
      results[k]->record.compute_s = seconds * static_cast<double>(ids[k].size()) / tokens;
    }
  } catch (const ModelError& e) {
    if (results.size() == 1) {
      results[0]->record.status = io::ItemStatus::kFailed;
      results[0]->record.error = e.what();
      results[0]->record.compute_s = clock.now() - t0;
      spdlog::warn("item {} (chapter {}, #{}) failed: {}", results[0]->record.id,
                   results[0]->record.chapter, results[0]->record.index, e.what());
      return;
    }
    // NOTE [batch retry]: one bad item must not fail its batch-mates; retry one by one.
    spdlog::info("batch {} failed ({}); retrying its {} items one by one", batch_number_, e.what(),
                 results.size());
    for (std::size_t k = 0; k < results.size(); ++k) {
      std::vector<ItemResult*> single = {results[k]};
      forward(single, {ids[k]});
    }
  }
}

}  // namespace mpibatch::pipeline
