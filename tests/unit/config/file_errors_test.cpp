// Job files that cannot be read, are not YAML or are empty; missing required keys.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;

TEST_F(ConfigTest, BrokenYamlIsOneProblemWithLineAndColumn) {
  const LoadOptions options =
      job("input:\n"
          "  path: book\n"
          "model:\n"
          "  path: model.pt: x\n"
          "  batch_size: -3\n",
          "jobs/x.yaml");
  EXPECT_THAT(load_problems(options),
              ElementsAre("jobs/x.yaml:4:17: invalid YAML: illegal map value"));
}

TEST_F(ConfigTest, BrokenYamlAtTheEndOfTheFile) {
  const LoadOptions options = job("input:\n  extensions: [.txt, .md\n", "jobs/x.yaml");
  EXPECT_THAT(load_problems(options),
              ElementsAre("jobs/x.yaml:3:1: invalid YAML: end of sequence flow not found"));
}

TEST_F(ConfigTest, BrokenSiteProfileIsReportedWithItsName) {
  dir_.write("site.yaml", "runtime:\n  device: cpu\n threads_per_rank: 2\n");
  LoadOptions options = job(kMinimalJob);
  options.site_file = "site.yaml";
  EXPECT_THAT(load_problems(options),
              ElementsAre("site.yaml:3:2: invalid YAML: end of map not found"));
}

TEST_F(ConfigTest, MissingJobFile) {
  LoadOptions options;
  options.job_file = "jobs/none.yaml";
  EXPECT_THAT(load_problems(options),
              ElementsAre("jobs/none.yaml: cannot read job file: No such file or directory"));
}

TEST_F(ConfigTest, JobFileThatIsADirectory) {
  dir_.write("jobs/x.yaml", kMinimalJob);
  LoadOptions options;
  options.job_file = "jobs";
  EXPECT_THAT(load_problems(options), ElementsAre("jobs: cannot read job file: it is a directory"));
}

TEST_F(ConfigTest, NoJobFileGiven) {
  EXPECT_THAT(load_problems(LoadOptions{}),
              ElementsAre("no job file given; usage: mpibatch run JOB.yaml"));
}

TEST_F(ConfigTest, EmptyJobFile) {
  EXPECT_THAT(load_problems(job("", "jobs/x.yaml")), ElementsAre("jobs/x.yaml: job file is empty"));
  EXPECT_THAT(load_problems(job("# only a comment\n\n", "jobs/y.yaml")),
              ElementsAre("jobs/y.yaml: job file is empty"));
}

TEST_F(ConfigTest, MissingRequiredKeys) {
  EXPECT_THAT(load_problems(job("job:\n  name: demo\n")),
              ElementsAre("input.path: required; the book: a folder, a text, Markdown, HTML or "
                          "EPUB file, or a list of them",
                          "model.path: required; the TorchScript model file (.pt) to run"));
}

TEST_F(ConfigTest, RequiredKeyGivenEmptyNamesWhere) {
  EXPECT_THAT(load_problems(job("input:\n  path: ''\nmodel:\n  path: model.pt\n")),
              ElementsAre("input.path: required; the book: a folder, a text, Markdown, HTML or "
                          "EPUB file, or a list of them "
                          "(job.yaml:2)"));
}

TEST_F(ConfigTest, ErrorMessageHasOneProblemPerLine) {
  try {
    load_job_config(job("job:\n  name: demo\n"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "input.path: required; the book: a folder, a text, Markdown, HTML or EPUB file, "
                 "or a list of them\n"
                 "model.path: required; the TorchScript model file (.pt) to run");
    EXPECT_EQ(e.exit_code(), ExitCode::kBadInput);
  }
}

}  // namespace
}  // namespace mpibatch::config::testing
