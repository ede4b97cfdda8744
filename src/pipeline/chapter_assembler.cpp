#include "chapter_assembler.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "mpibatch/error.h"

namespace mpibatch::pipeline {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

/// Item k's rows of an earlier run's chapter output.
model::ItemOutput slice(const io::ChapterOutput& chapter, std::uint32_t k) {
  std::size_t width = 1;
  for (auto d : chapter.feature_shape) width *= static_cast<std::size_t>(d);
  model::ItemOutput out;
  out.length = chapter.offsets[k + 1] - chapter.offsets[k];
  out.feature_shape = chapter.feature_shape;
  const auto begin =
      chapter.values.begin() + static_cast<std::ptrdiff_t>(chapter.offsets[k] * width);
  out.values.assign(begin, begin + static_cast<std::ptrdiff_t>(out.length * width));
  return out;
}

}  // namespace

ChapterAssembler::ChapterAssembler(std::vector<io::ChapterRecord> chapters,
                                   std::uint64_t total_items, const ReusedResults& reused,
                                   io::ResultWriter& writer, timing::PhaseTimer& timer,
                                   io::ResultParts* parts)
    : chapters_(std::move(chapters)),
      pending_(chapters_.size()),
      records_(total_items),
      seen_(total_items, false),
      reused_(reused),
      writer_(writer),
      timer_(timer),
      parts_(parts) {
  for (const io::ChapterRecord& chapter : chapters_) {
    if (chapter.items == 0) write(chapter.index);
  }
  for (const io::ItemRecord& record : reused.records) {
    if (!accept(record)) continue;
    records_[record.id] = record;
    Pending& pending = pending_for(record.chapter);
    pending.reused[record.index] = true;
    arrived(record.chapter);
  }
}

bool ChapterAssembler::accept(const io::ItemRecord& record) {
  const bool known = record.id < records_.size() && record.chapter < chapters_.size() &&
                     record.index < chapters_[record.chapter].items &&
                     chapters_[record.chapter].first_item + record.index == record.id;
  if (!known) {
    throw CommError("result for item " + std::to_string(record.id) + " (chapter " +
                    std::to_string(record.chapter) + ", #" + std::to_string(record.index) +
                    ") from rank " + std::to_string(record.rank) + " does not fit the plan");
  }
  if (seen_[record.id]) {
    spdlog::warn("dropping a second result for item {} (from rank {})", record.id, record.rank);
    return false;
  }
  seen_[record.id] = true;
  ++received_;
  if (record.status == io::ItemStatus::kFailed) ++failed_;
  return true;
}

ChapterAssembler::Pending& ChapterAssembler::pending_for(std::uint32_t chapter) {
  Pending& pending = pending_[chapter];
  if (pending.outputs.empty()) {
    pending.outputs.resize(chapters_[chapter].items);
    pending.reused.assign(chapters_[chapter].items, false);
  }
  return pending;
}

void ChapterAssembler::arrived(std::uint32_t chapter) {
  if (++pending_[chapter].arrived == chapters_[chapter].items) write(chapter);
}

bool ChapterAssembler::add(ItemResult&& result) {
  if (!accept(result.record)) return false;
  const std::uint32_t c = result.record.chapter;
  pending_for(c).outputs[result.record.index] = std::move(result.output);
  records_[result.record.id] = std::move(result.record);
  arrived(c);
  return true;
}

void ChapterAssembler::write(std::uint32_t c) {
  timing::ScopedPhase phase(timer_, timing::Phase::kWrite);
  const double t0 = timer_.clock().now();
  io::ChapterRecord& chapter = chapters_[c];
  Pending& pending = pending_[c];
  const bool computed_here =
      std::find(pending.reused.begin(), pending.reused.end(), false) != pending.reused.end();

  if (std::find(pending.reused.begin(), pending.reused.end(), true) != pending.reused.end()) {
    const io::ChapterOutput earlier = reused_.load_chapter(c);
    if (earlier.offsets.size() != chapter.items + 1u) {
      throw InputError("--resume: chapter " + std::to_string(c) + " of the earlier result has " +
                       std::to_string(earlier.offsets.size()) + " offsets for " +
                       std::to_string(chapter.items) + " items; remove the file and run again");
    }
    std::size_t width = 1;
    for (auto d : earlier.feature_shape) width *= static_cast<std::size_t>(d);
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      if (!pending.reused[k]) continue;
      const io::ItemRecord& rec = records_[chapter.first_item + k];
      const std::int64_t begin = earlier.offsets[k];
      const std::int64_t end = earlier.offsets[k + 1];
      if (begin < 0 || end < begin || end - begin != rec.output_length ||
          static_cast<std::size_t>(end) * width > earlier.values.size()) {
        throw InputError("--resume: item " + std::to_string(rec.id) +
                         " in the earlier result has inconsistent offsets; remove the file and "
                         "run again");
      }
      pending.outputs[k] = slice(earlier, k);
    }
  }

  // The chapter's row shape is its first non-empty output's; a mismatching item fails.
  io::ChapterOutput out;
  for (const auto& o : pending.outputs) {
    if (o.length > 0) {
      out.feature_shape = o.feature_shape;
      break;
    }
  }
  out.offsets.reserve(pending.outputs.size() + 1);
  out.offsets.push_back(0);
  std::size_t total_values = 0;
  for (const auto& o : pending.outputs) total_values += o.values.size();
  out.values.reserve(total_values);
  for (std::uint32_t k = 0; k < pending.outputs.size(); ++k) {
    model::ItemOutput& o = pending.outputs[k];
    io::ItemRecord& rec = records_[chapter.first_item + k];
    if (o.length > 0 && o.feature_shape != out.feature_shape) {
      rec.status = io::ItemStatus::kFailed;
      rec.error = "output rows of shape " + shape_text(o.feature_shape) +
                  " differ from the chapter's " + shape_text(out.feature_shape);
      rec.output_length = 0;
      ++failed_;
      o = {};
    }
    out.values.insert(out.values.end(), o.values.begin(), o.values.end());
    out.offsets.push_back(out.offsets.back() + o.length);
    o = {};  // free as we go
  }
  chapter.output_length = out.offsets.back();
  writer_.write_chapter(chapter, out);
  pending = {};

  // Share the write time among the chapter's items by output size.
  const double seconds = timer_.clock().now() - t0;
  const double rows = static_cast<double>(std::max<std::int64_t>(chapter.output_length, 1));
  for (std::uint32_t k = 0; k < chapter.items; ++k) {
    io::ItemRecord& rec = records_[chapter.first_item + k];
    rec.write_s = chapter.output_length > 0
                      ? seconds * static_cast<double>(rec.output_length) / rows
                      : seconds / chapter.items;
  }
  if (parts_ && computed_here) parts_->add(chapter, out, records_.data() + chapter.first_item);
}

}  // namespace mpibatch::pipeline
