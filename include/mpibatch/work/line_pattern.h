#pragma once
/// \file LinePattern: a user's regular expression (input.chapter_heading) matched against
/// whole lines.
///
/// RE2 syntax (Perl-like: classes, \d, \w, alternation, counted repetition; no backreferences
/// or lookaround). RE2 never backtracks, so matching is linear in the line length whatever the
/// pattern: a pattern like (a+)+b cannot hang a job, as it would with std::regex.
/// \code
///   const LinePattern heading("^Chapter [0-9]+$");  // throws std::invalid_argument
///   if (heading.matches(line)) ...
/// \endcode

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace mpibatch::work {

class LinePattern {
 public:
  /// Throws std::invalid_argument with RE2's message (e.g. "missing ): (") if `pattern` is
  /// not a valid expression.
  explicit LinePattern(const std::string& pattern);

  /// True if the whole of `line` matches (UTF-8).
  bool matches(std::string_view line) const;

  /// RE2's message for an invalid `pattern`, or "" for a valid one.
  static std::string error_of(const std::string& pattern);

 private:
  std::shared_ptr<const re2::RE2> re_;  ///< shared: copies of a rule share one compiled program
};

}  // namespace mpibatch::work
