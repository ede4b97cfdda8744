// H5ResultWriter: atomic commit, discard, overwrite policy, bad locations, bad outputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "mpibatch/error.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/io/result_reader.h"
#include "sample_run.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace mpibatch::io {
namespace {

namespace fs = std::filesystem;
using namespace mpibatch::io::testing;
using mpibatch::testing::read_file;
using mpibatch::testing::TempDir;
using ::testing::HasSubstr;

using mpibatch::testing::message_of;

TEST(H5ResultWriter, FinalFileAppearsOnlyOnCommit) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  H5ResultWriter writer(path, {});
  EXPECT_EQ(writer.final_path(), path);
  EXPECT_EQ(writer.partial_path(), path + ".partial");
  EXPECT_TRUE(fs::exists(path + ".partial"));
  EXPECT_FALSE(fs::exists(path));
  writer.write_chapter(sample_chapter(0, 3, 0, "one"), sample_output(3));
  EXPECT_FALSE(fs::exists(path));
  writer.commit(sample_info(), {sample_chapter(0, 3, 0, "one")}, {}, {});
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".partial"));
  writer.discard();  // no effect after commit
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(ResultReader(path).chapters().size(), 1u);
}

TEST(H5ResultWriter, DiscardRemovesThePartialFile) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  H5ResultWriter writer(path, {});
  writer.write_chapter(sample_chapter(0, 3, 0, "one"), sample_output(3));
  writer.discard();
  EXPECT_FALSE(fs::exists(path + ".partial"));
  EXPECT_FALSE(fs::exists(path));
  writer.discard();  // twice is harmless
  EXPECT_THROW(writer.write_chapter(sample_chapter(1, 1, 3, "two"), sample_output(1)), IoError);
  EXPECT_THROW(writer.commit(sample_info(), {}, {}, {}), IoError);
  EXPECT_FALSE(fs::exists(path));
}

TEST(H5ResultWriter, DestructorWithoutCommitRemovesThePartialFile) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  {
    H5ResultWriter writer(path, {});
    writer.write_chapter(sample_chapter(0, 3, 0, "one"), sample_output(3));
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(H5ResultWriter, RefusesAnExistingFileWithoutOverwrite) {
  TempDir dir;
  const std::string path = dir.write("out.h5", "precious");
  const std::string message = message_of<InputError>([&] { H5ResultWriter writer(path, {}); });
  EXPECT_THAT(message, HasSubstr("'" + path + "' already exists"));
  EXPECT_THAT(message, HasSubstr("--set output.overwrite=true"));
  EXPECT_EQ(read_file(path), "precious");
  EXPECT_FALSE(fs::exists(path + ".partial"));
}

TEST(H5ResultWriter, OverwriteReplacesTheFileOnlyOnCommit) {
  TempDir dir;
  const std::string path = dir.write("out.h5", "old result");
  {
    H5ResultWriter writer(path, {0, true});
    writer.write_chapter(sample_chapter(0, 3, 0, "one"), sample_output(3));
    EXPECT_EQ(read_file(path), "old result");
  }  // not committed: the old file stays
  EXPECT_EQ(read_file(path), "old result");
  {
    H5ResultWriter writer(path, {0, true});
    writer.commit(sample_info(), {}, {}, {});
  }
  EXPECT_EQ(ResultReader(path).info().job_name, sample_info().job_name);
  EXPECT_FALSE(fs::exists(path + ".partial"));
}

TEST(H5ResultWriter, UnwritableLocationIsAnInputErrorWithTheReason) {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/out.h5");
  InputError error("");
  try {
    H5ResultWriter writer(path, {});
    FAIL() << "no exception";
  } catch (const InputError& e) {
    error = e;
  }
  EXPECT_EQ(std::string(error.what()), "output.path: cannot create '" + path +
                                           ".partial': No such file or directory; choose a "
                                           "writable --output");
  EXPECT_EQ(error.exit_code(), ExitCode::kBadInput);
}

TEST(H5ResultWriter, ReadOnlyDirectoryIsAnInputError) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir dir;
  fs::create_directory(dir.path() / "ro");
  fs::permissions(dir.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message =
      message_of<InputError>([&] { H5ResultWriter writer(dir.file("ro/out.h5"), {}); });
  EXPECT_THAT(message, HasSubstr("Permission denied; choose a writable --output"));
  fs::permissions(dir.path() / "ro", fs::perms::owner_all);
}

TEST(H5ResultWriter, DirectoryAsOutputIsAnInputError) {
  TempDir dir;
  const std::string message = message_of<InputError>([&] {
    H5ResultWriter writer(dir.path().string(), {0, true});
  });
  EXPECT_THAT(message, HasSubstr("is a directory"));
}

TEST(H5ResultWriter, RejectsInconsistentOutputsAndStaysUsable) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  H5ResultWriter writer(path, {});
  const auto chapter = sample_chapter(0, 3, 0, "one");

  auto too_few_offsets = sample_output(3);
  too_few_offsets.offsets.pop_back();
  EXPECT_THAT(message_of<IoError>([&] { writer.write_chapter(chapter, too_few_offsets); }),
              HasSubstr("3 offsets for 3 items"));

  auto short_values = sample_output(3);
  short_values.values.pop_back();
  EXPECT_THAT(message_of<IoError>([&] { writer.write_chapter(chapter, short_values); }),
              HasSubstr("5 values where the offsets and feature_shape need 6"));

  auto decreasing = sample_output(3);
  std::swap(decreasing.offsets[1], decreasing.offsets[2]);
  EXPECT_THROW(writer.write_chapter(chapter, decreasing), IoError);

  auto bad_shape = sample_output(3, {0});
  EXPECT_THROW(writer.write_chapter(chapter, bad_shape), IoError);

  writer.write_chapter(chapter, sample_output(3));
  EXPECT_THAT(message_of<IoError>([&] { writer.write_chapter(chapter, sample_output(3)); }),
              HasSubstr("chapter 0 is written twice"));
  writer.commit(sample_info(), {chapter}, {}, {});
  EXPECT_EQ(ResultReader(path).chapter_output(0).offsets, sample_output(3).offsets);
  EXPECT_THROW(writer.write_chapter(sample_chapter(1, 1, 3, "late"), sample_output(1)), IoError);
  EXPECT_THROW(writer.commit(sample_info(), {}, {}, {}), IoError);
}

TEST(H5ResultWriter, LeftoverPartialFromACrashIsReplaced) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  dir.write("out.h5.partial", "half a file from a crashed run");
  {
    H5ResultWriter writer(path, {});
    writer.commit(sample_info(), {}, {}, {});
  }
  EXPECT_EQ(ResultReader(path).info().world_size, 3);
  EXPECT_FALSE(fs::exists(path + ".partial"));
}

}  // namespace
}  // namespace mpibatch::io
