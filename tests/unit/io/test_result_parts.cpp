// ResultParts (NOTE [result parts]): finished chapters committed as small result files while a
// job runs, readable by ResultReader, numbered on after an earlier run's, never fatal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "mpibatch/io/result_parts.h"
#include "mpibatch/io/result_reader.h"
#include "sample_run.h"
#include "support/temp_dir.h"

namespace mpibatch::io::testing {
namespace {

namespace fs = std::filesystem;
using mpibatch::testing::TempDir;
using ::testing::ElementsAre;

/// The rows of chapter `chapter` (3 items from id 3 * chapter), all ok.
std::vector<ItemRecord> rows_of(std::uint32_t chapter) {
  std::vector<ItemRecord> rows;
  for (std::uint64_t id = 3 * chapter; id < 3 * chapter + 3; ++id) {
    ItemRecord item = sample_item(id);
    item.status = ItemStatus::kOk;
    item.error.clear();
    item.output_length = static_cast<std::int64_t>(id % 3) + 1;  // sample_output's rows
    rows.push_back(item);
  }
  return rows;
}

void add_chapter(ResultParts& parts, std::uint32_t chapter) {
  const std::vector<ItemRecord> rows = rows_of(chapter);
  parts.add(sample_chapter(chapter, 3, 3 * chapter, "ch" + std::to_string(chapter)),
            sample_output(3, {}, 100.0f * static_cast<float>(chapter)), rows.data());
}

TEST(ResultParts, NothingIsCommittedBeforeTheInterval) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  {
    ResultParts parts(out, sample_info(), {3600.0, 0});
    add_chapter(parts, 0);
    EXPECT_FALSE(parts.due());
  }  // dropped uncommitted: no part, no stray file
  EXPECT_TRUE(ResultParts::list(out).empty());
  for (const auto& entry : fs::directory_iterator(ResultParts::folder(out))) {
    ADD_FAILURE() << "left behind: " << entry.path();
  }
}

TEST(ResultParts, ACommittedPartIsAResultFileOfItsChapters) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  ResultParts parts(out, sample_info(), {1e-6, 0});
  EXPECT_FALSE(parts.due());  // nothing to commit
  add_chapter(parts, 1);
  add_chapter(parts, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(parts.due());
  parts.commit();
  EXPECT_FALSE(parts.due());
  ASSERT_THAT(ResultParts::list(out), ElementsAre(out + ".parts/part-000001.h5"));

  const ResultReader part(ResultParts::list(out).front());
  EXPECT_EQ(part.info().job_hash, sample_info().job_hash);
  EXPECT_EQ(part.info().attempt, sample_info().attempt);
  ASSERT_EQ(part.chapters().size(), 2u);
  EXPECT_EQ(part.chapters()[0].index, 1u);
  const std::vector<ItemRecord> items = part.items();
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items.front().id, 3u);
  EXPECT_EQ(items.back().id, 8u);
  const ChapterOutput two = part.chapter_output(2);
  EXPECT_EQ(two.offsets, sample_output(3, {}, 200.0f).offsets);
  EXPECT_EQ(two.values, sample_output(3, {}, 200.0f).values);
  EXPECT_TRUE(part.ranks().empty());

  add_chapter(parts, 3);  // opens the next part
  parts.commit();
  EXPECT_EQ(ResultParts::list(out).size(), 2u);
}

TEST(ResultParts, NumbersGoOnAfterAnEarlierRunsParts) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  for (int run = 0; run < 2; ++run) {
    ResultParts parts(out, sample_info(), {1e-6, 0});
    add_chapter(parts, static_cast<std::uint32_t>(run));
    parts.commit();
  }
  dir.write("out.h5.parts/notes.txt", "not a part");
  EXPECT_THAT(ResultParts::list(out),
              ElementsAre(out + ".parts/part-000001.h5", out + ".parts/part-000002.h5"));
  ResultParts::remove_all(out);
  EXPECT_FALSE(fs::exists(ResultParts::folder(out)));
  EXPECT_TRUE(ResultParts::list(out).empty());
}

TEST(ResultParts, AFailureTurnsPartsOffWithoutThrowing) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  dir.write("out.h5.parts", "a file where the folder should be");
  ResultParts parts(out, sample_info(), {1e-6, 0});
  EXPECT_NO_THROW(add_chapter(parts, 0));
  EXPECT_FALSE(parts.due());
  EXPECT_NO_THROW(add_chapter(parts, 1));  // off: not tried again
  EXPECT_TRUE(ResultParts::list(out).empty());
}

}  // namespace
}  // namespace mpibatch::io::testing
