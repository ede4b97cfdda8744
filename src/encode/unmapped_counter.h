#pragma once
/// \file UnmappedCounter: what an encoder could not map (characters, phonemes), counted across
/// items and threads and summarised once at the end of a run (Encoder::unmapped_summary).

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace mpibatch::encode {

class UnmappedCounter {
 public:
  /// Adds `counts` (code point -> occurrences); thread-safe.
  void add(const std::map<char32_t, std::size_t>& counts);
  /// "" when nothing was counted, else "<total> <what> (<fate>): U+00E9 'é' 3 ..." with the ten
  /// most frequent, most frequent first.
  std::string summary(const std::string& what, const std::string& fate) const;

 private:
  mutable std::mutex mutex_;
  std::map<char32_t, std::size_t> counts_;
};

}  // namespace mpibatch::encode
