// Round trip through H5ResultWriter and ResultReader: every field of every record type.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/io/result_reader.h"
#include "sample_run.h"
#include "support/temp_dir.h"

namespace mpibatch::io {
namespace {

using namespace mpibatch::io::testing;
using mpibatch::testing::TempDir;

void expect_output_equal(const ChapterOutput& expected, const ChapterOutput& actual) {
  EXPECT_EQ(expected.values, actual.values);
  EXPECT_EQ(expected.offsets, actual.offsets);
  EXPECT_EQ(expected.feature_shape, actual.feature_shape);
}

TEST(H5RoundTrip, RunInfoEveryField) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  write_sample_file(path);
  const RunInfo expected = sample_info();
  const RunInfo info = ResultReader(path).info();
  EXPECT_EQ(info.tool_version, expected.tool_version);
  EXPECT_EQ(info.git_revision, expected.git_revision);
  EXPECT_EQ(info.job_name, expected.job_name);
  EXPECT_EQ(info.job_kind, expected.job_kind);
  EXPECT_EQ(info.config_yaml, expected.config_yaml);
  EXPECT_EQ(info.job_hash, expected.job_hash);
  EXPECT_EQ(info.world_size, expected.world_size);
  EXPECT_EQ(info.schedule, expected.schedule);
  EXPECT_EQ(info.start_time, expected.start_time);
  EXPECT_EQ(info.end_time, expected.end_time);
  EXPECT_EQ(info.exit_status, expected.exit_status);
  EXPECT_EQ(info.torch_version, expected.torch_version);
  EXPECT_EQ(info.mpi_version, expected.mpi_version);
  EXPECT_EQ(info.output_units, expected.output_units);
  EXPECT_EQ(info.sample_rate, expected.sample_rate);
  EXPECT_EQ(info.attempt, expected.attempt);
  EXPECT_TRUE(std::regex_match(info.hdf5_version, std::regex(R"(1\.\d+\.\d+)")))
      << info.hdf5_version;
}

TEST(H5RoundTrip, LargeConfigYamlAttribute) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  RunInfo info = sample_info();
  info.config_yaml.clear();
  for (int i = 0; i < 20000; ++i) info.config_yaml += "key_" + std::to_string(i) + ": ✓\n";
  H5ResultWriter writer(path, {});
  writer.commit(info, {}, {}, {});
  EXPECT_EQ(ResultReader(path).info().config_yaml, info.config_yaml);
}

TEST(H5RoundTrip, ItemsEveryFieldSortedById) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  std::vector<ItemRecord> items;
  for (std::uint64_t id : {4, 0, 5, 2, 1, 3}) items.push_back(sample_item(id));
  items[0].error = std::string(5000, 'x') + " — ünïcødé 失敗";
  {
    H5ResultWriter writer(path, {});
    writer.commit(sample_info(), {}, {}, items);
  }
  const std::vector<ItemRecord> read = ResultReader(path).items();
  ASSERT_EQ(read.size(), items.size());
  std::sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < items.size(); ++i) {
    SCOPED_TRACE("item " + std::to_string(i));
    expect_equal(items[i], read[i]);
  }
  EXPECT_EQ(read[1].status, ItemStatus::kFailed);
  EXPECT_EQ(read[2].status, ItemStatus::kSkipped);
}

TEST(H5RoundTrip, RanksEveryFieldIncludingPhases) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const std::vector<RankRecord> ranks = {sample_rank(2), sample_rank(0), sample_rank(1)};
  {
    H5ResultWriter writer(path, {});
    writer.commit(sample_info(), {}, ranks, {});
  }
  const std::vector<RankRecord> read = ResultReader(path).ranks();
  ASSERT_EQ(read.size(), 3u);
  expect_equal(ranks[1], read[0]);
  expect_equal(ranks[2], read[1]);
  expect_equal(ranks[0], read[2]);
  EXPECT_EQ(read[1].phase(timing::Phase::kModelLoad), 0.3 + 1);
}

TEST(H5RoundTrip, ChaptersAndOutputsInReadingOrderWhateverTheWriteOrder) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  std::vector<ChapterRecord> chapters = {sample_chapter(10, 2, 20, "Chapitre dix — «fin»"),
                                         sample_chapter(2, 4, 4, "第二章 兔子洞"),
                                         sample_chapter(0, 1, 0, "Prologue 🐇")};
  chapters[0].output_length = 999;  // the writer records what was written, not this
  {
    H5ResultWriter writer(path, {});
    for (const auto& chapter : chapters)
      writer.write_chapter(chapter, sample_output(chapter.items, {}, chapter.index * 100.0f));
    writer.commit(sample_info(), chapters, {}, {});
  }
  ResultReader reader(path);
  const std::vector<ChapterRecord> read = reader.chapters();
  ASSERT_EQ(read.size(), 3u);
  chapters[0].output_length = 3;
  expect_equal(chapters[2], read[0]);
  expect_equal(chapters[1], read[1]);
  expect_equal(chapters[0], read[2]);
  for (const auto& chapter : chapters) {
    SCOPED_TRACE("chapter " + std::to_string(chapter.index));
    expect_output_equal(sample_output(chapter.items, {}, chapter.index * 100.0f),
                        reader.chapter_output(chapter.index));
  }
  std::vector<std::string> groups;
  for (const DatasetInfo& dataset : reader.datasets())
    if (dataset.path.rfind("/results/", 0) == 0 &&
        dataset.path.find("/values") != std::string::npos)
      groups.push_back(dataset.path);
  EXPECT_EQ(groups, (std::vector<std::string>{"/results/chapter_000000/values",
                                              "/results/chapter_000002/values",
                                              "/results/chapter_000010/values"}));
}

