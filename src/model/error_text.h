#pragma once
/// \file One-line summaries of torch error messages, for ModelError texts (no torch here).

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace mpibatch::model::detail {

/// The line of a torch/TorchScript error that says what went wrong, trimmed:
/// - TorchScript interpreter errors ("The following operation failed in the TorchScript
///   interpreter. Traceback ... RuntimeError: x") give their last line ("RuntimeError: x";
///   "builtins.ValueError: x" becomes "ValueError: x");
/// - anything else gives its first non-empty line (c10::Error backtraces follow it).
/// Never empty: "unknown error" when `what` has no text.
std::string summarize_torch_error(std::string_view what);

/// True when a torch error message reports an allocation failure on any device ("CUDA out of
/// memory", "CUDA error: out of memory", "CUBLAS_STATUS_ALLOC_FAILED", the CPU allocator's
/// "can't allocate memory").
bool says_out_of_memory(std::string_view what);

/// True for a c10::OutOfMemoryError and for any error whose summarized line
/// says_out_of_memory (NOTE [oom through the interpreter]); false for a null pointer.
bool is_out_of_memory(const std::exception& error);
bool is_out_of_memory(const std::exception_ptr& error);

/// Part `k` of `n` items cut into `parts` contiguous parts whose sizes differ by at most one,
/// the larger first: [begin, end).
std::pair<std::size_t, std::size_t> even_part(std::size_t n, std::size_t parts, std::size_t k);

}  // namespace mpibatch::model::detail
