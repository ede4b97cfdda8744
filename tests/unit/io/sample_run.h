#pragma once
/// \file Sample records for the io tests: every field set to a distinct, checkable value.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/io/run_records.h"

namespace mpibatch::io::testing {

inline RunInfo sample_info() {
  RunInfo info;
  info.tool_version = "0.1.0";
  info.git_revision = "abc1234-dirty";
  info.job_name = "alice — chapitre ünïcødé 本";
  info.job_kind = "infer";
  info.config_yaml = "job:\n  name: alice\nmodel:\n  path: models/tts.pt\n";
  info.job_hash = "sha256:0123456789abcdef";
  info.world_size = 3;
  info.schedule = "dynamic";
  info.start_time = "2024-05-01T10:00:00.000Z";
  info.end_time = "2024-05-01T10:05:30.250Z";
  info.exit_status = 1;
  info.torch_version = "2.1.0";
  info.mpi_version = "Open MPI v4.1.4";
  info.output_units = "samples";
  info.sample_rate = 22050.0;
  info.attempt = 2;
  return info;
}

/// Outputs for `items` items where item k has k + 1 rows of prod(feature_shape) floats.
inline ChapterOutput sample_output(std::uint32_t items,
                                   std::vector<std::int64_t> feature_shape = {},
                                   float base = 0.0f) {
  ChapterOutput output;
  output.feature_shape = std::move(feature_shape);
  std::int64_t row_size = 1;
  for (auto dim : output.feature_shape) row_size *= dim;
  output.offsets.push_back(0);
  for (std::uint32_t k = 0; k < items; ++k) output.offsets.push_back(output.offsets.back() + k + 1);
  for (std::int64_t v = 0; v < output.offsets.back() * row_size; ++v)
    output.values.push_back(base + 0.5f * static_cast<float>(v));
  return output;
}

inline ChapterRecord sample_chapter(std::uint32_t index, std::uint32_t items,
                                    std::uint64_t first_item, std::string title) {
  ChapterRecord chapter;
  chapter.index = index;
  chapter.title = std::move(title);
  chapter.source = "books/alice/ch" + std::to_string(index) + ".md";
  chapter.first_item = first_item;
  chapter.items = items;
  chapter.output_length = static_cast<std::int64_t>(items) * (items + 1) / 2;
  return chapter;
}

inline ItemRecord sample_item(std::uint64_t id) {
  ItemRecord item;
  item.id = id;
  item.chapter = static_cast<std::uint32_t>(id / 3);
  item.index = static_cast<std::uint32_t>(id % 3);
  item.rank = static_cast<std::int32_t>(id % 2);
  item.status = static_cast<ItemStatus>(id % 3);
  item.error =
      item.status == ItemStatus::kOk ? "" : "échec: CUDA out of memory ✗ #" + std::to_string(id);
  item.batch = static_cast<std::int32_t>(id / 2);
  item.chars = static_cast<std::uint32_t>(100 + id);
  item.tokens = static_cast<std::uint32_t>(50 + id);
  item.output_length = static_cast<std::int64_t>(1000 * id + 7);
  item.start = 0.25 * static_cast<double>(id);
  item.end = 0.25 * static_cast<double>(id) + 0.125;
  item.encode_s = 0.001 * static_cast<double>(id);
  item.compute_s = 0.01 * static_cast<double>(id) + 0.5;
  item.write_s = 0.0001 * static_cast<double>(id);
  item.attempt = static_cast<std::uint32_t>(id % 4);
  return item;
}

inline RankRecord sample_rank(std::int32_t rank) {
  RankRecord r;
  r.rank = rank;
  r.host = "node-" + std::to_string(rank / 2) + ".cluster";
  r.local_rank = rank % 2;
  r.local_size = 2;
  r.device = rank == 0 ? "cpu" : "cuda:" + std::to_string(rank % 2);
  r.device_name = rank == 0 ? "AMD EPYC 7763" : "NVIDIA H100 80GB HBM3";
  r.device_reason = rank == 0 ? "auto: no GPU visible (CUDA_VISIBLE_DEVICES='')" : "auto";
  r.intra_threads = 4 + rank;
  r.interop_threads = 1 + rank;
  r.batch_size = 8 * (rank + 1);
  r.gpu_memory_total = rank == 0 ? 0 : 85899345920ULL;
  r.gpu_memory_peak = rank == 0 ? 0 : 1234567890ULL + static_cast<std::uint64_t>(rank);
  r.items = 10 + static_cast<std::uint64_t>(rank);
  r.items_failed = static_cast<std::uint64_t>(rank);
  r.start = 1.5 + rank;
  r.end = 30.25 + rank;
  r.wall_s = 42.0 + rank;
  for (std::size_t p = 0; p < r.phase_s.size(); ++p)
    r.phase_s[p] = 0.1 * static_cast<double>(p + 1) + rank;
  return r;
}

inline void expect_equal(const ItemRecord& a, const ItemRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.chapter, b.chapter);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.rank, b.rank);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.batch, b.batch);
  EXPECT_EQ(a.chars, b.chars);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.output_length, b.output_length);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.encode_s, b.encode_s);
  EXPECT_EQ(a.compute_s, b.compute_s);
  EXPECT_EQ(a.write_s, b.write_s);
  EXPECT_EQ(a.attempt, b.attempt);
}

inline void expect_equal(const RankRecord& a, const RankRecord& b) {
  EXPECT_EQ(a.rank, b.rank);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.local_rank, b.local_rank);
  EXPECT_EQ(a.local_size, b.local_size);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.device_name, b.device_name);
  EXPECT_EQ(a.device_reason, b.device_reason);
  EXPECT_EQ(a.intra_threads, b.intra_threads);
  EXPECT_EQ(a.interop_threads, b.interop_threads);
  EXPECT_EQ(a.batch_size, b.batch_size);
  EXPECT_EQ(a.gpu_memory_total, b.gpu_memory_total);
  EXPECT_EQ(a.gpu_memory_peak, b.gpu_memory_peak);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.items_failed, b.items_failed);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.wall_s, b.wall_s);
  EXPECT_EQ(a.phase_s, b.phase_s);
}

inline void expect_equal(const ChapterRecord& a, const ChapterRecord& b) {
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.first_item, b.first_item);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.output_length, b.output_length);
}

/// Writes a complete, consistent small file: chapters 0 (items 0-2), 1 (empty) and 2 (items
/// 3-5), 3 ranks; item k of a chapter has k + 1 output rows.
inline void write_sample_file(const std::string& path, H5WriterOptions options = {}) {
  H5ResultWriter writer(path, options);
  std::vector<ChapterRecord> chapters = {sample_chapter(0, 3, 0, "Down the Rabbit-Hole"),
                                         sample_chapter(1, 0, 3, "Interlude"),
                                         sample_chapter(2, 3, 3, "The Pool of Tears")};
  std::vector<ItemRecord> items;
  for (const auto& chapter : chapters) {
    writer.write_chapter(chapter, sample_output(chapter.items));
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      ItemRecord item = sample_item(items.size());
      item.chapter = chapter.index;
      item.index = k;
      item.output_length = k + 1;
      items.push_back(item);
    }
  }
  writer.commit(sample_info(), chapters, {sample_rank(0), sample_rank(1), sample_rank(2)}, items);
}

}  // namespace mpibatch::io::testing
