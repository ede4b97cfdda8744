// Precedence of the layers: defaults < site profile < job file < --set < --output.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;

TEST_F(ConfigTest, SiteProfileIsMergedUnderTheJob) {
  dir_.write("site.yaml",
             "runtime:\n"
             "  threads_per_rank: 2\n"
             "  device: cpu\n"
             "model:\n"
             "  batch_size: 4\n");
  LoadOptions options = job(std::string(kMinimalJob) + "  batch_size: 16\n");
  options.site_file = "site.yaml";
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.model.batch_size, 16);         // job over site
  EXPECT_EQ(config.runtime.threads_per_rank, 2);  // site over default
  EXPECT_EQ(config.runtime.device, "cpu");        // site over default
  EXPECT_EQ(config.runtime.interop_threads, 1);   // default
}

TEST_F(ConfigTest, SetOverridesTheJobAndTheLastSetWins) {
  LoadOptions options = job(std::string(kMinimalJob) + "  batch_size: 16\n");
  options.overrides = {"model.batch_size=32", "runtime.device=cpu", "model.batch_size=64"};
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.model.batch_size, 64);
  EXPECT_EQ(config.runtime.device, "cpu");
}

TEST_F(ConfigTest, SetValuesAreParsedAsYaml) {
  LoadOptions options = job(kMinimalJob);
  options.overrides = {"runtime.threads_per_rank=4",
                       "input.extensions=[.txt]",
                       "runtime.device=cuda:1",
                       "output.overwrite=yes",
                       "model.output_units=samples",
                       "model.sample_rate=22050",
                       "runtime={interop_threads: 3, on_missing_gpu: error}"};
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.runtime.threads_per_rank, 4);
  EXPECT_EQ(config.input.extensions, std::vector<std::string>{".txt"});
  EXPECT_EQ(config.runtime.device, "cuda:1");
  EXPECT_TRUE(config.output.overwrite);
  EXPECT_EQ(config.model.output_units, "samples");
  EXPECT_EQ(config.model.sample_rate, 22050.0);
  EXPECT_EQ(config.runtime.interop_threads, 3);
  EXPECT_EQ(config.runtime.on_missing_gpu, "error");
}

TEST_F(ConfigTest, ListsAreReplacedNotAppended) {
  dir_.write("site.yaml", "input:\n  extensions: [.txt, .text]\n");
  LoadOptions options =
      job("input:\n  path: book\n  extensions: [.md]\nmodel:\n  path: model.pt\n");
  options.site_file = "site.yaml";
  EXPECT_EQ(load_job_config(options).input.extensions, std::vector<std::string>{".md"});
}

TEST_F(ConfigTest, OutputOptionWinsOverEveryOtherLayer) {
  dir_.write("site.yaml", "output:\n  path: /site/out.h5\n");
  LoadOptions options = job(std::string(kMinimalJob) + "output:\n  path: /job/out.h5\n");
  options.site_file = "site.yaml";
  options.overrides = {"output.path=/set/out.h5"};
  options.output_path = "/cli/out.h5";
  EXPECT_EQ(load_job_config(options).output.path, "/cli/out.h5");
}

TEST_F(ConfigTest, SetWithoutEqualsIsAnErrorNamingIt) {
  LoadOptions options = job(kMinimalJob);
  options.overrides = {"foo"};
  EXPECT_THAT(load_problems(options),
              ElementsAre("--set foo: expected key.path=value, e.g. --set model.batch_size=16"));
}

TEST_F(ConfigTest, SetWithBadKeysAreErrorsReportedTogether) {
  LoadOptions options = job(kMinimalJob);
  options.overrides = {"=3", "model..batch_size=1", "model.=1", "model batch=1"};
  EXPECT_THAT(
      load_problems(options),
      ElementsAre(
          "--set =3: expected key.path=value, e.g. --set model.batch_size=16",
          "--set model..batch_size=1: expected key.path=value, e.g. --set model.batch_size=16",
          "--set model.=1: expected key.path=value, e.g. --set model.batch_size=16",
          "--set model batch=1: expected key.path=value, e.g. --set model.batch_size=16"));
}

TEST_F(ConfigTest, SetWithInvalidYamlValueIsAnError) {
  LoadOptions options = job(kMinimalJob);
  options.overrides = {"input.extensions=[.txt"};
  EXPECT_THAT(load_problems(options),
              ElementsAre("--set input.extensions=[.txt: invalid YAML: end of sequence flow not "
                          "found"));
}

TEST_F(ConfigTest, SetProblemsNameTheSetOrigin) {
  LoadOptions options = job(kMinimalJob);
  options.overrides = {"model.batch_size=-3", "runtime.shedule=static", "modle.path=x.pt"};
  EXPECT_THAT(load_problems(options),
              ElementsAre("model.batch_size: must be a positive integer, got -3 (--set)",
                          "runtime.shedule: unknown key; did you mean 'runtime.schedule'? (--set)",
                          "modle: unknown section; did you mean 'model'? (--set)"));
}

TEST_F(ConfigTest, EmptySetValueClearsAString) {
  LoadOptions options = job(std::string(kMinimalJob) + "runtime:\n  log_dir: logs\n");
  options.overrides = {"runtime.log_dir="};
  EXPECT_EQ(load_job_config(options).runtime.log_dir, "");
}

TEST_F(ConfigTest, ProblemsInTheSiteProfileAreReportedEvenWhenTheJobOverridesThem) {
  dir_.write("site.yaml",
             "runtime:\n"
             "  interop_threads: 0\n"
             "  thread_per_rank: 2\n");
  LoadOptions options = job(std::string(kMinimalJob) + "runtime:\n  interop_threads: 2\n");
  options.site_file = "site.yaml";
  EXPECT_THAT(load_problems(options),
              ElementsAre("runtime.interop_threads: must be a positive integer, got 0 "
                          "(site.yaml:2)",
                          "runtime.thread_per_rank: unknown key; did you mean "
                          "'runtime.threads_per_rank'? (site.yaml:3)"));
}

TEST_F(ConfigTest, EmptySiteProfileIsAllowed) {
  dir_.write("site.yaml", "# nothing set here yet\n");
  LoadOptions options = job(kMinimalJob);
  options.site_file = "site.yaml";
  EXPECT_EQ(load_job_config(options).model.batch_size, 8);
}

TEST_F(ConfigTest, MissingSiteProfileIsAnError) {
  LoadOptions options = job(kMinimalJob);
  options.site_file = "configs/nowhere.yaml";
  EXPECT_THAT(load_problems(options),
              ElementsAre("configs/nowhere.yaml: cannot read site profile: No such file or "
                          "directory"));
}

TEST(SiteFileFrom, CommandLineWinsOverEnvironment) {
  ScopedEnv env(kSiteEnvVar, "/etc/mpibatch/cluster.yaml");
  EXPECT_EQ(site_file_from("configs/workstation.yaml"), "configs/workstation.yaml");
  EXPECT_EQ(site_file_from(""), "/etc/mpibatch/cluster.yaml");
}

TEST(SiteFileFrom, NoneWithoutEither) {
  ScopedEnv env(kSiteEnvVar, nullptr);
  EXPECT_EQ(site_file_from(""), "");
}

}  // namespace
}  // namespace mpibatch::config::testing
