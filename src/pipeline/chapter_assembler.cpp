#include "chapter_assembler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "mpibatch/error.h"

namespace mpibatch::pipeline {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace

ChapterAssembler::ChapterAssembler(std::vector<io::ChapterRecord> chapters,
                                   std::uint64_t total_items, io::ResultWriter& writer,
                                   timing::PhaseTimer& timer)
    : chapters_(std::move(chapters)),
      pending_(chapters_.size()),
      records_(total_items),
      seen_(total_items, false),
      writer_(writer),
      timer_(timer) {
  for (const io::ChapterRecord& chapter : chapters_) {
    if (chapter.items == 0) write(chapter.index);
  }
}

bool ChapterAssembler::add(ItemResult&& result) {
  const std::uint64_t id = result.record.id;
  if (id >= records_.size() || result.record.chapter >= chapters_.size()) {
    throw CommError("result for unknown item " + std::to_string(id) + " from rank " +
                    std::to_string(result.record.rank));
  }
  if (seen_[id]) {
    spdlog::warn("dropping a second result for item {} (from rank {})", id, result.record.rank);
    return false;
  }
  seen_[id] = true;
  ++received_;
  if (result.record.status == io::ItemStatus::kFailed) ++failed_;

  const std::uint32_t c = result.record.chapter;
  Pending& pending = pending_[c];
  if (pending.outputs.empty()) pending.outputs.resize(chapters_[c].items);
  pending.outputs[result.record.index] = std::move(result.output);
  records_[id] = std::move(result.record);
  if (++pending.arrived == chapters_[c].items) write(c);
  return true;
}

void ChapterAssembler::write(std::uint32_t c) {
  timing::ScopedPhase phase(timer_, timing::Phase::kWrite);
  const double t0 = timer_.clock().now();
  io::ChapterRecord& chapter = chapters_[c];
  Pending& pending = pending_[c];

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
}

}  // namespace mpibatch::pipeline
