#pragma once
/// \file "Did you mean" suggestions for misspelt keys and values, and list formatting.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpibatch::config::detail {

/// Optimal-string-alignment distance between `a` and `b` (insertions, deletions,
/// substitutions and adjacent transpositions each cost 1), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a plausible typo (distance
/// at most max(1, word.size() / 3)); ties go to the earlier candidate. Exact matches count.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" for the closest candidate, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// The items separated by `separator`: join({"a", "b"}) == "a, b".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace mpibatch::config::detail
