#include "support/fake_model_runner.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "mpibatch/error.h"

namespace mpibatch::testing {

model::TokenIds byte_ids(const std::string& text) {
  model::TokenIds ids;
  for (unsigned char c : text) ids.push_back(c);
  return ids;
}

model::ItemOutput FakeModelRunner::expected(const model::TokenIds& ids) const {
  model::ItemOutput out;
  out.length = static_cast<std::int64_t>(ids.size()) * rows_per_token;
  out.feature_shape = features;
  std::int64_t width = 1;
  for (auto f : features) width *= f;
  for (std::int64_t r = 0; r < out.length; ++r) {
    for (std::int64_t f = 0; f < width; ++f) {
      out.values.push_back(static_cast<float>(ids.front() + r + 1000 * f));
    }
  }
  return out;
}

std::vector<model::ItemOutput> FakeModelRunner::run(
    const std::vector<const model::TokenIds*>& batch) {
  std::size_t batch_number = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch_number = batch_sizes_.size();
    batch_sizes_.push_back(batch.size());
  }
  if (static_cast<int>(batch_number) == crash_on_batch) throw std::runtime_error("fake crash");
  if (seconds_per_item > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds_per_item * batch.size()));
  }
  const model::TokenIds needle = byte_ids(fail_on_text);
  std::vector<model::ItemOutput> outputs;
  for (const model::TokenIds* ids : batch) {
    if (!needle.empty() &&
        std::search(ids->begin(), ids->end(), needle.begin(), needle.end()) != ids->end()) {
      throw ModelError("fake model refuses '" + fail_on_text + "'");
    }
    outputs.push_back(expected(*ids));
  }
  return outputs;
}

std::vector<std::size_t> FakeModelRunner::batch_sizes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return batch_sizes_;
}

void FakeModelRunner::release_memory() {
  std::lock_guard<std::mutex> lock(mutex_);
  releases_.push_back(batch_sizes_.size());
}

std::vector<std::size_t> FakeModelRunner::releases() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return releases_;
}

}  // namespace mpibatch::testing
