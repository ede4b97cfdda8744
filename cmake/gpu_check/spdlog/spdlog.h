#pragma once
// GPU-check builds only (MPIBATCH_GPU_CHECK, docs/gpu.md): the few spdlog calls of device/ and
// model/ ("{}" placeholders), printed to stderr without fmt. A CUDA libtorch from pip ships
// its own, newer fmt headers, which Debian's spdlog 1.10 cannot compile against.

#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace spdlog {
namespace detail {

inline void append(std::ostringstream& out, std::string_view& format) {
  out << format;
  format = {};
}

template <class First, class... Rest>
void append(std::ostringstream& out, std::string_view& format, First&& first, Rest&&... rest) {
  const auto slot = format.find("{}");
  if (slot == std::string_view::npos) return append(out, format);
  out << format.substr(0, slot) << first;
  format.remove_prefix(slot + 2);
  append(out, format, std::forward<Rest>(rest)...);
}

template <class... Args>
void line(const char* level, std::string_view format, Args&&... args) {
  std::ostringstream out;
  append(out, format, std::forward<Args>(args)...);
  std::fprintf(stderr, "[%s] %s\n", level, out.str().c_str());
}

}  // namespace detail

template <class... Args>
void debug(std::string_view, Args&&...) {}
template <class... Args>
void info(std::string_view format, Args&&... args) {
  detail::line("info", format, std::forward<Args>(args)...);
}
template <class... Args>
void warn(std::string_view format, Args&&... args) {
  detail::line("warning", format, std::forward<Args>(args)...);
}
template <class... Args>
void error(std::string_view format, Args&&... args) {
  detail::line("error", format, std::forward<Args>(args)...);
}

}  // namespace spdlog
