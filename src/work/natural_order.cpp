#include "mpibatch/work/natural_order.h"

#include <cctype>

namespace mpibatch::work {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// -1, 0, 1 comparing a and b naturally, ignoring ASCII case and leading zeros.
int natural_compare(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t ei = i;
      std::size_t ej = j;
      while (ei < a.size() && is_digit(a[ei])) ++ei;
      while (ej < b.size() && is_digit(b[ej])) ++ej;
      std::size_t si = i;
      std::size_t sj = j;
      while (si + 1 < ei && a[si] == '0') ++si;  // skip leading zeros, keep one digit
      while (sj + 1 < ej && b[sj] == '0') ++sj;
      // More significant digits means a larger number; equal length compares digit-wise.
      if (ei - si != ej - sj) return ei - si < ej - sj ? -1 : 1;
      if (int c = a.substr(si, ei - si).compare(b.substr(sj, ej - sj)); c != 0)
        return c < 0 ? -1 : 1;
      i = ei;
      j = ej;
      continue;
    }
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[j]));
    if (ca != cb) return ca < cb ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  const int c = natural_compare(a, b);
  return c != 0 ? c < 0 : a < b;
}

}  // namespace mpibatch::work
