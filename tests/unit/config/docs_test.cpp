// docs/config.md documents every key; its example job and the example site profiles in
// configs/ load.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

const std::string kSourceDir = MPIBATCH_SOURCE_DIR;

/// The first ```yaml block after `heading` in `markdown`.
std::string yaml_block_after(const std::string& markdown, const std::string& heading) {
  const auto at = markdown.find(heading);
  if (at == std::string::npos) return {};
  const std::string fence = "```yaml\n";
  const auto begin = markdown.find(fence, at);
  if (begin == std::string::npos) return {};
  const auto end = markdown.find("```", begin + fence.size());
  return markdown.substr(begin + fence.size(), end - begin - fence.size());
}

TEST(ConfigDocs, EveryAcceptedKeyIsDocumentedInBackquotes) {
  const std::string docs = mpibatch::testing::read_file(kSourceDir + "/docs/config.md");
  for (const auto& key : accepted_keys()) {
    EXPECT_NE(docs.find("`" + key + "`"), std::string::npos)
        << key << " is not documented in docs/config.md";
  }
}

TEST(ConfigDocs, DocumentsTheLayersAndTheSiteProfileOptions) {
  const std::string docs = mpibatch::testing::read_file(kSourceDir + "/docs/config.md");
  for (const char* topic : {"--set", "--site", "--output", kSiteEnvVar, "effective"}) {
    EXPECT_NE(docs.find(topic), std::string::npos) << topic;
  }
}

TEST_F(ConfigTest, TheExampleJobInTheDocsLoads) {
  const std::string docs = mpibatch::testing::read_file(kSourceDir + "/docs/config.md");
  const std::string example = yaml_block_after(docs, "## Example job");
  ASSERT_FALSE(example.empty()) << "no ```yaml block after '## Example job'";
  LoadOptions options = job(example, "jobs/moby-dick.yaml");
  options.check_paths = false;
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.job.name, "moby-dick");
}

class SiteProfileTest : public ConfigTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(SiteProfileTest, LoadsAndMergesUnderAJob) {
  const std::string site = kSourceDir + "/configs/" + GetParam();
  LoadOptions options = job(std::string(kMinimalJob) + "runtime:\n  interop_threads: 3\n");
  const JobConfig without_site = load_job_config(options);
  options.site_file = site;
  const JobConfig with_site = load_job_config(options);
  EXPECT_NE(with_site.effective_yaml, without_site.effective_yaml)
      << GetParam() << " changes nothing";
  EXPECT_EQ(with_site.runtime.interop_threads, 3);  // the job wins
  EXPECT_EQ(with_site.input.paths, std::vector<std::string>{abs("book")});
}

INSTANTIATE_TEST_SUITE_P(Configs, SiteProfileTest,
                         ::testing::Values("workstation.yaml", "cluster.yaml"));

TEST_F(ConfigTest, WorkstationProfileValues) {
  LoadOptions options = job(kMinimalJob);
  options.site_file = kSourceDir + "/configs/workstation.yaml";
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.runtime.device, "auto");
  EXPECT_EQ(config.runtime.on_missing_gpu, "fallback");
  EXPECT_TRUE(config.output.overwrite);
  EXPECT_EQ(config.output.compression, 1);
}

TEST_F(ConfigTest, ClusterProfileValues) {
  LoadOptions options = job(kMinimalJob);
  options.site_file = kSourceDir + "/configs/cluster.yaml";
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.runtime.device, "cuda");
  EXPECT_EQ(config.runtime.on_missing_gpu, "error");
  EXPECT_EQ(config.output.compression, 4);
}

}  // namespace
}  // namespace mpibatch::config::testing
