// Path resolution (against the file's folder, or the working directory for --set and
// --output), normalisation, path checks and the path defaults.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;

TEST_F(ConfigTest, RelativePathsInAFileAreResolvedAgainstItsFolder) {
  const LoadOptions options =
      job("input:\n"
          "  path: ../book\n"
          "model:\n"
          "  path: ../model.pt\n"
          "runtime:\n"
          "  log_dir: logs\n"
          "output:\n"
          "  path: out/result.h5\n",
          "jobs/x.yaml");
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.input.paths, std::vector<std::string>{abs("book")});
  EXPECT_EQ(config.model.path, abs("model.pt"));
  EXPECT_EQ(config.runtime.log_dir, abs("jobs/logs"));
  EXPECT_EQ(config.output.path, abs("jobs/out/result.h5"));
}

TEST_F(ConfigTest, RelativePathsFromSetAndOutputAreResolvedAgainstTheWorkingDirectory) {
  LoadOptions options = job("job:\n  name: demo\n", "jobs/x.yaml");
  options.overrides = {"input.path=book", "model.path=./model.pt", "runtime.log_dir=logs"};
  options.output_path = "out/result.h5";
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.input.paths, std::vector<std::string>{abs("book")});
  EXPECT_EQ(config.model.path, abs("model.pt"));
  EXPECT_EQ(config.runtime.log_dir, abs("logs"));
  EXPECT_EQ(config.output.path, abs("out/result.h5"));
}

TEST_F(ConfigTest, RelativePathsInASiteProfileAreResolvedAgainstItsFolder) {
  dir_.write("site/profile.yaml", "runtime:\n  log_dir: ../logs/site\n");
  LoadOptions options = job(kMinimalJob);
  options.site_file = "site/profile.yaml";
  EXPECT_EQ(load_job_config(options).runtime.log_dir, abs("logs/site"));
}

TEST_F(ConfigTest, PathsAreNormalisedAndAbsolutePathsKept) {
  const LoadOptions options =
      job("input:\n"
          "  path: ./book/../book/\n"
          "model:\n"
          "  path: " +
          abs("model.pt") +
          "\n"
          "runtime:\n"
          "  log_dir: /var/log//mpibatch/./\n");
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.input.paths, std::vector<std::string>{abs("book")});
  EXPECT_EQ(config.model.path, abs("model.pt"));
  EXPECT_EQ(config.runtime.log_dir, "/var/log/mpibatch");
}

TEST_F(ConfigTest, TildeIsTheHomeDirectory) {
  ScopedEnv home("HOME", "/home/reader");
  const LoadOptions options = job(std::string(kMinimalJob) + "runtime:\n  log_dir: ~/logs\n");
  EXPECT_EQ(load_job_config(options).runtime.log_dir, "/home/reader/logs");
}

TEST_F(ConfigTest, InputMayBeASingleFile) {
  const LoadOptions options = job("input:\n  path: book/chapter1.txt\nmodel:\n  path: model.pt\n");
  EXPECT_EQ(load_job_config(options).input.paths,
            std::vector<std::string>{abs("book/chapter1.txt")});
}

TEST_F(ConfigTest, PathChecksReportMissingInputAndModel) {
  const LoadOptions options =
      job("input:\n"           // 1
          "  path: novel\n"    // 2
          "model:\n"           // 3
          "  path: tts.pt\n",  // 4
          "jobs/x.yaml");
  EXPECT_THAT(load_problems(options),
              ElementsAre("input.path: no such file or directory '" + abs("jobs/novel") +
                              "' (jobs/x.yaml:2)",
                          "model.path: no such file '" + abs("jobs/tts.pt") + "' (jobs/x.yaml:4)"));
}

TEST_F(ConfigTest, ModelMustBeARegularFile) {
  LoadOptions options = job("input:\n  path: book\nmodel:\n  path: book\n");
  EXPECT_THAT(load_problems(options),
              ElementsAre("model.path: not a regular file '" + abs("book") + "' (job.yaml:4)"));
}

TEST_F(ConfigTest, PathChecksNameTheSetOrigin) {
  LoadOptions options = job(kMinimalJob);
  options.overrides = {"model.path=missing.pt"};
  EXPECT_THAT(load_problems(options),
              ElementsAre("model.path: no such file '" + abs("missing.pt") + "' (--set)"));
}

TEST_F(ConfigTest, PathChecksCanBeTurnedOff) {
  LoadOptions options = job("input:\n  path: novel\nmodel:\n  path: tts.pt\n");
  options.check_paths = false;
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.input.paths, std::vector<std::string>{abs("novel")});
  EXPECT_EQ(config.model.path, abs("tts.pt"));
}

TEST_F(ConfigTest, OutputPathDefaultsToTheJobNameInTheWorkingDirectory) {
  LoadOptions options = job(std::string(kMinimalJob) + "job:\n  name: moby-dick\n", "jobs/x.yaml");
  options.check_paths = false;
  const JobConfig named = load_job_config(options);
  EXPECT_EQ(named.job.name, "moby-dick");
  EXPECT_EQ(named.output.path, abs("moby-dick.h5"));
  options = job(kMinimalJob, "jobs/war_and_peace.yaml");
  options.check_paths = false;
  const JobConfig unnamed = load_job_config(options);
  EXPECT_EQ(unnamed.job.name, "war_and_peace");
  EXPECT_EQ(unnamed.output.path, abs("war_and_peace.h5"));
}

TEST_F(ConfigTest, JobFileStemThatIsNotAValidNameAsksForJobName) {
  EXPECT_THAT(load_problems(job(kMinimalJob, "my job.yaml")),
              ElementsAre("job.name: must be a non-empty string of letters, digits, '.', '_' "
                          "and '-'; got 'my job' (the default, from the job file name "
                          "my job.yaml; set job.name)"));
}

}  // namespace
}  // namespace mpibatch::config::testing
