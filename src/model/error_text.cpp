/// \file summarize_torch_error, out-of-memory recognition, even_part.

#include "error_text.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace mpibatch::model::detail {
namespace {

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

std::vector<std::string> non_empty_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = trim(text.substr(start, end - start));
    if (!line.empty()) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string summarize_torch_error(std::string_view what) {
  const auto lines = non_empty_lines(what);
  if (lines.empty()) return "unknown error";
  std::string line = lines.front();
  if (line.find("The following operation failed in the TorchScript interpreter") !=
      std::string::npos) {
    line = lines.back();
    const std::string builtins = "builtins.";
    if (line.compare(0, builtins.size(), builtins) == 0) line.erase(0, builtins.size());
  }
  return line;
}

bool says_out_of_memory(std::string_view what) {
  for (std::string_view marker :
       {"out of memory", "CUBLAS_STATUS_ALLOC_FAILED", "can't allocate memory"}) {
    if (what.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

bool is_out_of_memory(const std::exception& error) {
  // The error's own line, not the whole text: a TorchScript traceback quotes model code, which
  // may mention memory.
  return dynamic_cast<const c10::OutOfMemoryError*>(&error) != nullptr ||
         says_out_of_memory(summarize_torch_error(error.what()));
}

bool is_out_of_memory(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return is_out_of_memory(e);
  } catch (...) {
    return false;
  }
}

std::pair<std::size_t, std::size_t> even_part(std::size_t n, std::size_t parts, std::size_t k) {
  const std::size_t base = n / parts;
  const std::size_t larger = n % parts;  // the first `larger` parts get one more
  const std::size_t begin = k * base + std::min(k, larger);
  return {begin, begin + base + (k < larger ? 1 : 0)};
}

}  // namespace mpibatch::model::detail
