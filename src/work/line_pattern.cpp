#include "mpibatch/work/line_pattern.h"

#include <re2/re2.h>

#include <stdexcept>

namespace mpibatch::work {
namespace {

std::shared_ptr<const re2::RE2> compile(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);  // the caller reports the error, in one line
  return std::make_shared<const re2::RE2>(pattern, options);
}

}  // namespace

LinePattern::LinePattern(const std::string& pattern) : re_(compile(pattern)) {
  if (!re_->ok()) throw std::invalid_argument(re_->error());
}

bool LinePattern::matches(std::string_view line) const {
  return re2::RE2::FullMatch(re2::StringPiece(line.data(), line.size()), *re_);
}

std::string LinePattern::error_of(const std::string& pattern) {
  const auto re = compile(pattern);
  return re->ok() ? std::string() : re->error();
}

}  // namespace mpibatch::work
