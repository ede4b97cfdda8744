#include "mpibatch/report/text_table.h"

#include <algorithm>

namespace mpibatch::report {

std::size_t text_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string shorten(const std::string& text, std::size_t limit) {
  std::string flat = text;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  if (text_width(flat) <= limit) return flat;
  std::size_t points = 0, end = 0;
  while (end < flat.size() && points < limit - 3) {
    ++end;
    while (end < flat.size() && (flat[end] & 0xC0) == 0x80) ++end;
    ++points;
  }
  return flat.substr(0, end) + "...";
}

void TextTable::print(std::ostream& out, const std::string& indent) const {
  if (rows_.empty()) return;
  std::vector<std::size_t> widths(rows_.front().size(), 0);
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], text_width(row[c]));
  for (const auto& row : rows_) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - text_width(row[c]), ' ');
      const bool last = c + 1 == row.size();
      line += right_[c] ? pad + row[c] : row[c] + (last ? "" : pad);
      if (!last) line += "  ";
    }
    out << line << '\n';
  }
}

}  // namespace mpibatch::report
