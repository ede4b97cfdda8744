#include "mpibatch/io/result_parts.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "mpibatch/error.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/timing/clock.h"

namespace mpibatch::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPrefix = "part-";
constexpr const char* kSuffix = ".h5";

/// The number of a committed part's file name "part-000012.h5", or 0 for another name.
std::uint32_t part_number(const std::string& name) {
  const std::size_t prefix = std::char_traits<char>::length(kPrefix);
  const std::size_t suffix = std::char_traits<char>::length(kSuffix);
  if (name.size() <= prefix + suffix || name.rfind(kPrefix, 0) != 0 ||
      name.compare(name.size() - suffix, suffix, kSuffix) != 0) {
    return 0;
  }
  const std::string digits = name.substr(prefix, name.size() - prefix - suffix);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return 0;
  return static_cast<std::uint32_t>(std::stoul(digits));
}

}  // namespace

std::string ResultParts::folder(const std::string& output_path) { return output_path + ".parts"; }

std::vector<std::string> ResultParts::list(const std::string& output_path) {
  std::vector<std::pair<std::uint32_t, std::string>> parts;
  std::error_code ec;
  for (fs::directory_iterator it(folder(output_path), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (const std::uint32_t n = part_number(it->path().filename().string())) {
      parts.emplace_back(n, it->path().string());
    }
  }
  std::sort(parts.begin(), parts.end());
  std::vector<std::string> paths;
  for (auto& part : parts) paths.push_back(std::move(part.second));
  return paths;
}

ResultParts::ResultParts(std::string output_path, RunInfo info, Options options)
    : output_path_(std::move(output_path)),
      info_(std::move(info)),
      options_(options),
      next_number_(1),
      last_commit_(std::chrono::steady_clock::now()) {
  for (const std::string& part : list(output_path_)) {
    next_number_ = std::max(next_number_, part_number(fs::path(part).filename().string()) + 1);
  }
}

ResultParts::~ResultParts() = default;  // H5ResultWriter discards an uncommitted part

void ResultParts::add(const ChapterRecord& chapter, const ChapterOutput& output,
                      const ItemRecord* items) noexcept {
  if (off_) return;
  try {
    if (!open_) {
      const std::string dir = folder(output_path_);
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) throw IoError("cannot create '" + dir + "': " + ec.message());
      const std::string path = fmt::format("{}/{}{:06}{}", dir, kPrefix, next_number_, kSuffix);
      open_ = std::make_unique<H5ResultWriter>(path, H5WriterOptions{options_.compression, true});
    }
    open_->write_chapter(chapter, output);
    chapters_.push_back(chapter);
    items_.insert(items_.end(), items, items + chapter.items);
  } catch (const std::exception& e) {
    turn_off(e.what());
  }
}

bool ResultParts::due() const noexcept {
  const std::chrono::duration<double> since = std::chrono::steady_clock::now() - last_commit_;
  return open_ && since.count() >= options_.interval_s;
}

void ResultParts::commit() noexcept {
  if (!open_) return;
  last_commit_ = std::chrono::steady_clock::now();
  info_.end_time = timing::utc_timestamp();
  try {
    open_->commit(info_, chapters_, {}, items_);
    spdlog::debug("committed {} ({} chapters, {} items)", open_->final_path(), chapters_.size(),
                  items_.size());
    ++next_number_;
    open_.reset();
    chapters_.clear();
    items_.clear();
  } catch (const std::exception& e) {
    turn_off(e.what());
  }
}

void ResultParts::turn_off(const std::string& error) noexcept {
  off_ = true;
  open_.reset();  // discards its file
  chapters_.clear();
  items_.clear();
  spdlog::warn("result parts: {}; no more parts are committed in this run (the result file is "
               "still written at the end; a job that dies now loses what is not in a part)",
               error);
}

void ResultParts::remove_all(const std::string& output_path) noexcept {
  std::error_code ignored;
  fs::remove_all(folder(output_path), ignored);
}

}  // namespace mpibatch::io
