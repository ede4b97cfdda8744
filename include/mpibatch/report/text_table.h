#pragma once
/// \file TextTable: aligned columns for terminal output (report, inspect).
/// \code
///   TextTable table({"rank", "device"}, {true, false});
///   table.add({"0", "cpu"});
///   table.print(std::cout);   // "  rank  device" / "     0  cpu"
/// \endcode

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace mpibatch::report {

/// Columns padded to their widest cell; numbers right-aligned, text left-aligned. The first
/// row added is usually the header.
class TextTable {
 public:
  /// `right`: one flag per column.
  explicit TextTable(std::vector<bool> right) : right_(std::move(right)) {}
  TextTable(std::vector<std::string> header, std::vector<bool> right) : right_(std::move(right)) {
    rows_.push_back(std::move(header));
  }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out, const std::string& indent = "  ") const;

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

/// Code points in a UTF-8 string: its width in a terminal for everything but wide CJK.
std::size_t text_width(const std::string& text);
/// At most `limit` code points of `text` on one line, with "..." when cut; never splits a
/// code point.
std::string shorten(const std::string& text, std::size_t limit);

}  // namespace mpibatch::report