TEST(H5RoundTrip, TwoDimensionalOutputsKeepTheirFeatureShape) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const auto chapter = sample_chapter(0, 3, 0, "mel");
  const auto matrix = sample_output(3, {80});
  const auto cube = sample_output(2, {2, 3});
  {
    H5ResultWriter writer(path, {});
    writer.write_chapter(chapter, matrix);
    writer.write_chapter(sample_chapter(1, 2, 3, "cube"), cube);
    writer.commit(sample_info(), {}, {}, {});
  }
  ResultReader reader(path);
  expect_output_equal(matrix, reader.chapter_output(0));
  expect_output_equal(cube, reader.chapter_output(1));
  for (const DatasetInfo& dataset : reader.datasets()) {
    if (dataset.path == "/results/chapter_000001/values") {
      EXPECT_EQ(dataset.shape, (std::vector<std::uint64_t>{3, 2, 3}));
      EXPECT_EQ(dataset.type, "float32");
    }
  }
}

TEST(H5RoundTrip, EmptyChaptersGetAGroupWithEmptyDatasets) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  const auto empty = sample_chapter(0, 0, 0, "empty");
  const auto never_written = sample_chapter(1, 2, 0, "all items failed");
  {
    H5ResultWriter writer(path, {});
    writer.write_chapter(empty, ChapterOutput{});
    writer.commit(sample_info(), {empty, never_written}, {}, {});
  }
  ResultReader reader(path);
  const ChapterOutput first = reader.chapter_output(0);
  EXPECT_TRUE(first.values.empty());
  EXPECT_EQ(first.offsets, (std::vector<std::int64_t>{0}));
  const ChapterOutput second = reader.chapter_output(1);
  EXPECT_TRUE(second.values.empty());
  EXPECT_EQ(second.offsets, (std::vector<std::int64_t>{0, 0, 0}));
  const auto chapters = reader.chapters();
  ASSERT_EQ(chapters.size(), 2u);
  EXPECT_EQ(chapters[1].output_length, 0);
}

TEST(H5RoundTrip, CompressedAndMultiChunkOutputs) {
  TempDir dir;
  for (int compression : {0, 4}) {
    SCOPED_TRACE("compression " + std::to_string(compression));
    const std::string path = dir.file("run" + std::to_string(compression) + ".h5");
    const auto chapter = sample_chapter(7, 1000, 0, "long");  // 500500 rows: ~2 MB, 2 chunks
    const auto output = sample_output(chapter.items);
    {
      H5ResultWriter writer(path, {compression, false});
      writer.write_chapter(chapter, output);
      writer.commit(sample_info(), {chapter}, {}, {});
    }
    expect_output_equal(output, ResultReader(path).chapter_output(7));
  }
  EXPECT_LT(std::filesystem::file_size(dir.file("run4.h5")),
            std::filesystem::file_size(dir.file("run0.h5")) / 2);
}

TEST(H5RoundTrip, EmptyRunHasEmptyTables) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  {
    H5ResultWriter writer(path, {});
    writer.commit(RunInfo{}, {}, {}, {});
  }
  ResultReader reader(path);
  EXPECT_TRUE(reader.items().empty());
  EXPECT_TRUE(reader.ranks().empty());
  EXPECT_TRUE(reader.chapters().empty());
  EXPECT_EQ(reader.info().job_kind, "infer");
}

TEST(H5RoundTrip, DatasetListingHasShapesAndTypes) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  write_sample_file(path);
  std::vector<std::string> listing;
  for (const DatasetInfo& d : ResultReader(path).datasets()) {
    std::string shape;
    for (auto dim : d.shape) shape += (shape.empty() ? "" : "x") + std::to_string(dim);
    listing.push_back(d.path + " " + d.type + " " + shape);
  }
  EXPECT_EQ(listing, (std::vector<std::string>{
                         "/chapters compound[7] 3",
                         "/items compound[16] 6",
                         "/ranks compound[28] 3",
                         "/results/chapter_000000/offsets int64 4",
                         "/results/chapter_000000/values float32 6",
                         "/results/chapter_000001/offsets int64 1",
                         "/results/chapter_000001/values float32 0",
                         "/results/chapter_000002/offsets int64 4",
                         "/results/chapter_000002/values float32 6",
                     }));
}

TEST(H5RoundTrip, SameRunGivesTheSameBytes) {
  TempDir dir;
  write_sample_file(dir.file("first.h5"));
  write_sample_file(dir.file("second.h5"));
  EXPECT_EQ(mpibatch::testing::read_file(dir.file("first.h5")),
            mpibatch::testing::read_file(dir.file("second.h5")));
}

TEST(RunRecords, StatusNames) {
  EXPECT_STREQ(to_string(ItemStatus::kOk), "ok");
  EXPECT_STREQ(to_string(ItemStatus::kFailed), "failed");
  EXPECT_STREQ(to_string(ItemStatus::kSkipped), "skipped");
}

}  // namespace
}  // namespace mpibatch::io
