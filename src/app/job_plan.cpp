#include "job_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <memory>

#include "mpibatch/error.h"
#include "mpibatch/io/book_reader.h"
#include "mpibatch/io/result_parts.h"
#include "mpibatch/io/result_reader.h"
#include "mpibatch/work/text_splitter.h"

namespace mpibatch::app {
namespace {

/// XXH3-128 over a sequence of length-prefixed fields.
class Fingerprint {
 public:
  Fingerprint() : state_(XXH3_createState()) { XXH3_128bits_reset(state_); }
  ~Fingerprint() { XXH3_freeState(state_); }
  Fingerprint(const Fingerprint&) = delete;
  Fingerprint& operator=(const Fingerprint&) = delete;

  void add(std::string_view field) {
    const std::uint64_t size = field.size();
    XXH3_128bits_update(state_, &size, sizeof size);
    XXH3_128bits_update(state_, field.data(), field.size());
  }
  void add_file(const std::string& path, const std::string& key = "model.path") {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(key + ": cannot read '" + path + "'");
    std::vector<char> buffer(1 << 20);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      XXH3_128bits_update(state_, buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
  }
  std::string hex() const {
    const XXH128_hash_t h = XXH3_128bits_digest(state_);
    return fmt::format("xxh3-128:{:016x}{:016x}", h.high64, h.low64);
  }

 private:
  XXH3_state_t* state_;
};

work::SplitOptions split_options(const config::InputSection& input) {
  work::SplitOptions options;
  options.mode = input.split == config::SplitMode::kParagraph ? work::SplitMode::kParagraph
                                                              : work::SplitMode::kSentence;
  options.max_chars = static_cast<std::size_t>(input.max_chars);
  return options;
}

}  // namespace

JobPlan plan_job(const config::JobConfig& config) {
  io::BookOptions book_options;
  book_options.format = config.input.format;
  book_options.extensions = config.input.extensions;
  book_options.chapter_heading = config.input.chapter_heading;
  io::BookSelection selection;
  for (const config::ChapterRange& range : config.input.chapters) {
    selection.chapters.emplace_back(range.first, range.last);
  }
  selection.language = config.input.language;
  const work::Book book = io::read_books(config.input.paths, book_options, selection);
  if (book.chapters.empty()) {
    throw InputError(
        fmt::format("input.chapters: selects none of the chapters of '{}'; "
                    "check the numbers (1-based, in reading order) or use 'all'",
                    fmt::join(config.input.paths, "', '")));
  }

  JobPlan plan;
  plan.book_title = book.title;
  plan.work = pipeline::make_work_plan(book, work::split_book(book, split_options(config.input)));
  if (plan.work.items.empty()) {
    throw InputError(
        fmt::format("input.path: the book '{}' has no text ({} chapter(s), all empty); "
                    "check the path, input.extensions and input.chapters",
                    fmt::join(config.input.paths, "', '"), book.chapters.size()));
  }
  for (const work::WorkItem& item : plan.work.items) plan.total_chars += item.chars;
  for (const io::ChapterRecord& row : plan.work.chapters) {
    if (row.items == 0)
      plan.empty_chapters.push_back(fmt::format("{} '{}' ({})", row.index, row.title, row.source));
  }

  Fingerprint fp;
  fp.add("mpibatch-job-v2");
  fp.add_file(config.model.path);
  fp.add(config.model.encoder);
  if (!config.model.vocabulary.empty()) fp.add_file(config.model.vocabulary, "model.vocabulary");
  if (!config.model.phoneme_map.empty()) fp.add_file(config.model.phoneme_map, "model.phoneme_map");
  fp.add(config.model.espeak_voice);
  fp.add(std::to_string(static_cast<int>(config.input.split)));
  fp.add(std::to_string(config.input.max_chars));
  for (const work::Chapter& chapter : book.chapters) {
    fp.add(chapter.title);
    fp.add(chapter.language);
    fp.add(chapter.text);
  }
  plan.job_hash = fp.hex();
  return plan;
}

pipeline::ReusedResults load_reusable_results(const std::string& path, const JobPlan& plan,
                                              std::uint32_t* attempt) {
  std::vector<std::string> sources = io::ResultParts::list(path);
  if (std::filesystem::exists(path)) sources.insert(sources.begin(), path);
  if (sources.empty()) {
    throw InputError("--resume: no result file '" + path + "' and no committed parts in '" +
                     io::ResultParts::folder(path) +
                     "' to resume from; run without --resume");
  }
  // owner[c]: the source whose chapter c is kept, the last one that has it.
  std::map<std::uint32_t, std::size_t> owner;
  std::vector<std::vector<io::ItemRecord>> items(sources.size());
  *attempt = 0;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    io::RunInfo info;
    std::vector<io::ChapterRecord> chapters;
    try {
      const io::ResultReader source(sources[s]);
      info = source.info();
      chapters = source.chapters();
      items[s] = source.items();
    } catch (const InputError& e) {
      throw InputError(std::string("--resume: ") + e.what() +
                       "; remove it (or choose another --output) and run without --resume");
    }
    if (info.job_hash != plan.job_hash) {
      throw InputError("--resume: '" + sources[s] +
                       "' was made by a different job (book, model or splitting changed); "
                       "remove it or choose another --output");
    }
    *attempt = std::max(*attempt, info.attempt);
    for (const io::ChapterRecord& chapter : chapters) owner[chapter.index] = s;
  }
  const std::size_t parts = sources.size() - (sources.front() == path ? 1 : 0);
  if (parts > 0) {
    spdlog::info("resuming from {}{} committed part{} in '{}' (an earlier run that did not finish)",
                 sources.front() == path ? "'" + path + "' and " : "", parts,
                 parts == 1 ? "" : "s", io::ResultParts::folder(path));
  }
  pipeline::ReusedResults reused;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    for (io::ItemRecord& record : items[s]) {
      if (record.status == io::ItemStatus::kOk && owner[record.chapter] == s) {
        reused.records.push_back(std::move(record));
      }
    }
  }
  std::sort(reused.records.begin(), reused.records.end(),
            [](const io::ItemRecord& a, const io::ItemRecord& b) { return a.id < b.id; });
  // Chapters are loaded mostly in order, and a part holds consecutive ones: keep the last
  // source open.
  auto open = std::make_shared<std::pair<std::size_t, std::unique_ptr<io::ResultReader>>>();
  reused.load_chapter = [sources, owner, open](std::uint32_t chapter) {
    const std::size_t s = owner.at(chapter);
    if (!open->second || open->first != s) {
      open->second = std::make_unique<io::ResultReader>(sources[s]);
      open->first = s;
    }
    return open->second->chapter_output(chapter);
  };
  return reused;
}

}  // namespace mpibatch::app
