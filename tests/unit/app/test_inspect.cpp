// inspect(): the human summary of a result file written by H5ResultWriter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "mpibatch/app/inspect.h"
#include "mpibatch/error.h"
#include "mpibatch/io/h5_result_writer.h"
#include "support/temp_dir.h"

namespace mpibatch::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

io::RunInfo run_info() {
  io::RunInfo info;
  info.tool_version = "0.1.0";
  info.git_revision = "abc1234";
  info.job_name = "alice";
  info.config_yaml = "job:\n  name: alice\n";
  info.job_hash = "h123";
  info.world_size = 2;
  info.schedule = "dynamic";
  info.start_time = "2024-05-01T10:00:00.000Z";
  info.end_time = "2024-05-01T10:01:00.000Z";
  info.exit_status = 1;
  info.torch_version = "2.1.0";
  info.mpi_version = "Open MPI v4.1.4";
  info.output_units = "samples";
  info.sample_rate = 100.0;
  return info;
}

/// 2 ranks, `chapter_count` chapters of 2 items each; item 1 failed, item 2 skipped.
std::string write_file(const testing::TempDir& dir, std::uint32_t chapter_count = 2) {
  const std::string path = dir.file("run.h5");
  io::H5ResultWriter writer(path, {});
  std::vector<io::ChapterRecord> chapters;
  std::vector<io::ItemRecord> items;
  for (std::uint32_t c = 0; c < chapter_count; ++c) {
    io::ChapterRecord chapter{c, "Chapter " + std::to_string(c), "book.md", "en", 2ull * c, 2, 0};
    writer.write_chapter(chapter, {{1, 2, 3, 4, 5}, {0, 2, 5}, {}});
    chapters.push_back(chapter);
    for (std::uint32_t k = 0; k < 2; ++k) {
      io::ItemRecord item;
      item.id = 2ull * c + k;
      item.chapter = c;
      item.index = k;
      item.rank = static_cast<std::int32_t>(k);
      item.output_length = k == 0 ? 2 : 3;
      items.push_back(item);
    }
  }
  items[1].status = io::ItemStatus::kFailed;
  items[1].error = "CUDA out of memory — batch 8";
  items[2].status = io::ItemStatus::kSkipped;
  items[2].error = "empty sentence";
  io::RankRecord r0, r1;
  r0.rank = 0;
  r0.host = "node-a";
  r0.device = "cpu";
  r0.intra_threads = 4;
  r0.items = 2;
  r0.wall_s = 60.0;
  r0.phase_s[static_cast<std::size_t>(timing::Phase::kCompute)] = 12.5;
  r0.phase_s[static_cast<std::size_t>(timing::Phase::kWait)] = 1.25;
  r1 = r0;
  r1.rank = 1;
  r1.host = "node-bb";
  r1.device = "cuda:0";
  r1.items_failed = 1;
  writer.commit(run_info(), chapters, {r1, r0}, items);
  return path;
}

std::string inspect_text(const std::string& path, const InspectOptions& options = {}) {
  std::ostringstream out;
  inspect(path, options, out);
  return out.str();
}

TEST(Inspect, SummarisesRunItemsRanksChaptersAndDatasets) {
  testing::TempDir dir;
  const std::string path = write_file(dir);
  const std::string text = inspect_text(path);
  EXPECT_THAT(text, HasSubstr("file       " + path + "\n"));
  EXPECT_THAT(text, HasSubstr("job        alice (infer), hash h123\n"));
  EXPECT_THAT(text, HasSubstr("tool       mpibatch 0.1.0 (git abc1234)\n"));
  EXPECT_THAT(text, HasSubstr("world      2 ranks, schedule dynamic\n"));
  EXPECT_THAT(text, HasSubstr("2024-05-01T10:00:00.000Z -> 2024-05-01T10:01:00.000Z, exit "
                              "status 1, attempt 0\n"));
  EXPECT_THAT(text, HasSubstr("libraries  torch 2.1.0, MPI Open MPI v4.1.4, HDF5 1."));
  EXPECT_THAT(text, HasSubstr("items: 4 (2 ok, 1 failed, 1 skipped)\n"));
  EXPECT_THAT(text, HasSubstr("not ok (first 2 of 2):\n"
                              "  id  chapter  index  rank  status   error\n"
                              "   1        0      1     1  failed   CUDA out of memory — batch 8\n"
                              "   2        1      0     0  skipped  empty sentence\n"));
  EXPECT_THAT(text, HasSubstr("ranks: 2\n"
                              "  rank  host     device  threads  items  failed  compute_s  wait_s"
                              "  wall_s\n"
                              "     0  node-a   cpu         4/1      2       0     12.500   1.250"
                              "  60.000\n"
                              "     1  node-bb  cuda:0      4/1      2       1     12.500   1.250"
                              "  60.000\n"));
  EXPECT_THAT(text, HasSubstr("chapters: 2, output: 10 samples at 100 Hz = 0.1 s\n"));
  EXPECT_THAT(text, HasSubstr("  /items                           compound[16]  (4,)\n"));
  EXPECT_THAT(text, HasSubstr("  /results/chapter_000001/values   float32       (5,)\n"));
  EXPECT_THAT(text, Not(HasSubstr("config")));
  EXPECT_EQ(text, inspect_text(path)) << "not deterministic";
}

TEST(Inspect, OptionsAddItemRowsAndConfigAndDropRanks) {
  testing::TempDir dir;
  const std::string path = write_file(dir);
  InspectOptions options;
  options.ranks = false;
  options.items = 2;
  options.config = true;
  const std::string text = inspect_text(path, options);
  EXPECT_THAT(text, Not(HasSubstr("ranks:")));
  EXPECT_THAT(text, HasSubstr("first 2 of 4 items:\n  id  chapter  index  rank  status"));
  EXPECT_THAT(text, HasSubstr("\n   1        0      1     1  failed  "));
  EXPECT_THAT(text, HasSubstr("config (merged job YAML):\njob:\n  name: alice\n"));
}

TEST(Inspect, LongRunsOfChapterGroupsAreCut) {
  testing::TempDir dir;
  const std::string text = inspect_text(write_file(dir, 12));
  EXPECT_THAT(text, HasSubstr("/results/chapter_000001/values"));
  EXPECT_THAT(text, HasSubstr("... 8 more chapter groups"));
  EXPECT_THAT(text, Not(HasSubstr("/results/chapter_000002/")));
  EXPECT_THAT(text, HasSubstr("/results/chapter_000011/values"));
}

TEST(Inspect, NotAResultFileIsAnInputError) {
  testing::TempDir dir;
  const std::string path = dir.write("notes.txt", "hello");
  std::ostringstream out;
  EXPECT_THROW(inspect(path, {}, out), InputError);
}

}  // namespace
}  // namespace mpibatch::app
