#include "validators.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "mpibatch/work/line_pattern.h"
#include "suggest.h"

namespace mpibatch::config::detail {

namespace {

constexpr std::size_t kMaxQuotedLength = 60;
constexpr int kIntMax = std::numeric_limits<int>::max();

/// Parses all of `text` as an integer (optional sign); false on anything else or overflow.
bool parse_integer(const std::string& text, long long& out) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, out);
  return error == std::errc() && end == last && first != last;
}

/// Parses all of `text` as a finite number (optional sign); false on anything else.
bool parse_number(const std::string& text, double& out) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  const auto [end, error] = std::from_chars(first, last, out);
  return error == std::errc() && end == last && first != last && std::isfinite(out);
}

/// The shortest text that parses back to exactly `value`.
std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string got(const YAML::Node& node) { return ", got " + describe(node); }

/// A codec for scalars of type T: `convert` turns the scalar text into `out` or returns false;
/// anything else is "must be <expectation>, got ...".
template <typename T>
Codec<T> scalar_codec(std::string expectation, std::function<bool(const std::string&, T&)> convert,
                      std::function<void(YAML::Emitter&, const T&)> write) {
  Codec<T> codec;
  codec.read = [expectation = std::move(expectation), convert = std::move(convert)](
                   const YAML::Node& value, const Origin&, T& out) -> std::string {
    T parsed{};
    if (value.IsScalar() && convert(value.Scalar(), parsed)) {
      out = std::move(parsed);
      return {};
    }
    return "must be " + expectation + got(value);
  };
  codec.write = std::move(write);
  return codec;
}

template <typename T>
void write_plain(YAML::Emitter& out, const T& value) {
  out << value;
}

/// Reads a scalar (or an empty value, as "") into `out`; else the problem.
std::string read_text(const YAML::Node& value, const std::string& what, std::string& out) {
  if (value.IsNull()) {
    out.clear();
    return {};
  }
  if (!value.IsScalar()) return "must be " + what + got(value);
  out = value.Scalar();
  return {};
}

}  // namespace

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "an empty value";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  const std::string& text = node.Scalar();
  if (text.empty()) return "an empty string";
  double number = 0;
  if (parse_number(text, number)) return text;
  if (text.size() > kMaxQuotedLength) return "'" + text.substr(0, kMaxQuotedLength) + "...'";
  return "'" + text + "'";
}

Codec<std::string> text() {
  Codec<std::string> codec;
  codec.read = [](const YAML::Node& value, const Origin&, std::string& out) {
    return read_text(value, "a string", out);
  };
  codec.write = write_plain<std::string>;
  return codec;
}

Codec<std::string> one_of(std::vector<std::string> choices) {
  Codec<std::string> codec;
  codec.read = [choices = std::move(choices)](const YAML::Node& value, const Origin&,
                                              std::string& out) -> std::string {
    const std::string expectation = "must be one of " + join(choices) + "; got ";
    if (!value.IsScalar()) return expectation + describe(value);
    const std::string& given = value.Scalar();
    if (std::find(choices.begin(), choices.end(), given) != choices.end()) {
      out = given;
      return {};
    }
    return expectation + describe(value) + did_you_mean(given, choices);
  };
  codec.write = write_plain<std::string>;
  return codec;
}

Codec<SplitMode> split_mode() {
  static const std::vector<std::pair<std::string, SplitMode>> kModes = {
      {"sentence", SplitMode::kSentence}, {"paragraph", SplitMode::kParagraph}};
  std::vector<std::string> names;
  names.reserve(kModes.size());
  for (const auto& mode : kModes) names.push_back(mode.first);
  Codec<std::string> names_codec = one_of(names);
  Codec<SplitMode> codec;
  codec.read = [read = names_codec.read](const YAML::Node& value, const Origin& origin,
                                         SplitMode& out) -> std::string {
    std::string name;
    std::string problem = read(value, origin, name);
    if (!problem.empty()) return problem;
    for (const auto& mode : kModes) {
      if (mode.first == name) out = mode.second;
    }
    return {};
  };
  codec.write = [](YAML::Emitter& out, const SplitMode& value) {
    for (const auto& mode : kModes) {
      if (mode.second == value) out << mode.first;
    }
  };
  return codec;
}

