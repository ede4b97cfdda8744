#pragma once
/// \file Codecs: how one typed value is read from YAML (validating it) and written back.
///
/// A codec's read() returns the problem as the part of a message that follows "<key>: ",
/// e.g. "must be a positive integer, got -3"; the caller adds the key and the origin. Its
/// write() emits a value that read() turns back into exactly the same value, which is what
/// makes JobConfig::effective_yaml round-trip.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mpibatch/config/job_config.h"

namespace mpibatch::config::detail {

/// Where a value came from: named in messages, and the anchor of relative paths.
struct Origin {
  std::string label;               ///< "jobs/x.yaml:12", "--set", "--output"
  std::filesystem::path base_dir;  ///< absolute; relative paths are resolved against it
};

/// Reading and writing values of type T.
template <typename T>
struct Codec {
  /// Reads `value` into `out` and returns ""; or returns the problem and leaves `out` alone.
  std::function<std::string(const YAML::Node& value, const Origin& origin, T& out)> read;
  /// Emits `value` (the value only: the caller has emitted the key).
  std::function<void(YAML::Emitter& out, const T& value)> write;
};

/// How a node reads in a message: -3, 'sentense', an empty string, an empty value, a list, a map.
std::string describe(const YAML::Node& node);

/// Any scalar, as its text; an empty value reads as "".
Codec<std::string> text();
/// One of `choices` (exact, case-sensitive), with a suggestion for near misses.
Codec<std::string> one_of(std::vector<std::string> choices);
/// sentence | paragraph.
Codec<SplitMode> split_mode();
/// An integer in [min, max].
Codec<int> int_in_range(int min, int max);
/// An integer >= 1.
Codec<int> positive_int();
/// true/false (YAML 1.1 spellings such as yes/no/on/off accepted).
Codec<bool> boolean();
/// A finite number >= 0.
Codec<double> non_negative_number();
/// A non-empty list of file extensions, each starting with '.'.
Codec<std::vector<std::string>> extension_list();
/// "auto" (stored as 0) or a positive integer.
Codec<int> thread_count();
/// auto | cpu | cuda | cuda:N.
Codec<std::string> device();
/// "auto" or a valid ECMAScript regular expression.
Codec<std::string> heading_pattern();
/// A path, stored absolute and lexically normal; relative ones are resolved against the
/// origin's base_dir, and a leading "~/" against $HOME. "" stays "" (not set).
Codec<std::string> path();
/// One path or a non-empty list of paths, each read like path().
Codec<std::vector<std::string>> path_list();
/// all | "1-3, 7, 10-" | a list of chapter numbers and "a-b" ranges (1-based).
Codec<std::vector<ChapterRange>> chapter_ranges();
/// A list of numbers in (0, 1], e.g. [1, 1, 0.05]; [] = none.
Codec<std::vector<double>> speed_fractions();
/// A list of positive numbers, e.g. [20, 20, 1]; [] = none.
Codec<std::vector<double>> rank_weights();
/// auto | a BCP 47 language tag such as en, fr-FR, zh-Hant-TW.
Codec<std::string> language_tag();
/// A job name (see check_job_name()).
Codec<std::string> job_name();

/// "" when `name` is a valid job name (non-empty, only [A-Za-z0-9._-]), else the problem.
std::string check_job_name(const std::string& name);

}  // namespace mpibatch::config::detail
