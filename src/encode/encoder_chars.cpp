/// \file The `chars` encoder and its vocabulary file.

#include "encoder_chars.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

#include "encoder_unicode.h"
#include "mpibatch/error.h"
#include "unmapped_counter.h"

namespace mpibatch::encode::detail {
namespace {

constexpr std::string_view kKey = "model.vocabulary";
constexpr std::string_view kFormatHint =
    "write one character per line (<space> for a space, <tab> for a tab, <unk> for the id of "
    "unknown characters)";

/// Entries by NFC text; single code points apart, for speed.
struct Vocabulary {
  std::unordered_map<char32_t, std::int64_t> by_code_point;
  std::map<std::u32string, std::int64_t> by_cluster;  ///< entries of several code points
  std::optional<std::int64_t> unk;
  std::int64_t entries = 0;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError(std::string(kKey) + ": '" + path + "' " + what);
}

std::string read_vocabulary_file(const std::string& path) {
  if (path.empty()) {
    throw ConfigError(
        {std::string(kKey) +
         " is not set; the chars encoder needs a vocabulary file: " + std::string(kFormatHint)});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot be read (") + std::strerror(errno) + "); check the path");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

/// Lines of `content` without a BOM, "\r\n" or "\n" endings; a final newline ends the last line.
std::vector<std::string> split_lines(std::string content) {
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

/// The entry a line stands for (NFC), or the reason it is not one.
std::u32string parse_entry(const std::string& line, const std::string& where) {
  if (line == "<space>") return U" ";
  if (line == "<tab>") return U"\t";
  if (!is_valid_utf8(line)) throw InputError(where + " is not valid UTF-8; save the file as UTF-8");
  const std::u32string entry = nfc(utf8_to_code_points(line));
  if (std::all_of(entry.begin(), entry.end(), is_white_space)) {
    throw InputError(where + " is blank; remove it, or " + std::string(kFormatHint));
  }
  const std::size_t characters = grapheme_boundaries(entry).size() - 1;
  if (characters != 1) {
    throw InputError(where + " ('" + line + "') has " + std::to_string(characters) +
                     " characters; " + std::string(kFormatHint));
  }
  return entry;
}

Vocabulary load_vocabulary(const std::string& path) {
  const std::vector<std::string> lines = split_lines(read_vocabulary_file(path));
  if (lines.empty()) fail(path, "has no entries; " + std::string(kFormatHint));
  Vocabulary vocabulary;
  std::map<std::u32string, std::size_t> line_of;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::int64_t id = static_cast<std::int64_t>(k) + 1;
    const std::string where = std::string(kKey) + ": '" + path + "' line " + std::to_string(k + 1);
    const std::u32string entry = lines[k] == "<unk>" ? U"<unk>" : parse_entry(lines[k], where);
    const auto [previous, inserted] = line_of.emplace(entry, k + 1);
    if (!inserted) {
      throw InputError(where + " repeats line " + std::to_string(previous->second) + " ('" +
                       lines[k] + "'); each character may appear once");
    }
    if (lines[k] == "<unk>") {
      vocabulary.unk = id;
    } else if (entry.size() == 1) {
      vocabulary.by_code_point.emplace(entry[0], id);
    } else {
      vocabulary.by_cluster.emplace(entry, id);
    }
  }
  vocabulary.entries = static_cast<std::int64_t>(lines.size());
  return vocabulary;
}

/// NOTE [chars unknown rule] Text is NFC-normalized and cut into grapheme clusters. A cluster
/// that is a vocabulary entry gets its id; otherwise each of its code points is looked up as
/// itself, lower-cased, case-folded, as its NFKD base without nonspacing marks (of itself,
/// then of its lower case: "É" -> "e"), then maps to <unk> if the vocabulary has one, else is
/// dropped. Unknown code points are counted for unmapped_summary().
class CharsEncoder final : public Encoder {
 public:
  CharsEncoder(std::string path, Vocabulary vocabulary)
      : path_(std::move(path)), vocabulary_(std::move(vocabulary)) {}

  TokenIds encode(std::string_view text, std::string_view /*language*/) const override {
    const std::u32string normalized = nfc(utf8_to_code_points(text));
    TokenIds ids;
    ids.reserve(normalized.size());
    std::vector<char32_t> unknown;
    if (vocabulary_.by_cluster.empty()) {
      for (char32_t c : normalized) encode_code_point(c, ids, unknown);
    } else {
      const auto boundaries = grapheme_boundaries(normalized);
      for (std::size_t b = 0; b + 1 < boundaries.size(); ++b) {
        const std::u32string_view cluster(normalized.data() + boundaries[b],
                                          boundaries[b + 1] - boundaries[b]);
        const auto found = vocabulary_.by_cluster.find(std::u32string(cluster));
        if (found != vocabulary_.by_cluster.end()) {
          ids.push_back(found->second);
        } else {
          for (char32_t c : cluster) encode_code_point(c, ids, unknown);
        }
      }
    }
    if (!unknown.empty()) count(unknown);
    return ids;
  }

  std::int64_t vocabulary_size() const override { return vocabulary_.entries + 1; }
  std::string name() const override { return "chars"; }

  std::string unmapped_summary() const override {
    return unknown_.summary("characters not in " + std::string(kKey) + " '" + path_ + "'",
                            vocabulary_.unk ? "mapped to <unk>" : "dropped");
  }

 private:
  std::optional<std::int64_t> find(std::u32string_view entry) const {
    if (entry.size() == 1) {
      const auto found = vocabulary_.by_code_point.find(entry[0]);
      if (found != vocabulary_.by_code_point.end()) return found->second;
    } else if (!entry.empty()) {
      const auto found = vocabulary_.by_cluster.find(std::u32string(entry));
      if (found != vocabulary_.by_cluster.end()) return found->second;
    }
    return std::nullopt;
  }

  void encode_code_point(char32_t c, TokenIds& ids, std::vector<char32_t>& unknown) const {
    const auto id = lookup(c);
    if (id) {
      ids.push_back(*id);
      return;
    }
    unknown.push_back(c);
    if (vocabulary_.unk) ids.push_back(*vocabulary_.unk);
  }

  /// The unknown-character rule's steps, cheapest first.
  std::optional<std::int64_t> lookup(char32_t c) const {
    const auto& known = vocabulary_.by_code_point;
    if (const auto found = known.find(c); found != known.end()) return found->second;
    const char32_t lower = lower_case(c);
    if (const auto found = known.find(lower); found != known.end()) return found->second;
    if (const auto found = known.find(fold_case(c)); found != known.end()) return found->second;
    if (const auto id = find(without_combining_marks(nfkd({&c, 1})))) return id;
    if (lower != c) return find(without_combining_marks(nfkd({&lower, 1})));
    return std::nullopt;
  }

  void count(const std::vector<char32_t>& unknown) const {
    std::map<char32_t, std::size_t> counts;
    for (char32_t c : unknown) ++counts[c];
    unknown_.add(counts);
  }

  std::string path_;
  Vocabulary vocabulary_;
  mutable UnmappedCounter unknown_;
};

}  // namespace

std::unique_ptr<Encoder> make_chars_encoder(const std::string& path) {
  return std::make_unique<CharsEncoder>(path, load_vocabulary(path));
}

}  // namespace mpibatch::encode::detail