Codec<int> int_in_range(int min, int max) {
  const std::string expectation =
      (min == 1 && max == kIntMax)
          ? "a positive integer"
          : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  return scalar_codec<int>(
      expectation,
      [min, max](const std::string& scalar, int& out) {
        long long number = 0;
        if (!parse_integer(scalar, number) || number < min || number > max) return false;
        out = static_cast<int>(number);
        return true;
      },
      write_plain<int>);
}

Codec<int> positive_int() { return int_in_range(1, kIntMax); }

Codec<bool> boolean() {
  return scalar_codec<bool>(
      "true or false",
      [](const std::string& scalar, bool& out) {
        return YAML::convert<bool>::decode(YAML::Node(scalar), out);
      },
      [](YAML::Emitter& out, const bool& value) { out << (value ? "true" : "false"); });
}

Codec<double> non_negative_number() {
  return scalar_codec<double>(
      "a non-negative number",
      [](const std::string& scalar, double& out) {
        double number = 0;
        if (!parse_number(scalar, number) || number < 0) return false;
        out = number == 0 ? 0.0 : number;  // no -0
        return true;
      },
      [](YAML::Emitter& out, const double& value) { out << format_number(value); });
}

Codec<std::vector<std::string>> extension_list() {
  Codec<std::vector<std::string>> codec;
  codec.read = [](const YAML::Node& value, const Origin&,
                  std::vector<std::string>& out) -> std::string {
    if (!value.IsSequence())
      return "must be a list of file extensions like [.txt, .md]" + got(value);
    if (value.size() == 0) return "must list at least one file extension, like [.txt, .md]";
    std::vector<std::string> extensions;
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const YAML::Node entry = value[i];
      const std::string which = "entry " + std::to_string(i + 1);
      if (!entry.IsScalar() || entry.Scalar().empty()) {
        problems.push_back(which + " must be an extension like .txt" + got(entry));
      } else if (entry.Scalar().front() != '.') {
        problems.push_back(which + " must start with '.'" + got(entry) + " (did you mean '." +
                           entry.Scalar() + "'?)");
      } else {
        extensions.push_back(entry.Scalar());
      }
    }
    if (!problems.empty()) return join(problems, "; ");
    out = std::move(extensions);
    return {};
  };
  codec.write = [](YAML::Emitter& out, const std::vector<std::string>& value) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& extension : value) out << extension;
    out << YAML::EndSeq;
  };
  return codec;
}

Codec<int> thread_count() {
  return scalar_codec<int>(
      "auto or a positive integer",
      [](const std::string& scalar, int& out) {
        long long number = 0;
        if (scalar == "auto") {
          out = 0;
          return true;
        }
        if (!parse_integer(scalar, number) || number < 1 || number > kIntMax) return false;
        out = static_cast<int>(number);
        return true;
      },
      [](YAML::Emitter& out, const int& value) {
        if (value == 0) {
          out << "auto";
        } else {
          out << value;
        }
      });
}

namespace {

bool is_device(const std::string& text) {
  if (text == "auto" || text == "cpu" || text == "cuda") return true;
  const std::string prefix = "cuda:";
  if (text.rfind(prefix, 0) != 0 || text.size() == prefix.size()) return false;
  const std::string index = text.substr(prefix.size());
  long long number = 0;
  return std::all_of(index.begin(), index.end(), [](unsigned char c) { return std::isdigit(c); }) &&
         parse_integer(index, number) && number <= kIntMax;
}

std::string device_suggestion(const std::string& text) {
  std::string lowered = text;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (is_device(lowered)) return " (did you mean '" + lowered + "'?)";
  const std::string rest = lowered.rfind("cuda", 0) == 0 ? lowered.substr(4) : std::string();
  if (!rest.empty() && is_device("cuda:" + rest)) return " (did you mean 'cuda:" + rest + "'?)";
  return did_you_mean(text, {"auto", "cpu", "cuda"});
}

}  // namespace

Codec<std::string> device() {
  Codec<std::string> codec;
  codec.read = [](const YAML::Node& value, const Origin&, std::string& out) -> std::string {
    const std::string expectation = "must be auto, cpu, cuda or cuda:N (N = GPU index); got ";
    if (!value.IsScalar()) return expectation + describe(value);
    if (!is_device(value.Scalar())) {
      return expectation + describe(value) + device_suggestion(value.Scalar());
    }
    out = value.Scalar();
    return {};
  };
  codec.write = write_plain<std::string>;
  return codec;
}

