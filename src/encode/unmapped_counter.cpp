#include "unmapped_counter.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "encoder_unicode.h"

namespace mpibatch::encode {

void UnmappedCounter::add(const std::map<char32_t, std::size_t>& counts) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [c, n] : counts) counts_[c] += n;
}

std::string UnmappedCounter::summary(const std::string& what, const std::string& fate) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (counts_.empty()) return {};
  std::vector<std::pair<std::size_t, char32_t>> by_count;
  std::size_t total = 0;
  for (const auto& [c, n] : counts_) {
    by_count.emplace_back(n, c);
    total += n;
  }
  std::sort(by_count.rbegin(), by_count.rend());
  std::string out = std::to_string(total) + " " + what + " (" + fate + "):";
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < by_count.size() && i < kShown; ++i) {
    out += " " + detail::describe_code_point(by_count[i].second) + " " +
           std::to_string(by_count[i].first);
  }
  if (by_count.size() > kShown) out += " ...";
  return out;
}

}  // namespace mpibatch::encode
