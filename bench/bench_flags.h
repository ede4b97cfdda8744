#pragma once
/// \file "--flag value" pairs of a benchmark's command line, for the benchmarks that also
/// build on a GPU machine without Boost (scripts/gpu-check). A flag left out keeps its default.
/// \code
///   const BenchFlags flags(argc, argv);
///   args.batch = flags.number("--batch", args.batch);
/// \endcode

#include <map>
#include <stdexcept>
#include <string>

class BenchFlags {
 public:
  BenchFlags(int argc, char** argv) {
    for (int i = 1; i < argc; i += 2) {
      if (i + 1 >= argc) throw std::invalid_argument(std::string("no value after ") + argv[i]);
      values_[argv[i]] = argv[i + 1];
    }
  }
  std::string text(const std::string& flag, const std::string& fallback) const {
    const auto found = values_.find(flag);
    return found == values_.end() ? fallback : found->second;
  }
  template <typename Number>
  Number number(const std::string& flag, Number fallback) const {
    const auto found = values_.find(flag);
    return found == values_.end() ? fallback : static_cast<Number>(std::stoll(found->second));
  }

 private:
  std::map<std::string, std::string> values_;
};