Codec<std::string> heading_pattern() {
  Codec<std::string> codec;
  codec.read = [](const YAML::Node& value, const Origin&, std::string& out) -> std::string {
    std::string pattern;
    if (!value.IsScalar() || value.Scalar().empty()) {
      return "must be auto or a regular expression" + got(value);
    }
    pattern = value.Scalar();
    if (pattern != "auto") {
      if (const std::string error = work::LinePattern::error_of(pattern); !error.empty()) {
        return "invalid regular expression '" + pattern + "': " + error;
      }
    }
    out = pattern;
    return {};
  };
  codec.write = write_plain<std::string>;
  return codec;
}

Codec<std::string> path() {
  Codec<std::string> codec;
  codec.read = [](const YAML::Node& value, const Origin& origin, std::string& out) -> std::string {
    std::string given;
    std::string problem = read_text(value, "a path", given);
    if (!problem.empty()) return problem;
    if (given.empty()) {
      out.clear();
      return {};
    }
    std::filesystem::path resolved(given);
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0' && (given == "~" || given.rfind("~/", 0) == 0)) {
      resolved = std::filesystem::path(home) / given.substr(std::min<std::size_t>(2, given.size()));
    }
    if (resolved.is_relative()) resolved = origin.base_dir / resolved;
    resolved = resolved.lexically_normal();
    // "/a/b/" -> "/a/b", so that a folder has one spelling.
    if (!resolved.has_filename() && resolved.has_relative_path()) resolved = resolved.parent_path();
    out = resolved.string();
    return {};
  };
  codec.write = write_plain<std::string>;
  return codec;
}

Codec<std::vector<std::string>> path_list() {
  Codec<std::vector<std::string>> codec;
  codec.read = [one = path()](const YAML::Node& value, const Origin& origin,
                              std::vector<std::string>& out) -> std::string {
    if (!value.IsSequence()) {
      std::string single;
      std::string problem = one.read(value, origin, single);
      if (problem.empty()) out = single.empty() ? std::vector<std::string>{} : std::vector{single};
      return problem;
    }
    if (value.size() == 0) return "must name at least one path";
    std::vector<std::string> paths;
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < value.size(); ++i) {
      std::string resolved;
      std::string problem = one.read(value[i], origin, resolved);
      if (problem.empty() && resolved.empty()) problem = "must be a path, got an empty value";
      if (problem.empty()) {
        paths.push_back(std::move(resolved));
      } else {
        problems.push_back("entry " + std::to_string(i + 1) + " " + problem);
      }
    }
    if (!problems.empty()) return join(problems, "; ");
    out = std::move(paths);
    return {};
  };
  codec.write = [](YAML::Emitter& out, const std::vector<std::string>& value) {
    if (value.empty()) {  // not set (a train job): "" reads back as no path, [] would not
      write_plain<std::string>(out, "");
      return;
    }
    if (value.size() == 1) {
      out << value.front();
      return;
    }
    out << YAML::BeginSeq;
    for (const auto& entry : value) out << entry;
    out << YAML::EndSeq;
  };
  return codec;
}

namespace {

/// "7", "1-3" or "10-" into `range`; false if it is none of those.
bool parse_chapter_range(std::string text, ChapterRange& range) {
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  const std::size_t dash = text.find('-');
  long long first = 0;
  long long last = 0;
  if (dash == std::string::npos) {
    if (!parse_integer(text, first)) return false;
    last = first;
  } else {
    if (!parse_integer(text.substr(0, dash), first)) return false;
    const std::string tail = text.substr(dash + 1);
    if (!tail.empty() && (!parse_integer(tail, last) || last < first)) return false;
  }
  if (first < 1 || first > kIntMax || last > kIntMax) return false;
  range.first = static_cast<int>(first);
  range.last = static_cast<int>(last);
  return true;
}

}  // namespace

