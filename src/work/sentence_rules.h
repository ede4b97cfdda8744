#pragma once
/// \file Sentence spans of a paragraph: ICU's boundaries with the fixes of NOTE [sentence rules].

#include <string_view>
#include <vector>

namespace mpibatch::work::detail {

/// Sentences of `paragraph` in `language` (BCP 47), trimmed of white space, empty ones
/// dropped, in order; views into `paragraph`. Thread-safe.
std::vector<std::string_view> sentence_spans(std::string_view paragraph, std::string_view language);

}  // namespace mpibatch::work::detail
