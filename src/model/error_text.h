#pragma once
/// \file One-line summaries of torch error messages, for ModelError texts (no torch here).

#include <string>
#include <string_view>

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

}  // namespace mpibatch::model::detail