Codec<std::vector<ChapterRange>> chapter_ranges() {
  Codec<std::vector<ChapterRange>> codec;
  codec.read = [](const YAML::Node& value, const Origin&,
                  std::vector<ChapterRange>& out) -> std::string {
    const std::string expectation =
        "must be 'all' or chapter numbers and ranges (1-based) like '1-3, 7, 10-'";
    std::vector<std::string> parts;
    if (value.IsSequence()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].IsScalar()) return expectation + got(value[i]);
        parts.push_back(value[i].Scalar());
      }
    } else if (value.IsScalar()) {
      if (value.Scalar() == "all") {
        out.clear();
        return {};
      }
      std::string text = value.Scalar();
      for (std::size_t start = 0; start <= text.size();) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        parts.push_back(text.substr(start, comma - start));
        start = comma + 1;
      }
    }
    if (parts.empty()) return expectation + got(value);
    std::vector<ChapterRange> ranges;
    for (const std::string& part : parts) {
      ChapterRange range;
      if (!parse_chapter_range(part, range)) {
        return expectation + ", got " + describe(YAML::Node(part));
      }
      ranges.push_back(range);
    }
    out = std::move(ranges);
    return {};
  };
  codec.write = [](YAML::Emitter& out, const std::vector<ChapterRange>& value) {
    std::string text;
    for (const ChapterRange& range : value) {
      text += (text.empty() ? "" : ",") + std::to_string(range.first);
      if (range.last != range.first) text += "-" + (range.last ? std::to_string(range.last) : "");
    }
    out << YAML::DoubleQuoted << (text.empty() ? "all" : text);
  };
  return codec;
}

namespace {

/// A list of positive numbers up to `max`; `expectation` is the message's "must be ..." part.
Codec<std::vector<double>> positive_numbers(double max, std::string expectation) {
  Codec<std::vector<double>> codec;
  codec.read = [max, expectation](const YAML::Node& value, const Origin&,
                                  std::vector<double>& out) -> std::string {
    if (value.IsNull()) {
      out.clear();
      return {};
    }
    if (!value.IsSequence()) return expectation + got(value);
    std::vector<double> numbers;
    for (std::size_t i = 0; i < value.size(); ++i) {
      double number = 0;
      if (!value[i].IsScalar() || !parse_number(value[i].Scalar(), number) || number <= 0 ||
          number > max) {
        return expectation + "; entry " + std::to_string(i + 1) + " is " + describe(value[i]);
      }
      numbers.push_back(number);
    }
    out = std::move(numbers);
    return {};
  };
  codec.write = [](YAML::Emitter& out, const std::vector<double>& value) {
    out << YAML::Flow << YAML::BeginSeq;
    for (double number : value) out << format_number(number);
    out << YAML::EndSeq;
  };
  return codec;
}

}  // namespace

Codec<std::vector<double>> speed_fractions() {
  return positive_numbers(1.0,
                          "must be a list of per-rank speed fractions in (0, 1] like [1, 1, 0.05]");
}

Codec<std::vector<double>> rank_weights() {
  return positive_numbers(std::numeric_limits<double>::max(),
                          "must be a list of positive per-rank weights (relative speeds) like "
                          "[20, 20, 1]");
}

Codec<std::string> language_tag() {
  Codec<std::string> codec;
  codec.read = [](const YAML::Node& value, const Origin&, std::string& out) -> std::string {
    const std::string expectation = "must be 'auto' or a language tag like en, fr-FR, zh-Hant";
    if (!value.IsScalar() || value.Scalar().empty()) return expectation + got(value);
    const std::string& tag = value.Scalar();
    const bool valid = std::isalpha(static_cast<unsigned char>(tag.front())) && tag.size() <= 35 &&
                       std::all_of(tag.begin(), tag.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '-' || c == '_';
                       });
    if (!valid) return expectation + got(value);
    out = tag;
    return {};
  };
  codec.write = write_plain<std::string>;
  return codec;
}

std::string check_job_name(const std::string& name) {
  const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
  if (valid) return {};
  return "must be a non-empty string of letters, digits, '.', '_' and '-'; got " +
         describe(YAML::Node(name));
}

Codec<std::string> job_name() {
  Codec<std::string> codec;
  codec.read = [](const YAML::Node& value, const Origin&, std::string& out) -> std::string {
    std::string name;
    std::string problem = read_text(value, "a name", name);
    if (problem.empty()) problem = check_job_name(name);
    if (problem.empty()) out = name;
    return problem;
  };
  codec.write = write_plain<std::string>;
  return codec;
}

}  // namespace mpibatch::config::detail
