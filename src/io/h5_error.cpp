#include "h5_error.h"

#include <hdf5.h>

#include <vector>

#include "mpibatch/error.h"

namespace mpibatch::io::h5 {
namespace {

herr_t collect_description(unsigned /*n*/, const H5E_error2_t* error, void* data) {
  auto* lines = static_cast<std::vector<std::string>*>(data);
  if (error->desc != nullptr && error->desc[0] != '\0') {
    std::string line = error->desc;
    // The stack repeats a cause at every level it passes through: keep each once.
    bool seen = false;
    for (const auto& previous : *lines) seen = seen || previous == line;
    if (!seen) lines->push_back(std::move(line));
  }
  return 0;
}

}  // namespace

void silence_error_printing() {
  thread_local bool silenced = false;
  if (silenced) return;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

std::string take_error_stack() {
  std::vector<std::string> lines;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &lines);
  H5Eclear2(H5E_DEFAULT);
  // The outermost description says what failed, the innermost ones why; the levels between
  // ("can't insert link; internal path traversal failed; ...") only add noise.
  if (lines.size() > 3) lines.erase(lines.begin() + 1, lines.end() - 2);
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "; ") + line;
  return out;
}

void throw_h5_error(const std::string& context) {
  const std::string stack = take_error_stack();
  throw IoError(stack.empty() ? context : context + ": " + stack);
}

}  // namespace mpibatch::io::h5
