#include "mpibatch/model/oom_backoff_runner.h"

#include <c10/util/Exception.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "error_text.h"
#include "mpibatch/error.h"

namespace mpibatch::model {

OomBackoffRunner::OomBackoffRunner(ModelRunner& inner, std::size_t batch_size)
    : inner_(inner), limit_(std::max<std::size_t>(batch_size, 1)) {}

std::vector<ItemOutput> OomBackoffRunner::run(const std::vector<const TokenIds*>& batch) {
  std::vector<ItemOutput> outputs;
  outputs.reserve(batch.size());
  std::size_t begin = 0;
  while (begin < batch.size()) {  // NOTE [oom back-off]
    const std::size_t size = std::min(limit_, batch.size() - begin);
    const std::vector<const TokenIds*> piece(
        batch.begin() + static_cast<std::ptrdiff_t>(begin),
        batch.begin() + static_cast<std::ptrdiff_t>(begin + size));
    try {
      for (ItemOutput& output : inner_.run(piece)) outputs.push_back(std::move(output));
      begin += size;
    } catch (const c10::OutOfMemoryError& e) {
      ++ooms_;
      inner_.release_memory();
      if (size == 1) {
        throw ModelError("out of memory on one item of " + std::to_string(piece[0]->size()) +
                         " tokens, even alone (" + detail::summarize_torch_error(e.what()) +
                         "); lower input.max_chars to split long sentences, or use a device with "
                         "more memory");
      }
      limit_ = size / 2;
      spdlog::warn("{}: out of memory on a batch of {}; batches of at most {} from now on",
                   inner_.describe(), size, limit_);
    }
  }
  return outputs;
}

}  // namespace mpibatch::model
