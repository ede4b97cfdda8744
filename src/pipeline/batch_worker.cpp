#include "batch_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <thread>

#include "mpibatch/error.h"

namespace mpibatch::pipeline {

using timing::Phase;

BatchWorker::BatchWorker(RankContext& ctx, const PipelineOptions& options, double epoch)
    : ctx_(ctx),
      batch_size_(std::max(options.batch_size, 1) * std::max(options.streams, 1)),
      release_memory_(options.release_memory),
      attempt_(options.attempt),
      max_failures_in_a_row_(options.max_consecutive_failures),
      simulated_speed_(options.simulated_speed > 0 ? options.simulated_speed : 1.0),
      epoch_(epoch),
      fault_(fault_from_environment()) {}

std::vector<std::vector<const work::WorkItem*>> BatchWorker::batches(
    const std::vector<const work::WorkItem*>& items) const {
  std::vector<std::vector<const work::WorkItem*>> out;
  const auto size = static_cast<std::size_t>(batch_size_);
  for (std::size_t begin = 0; begin < items.size(); begin += size) {
    out.emplace_back(
        items.begin() + static_cast<std::ptrdiff_t>(begin),
        items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), begin + size)));
  }
  return out;
}

std::vector<ItemResult> BatchWorker::run_batch(const std::vector<const work::WorkItem*>& batch) {
  if (fault_ && fault_->rank == ctx_.comm.rank() && fault_->batch == batch_number_) {
    fault_->inject();
  }
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
    model::TokenIds ids;
    try {  // e.g. no espeak-ng voice for this item's language: this item fails, not the job
      ids = ctx_.encoder.encode(item.text, item.language);
    } catch (const Error& e) {
      rec.encode_s = clock.now() - t0;
      rec.status = io::ItemStatus::kFailed;
      rec.error = "the " + ctx_.encoder.name() + " encoder failed: " + e.what();
      continue;
    }
    rec.encode_s = clock.now() - t0;
    rec.tokens = static_cast<std::uint32_t>(ids.size());
    if (ids.empty()) continue;  // nothing to say ("—" for phonemes): ok, with 0 output rows
    runnable.push_back(&results[k]);
    runnable_ids.push_back(std::move(ids));
  }

  // Compute, unless the model has failed too often in a row on this rank.
  ctx_.timer.enter(Phase::kCompute);
  if (release_memory_ && last_chapter_ && !batch.empty() &&
      *last_chapter_ != batch.front()->chapter) {
    ctx_.runner.release_memory();
  }
  if (!batch.empty()) last_chapter_ = batch.front()->chapter;
  if (stopped()) {
    for (ItemResult* r : runnable) skip(r->record);
  } else if (!runnable.empty()) {
    forward(runnable, runnable_ids);
  }

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
  const double tokens = std::accumulate(ids.begin(), ids.end(), 0.0,
                                        [](double s, const auto& v) { return s + v.size(); });
  // Each item's share of a call's time by tokens, also of a call that failed.
  auto charge = [&](double seconds) {
    for (std::size_t k = 0; k < results.size(); ++k) {
      results[k]->record.compute_s += seconds * static_cast<double>(ids[k].size()) / tokens;
    }
  };
  const double t0 = clock.now();
  try {
    std::vector<model::ItemOutput> outputs = ctx_.runner.run(inputs);
    if (simulated_speed_ < 1.0) {  // runtime.simulate_speed: as if the device were slower
      const double real = clock.now() - t0;
      std::this_thread::sleep_for(std::chrono::duration<double>(real / simulated_speed_ - real));
    }
    charge(clock.now() - t0);
    for (std::size_t k = 0; k < results.size(); ++k) {
      results[k]->output = std::move(outputs[k]);
      results[k]->record.output_length = results[k]->output.length;
    }
    failures_in_a_row_ = 0;
  } catch (const ModelError& e) {
    charge(clock.now() - t0);
    if (results.size() == 1) {
      io::ItemRecord& rec = results[0]->record;
      rec.status = io::ItemStatus::kFailed;
      rec.error = e.what();
      last_error_ = e.what();
      ++failures_in_a_row_;
      spdlog::warn("item {} (chapter {}, #{}) failed: {}", rec.id, rec.chapter, rec.index,
                   e.what());
      return;
    }
    // NOTE [batch retry]: one bad item must not fail its batch-mates; retry one by one.
    spdlog::info("batch {} failed ({}); retrying its {} items one by one", batch_number_, e.what(),
                 results.size());
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (stopped()) {
        skip(results[k]->record);
        continue;
      }
      std::vector<ItemResult*> single = {results[k]};
      forward(single, {ids[k]});
    }
  }
}

std::vector<ItemResult> BatchWorker::skip_batch(const std::vector<const work::WorkItem*>& batch,
                                                const std::string& reason) const {
  const double now = ctx_.timer.clock().now() - epoch_;
  std::vector<ItemResult> results(batch.size());
  for (std::size_t k = 0; k < batch.size(); ++k) {
    io::ItemRecord& rec = results[k].record;
    rec.id = batch[k]->id;
    rec.chapter = batch[k]->chapter;
    rec.index = batch[k]->index;
    rec.rank = ctx_.comm.rank();
    rec.attempt = attempt_;
    rec.chars = batch[k]->chars;
    rec.status = io::ItemStatus::kSkipped;
    rec.error = reason;
    rec.start = rec.end = now;
  }
  return results;
}

bool BatchWorker::stopped() const {
  return max_failures_in_a_row_ > 0 && failures_in_a_row_ >= max_failures_in_a_row_;
}

void BatchWorker::skip(io::ItemRecord& record) {
  if (!announced_stop_) {
    announced_stop_ = true;
    spdlog::warn(
        "rank {}: the model failed on {} items in a row (last: {}); skipping this rank's "
        "remaining items (runtime.max_consecutive_failures); fix the model and run with --resume",
        ctx_.comm.rank(), failures_in_a_row_, last_error_);
  }
  record.status = io::ItemStatus::kSkipped;
  record.error = "not run: the model failed on " + std::to_string(failures_in_a_row_) +
                 " items in a row on rank " + std::to_string(ctx_.comm.rank()) +
                 " (last error: " + last_error_ + ")";
}

}  // namespace mpibatch::pipeline
