// Bad input under mpiexec -n 2: one clear message from rank 0, exit code 2, no result file
// (neither the final name nor a .partial) left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "job_fixture.h"
#include "support/temp_dir.h"

using mpibatch::testing::mpibatch_binary;
using mpibatch::testing::ProcessResult;
using mpibatch::testing::read_file;
using mpibatch::testing::run_job;
using mpibatch::testing::run_shell;
using mpibatch::testing::Workspace;

namespace {

/// Runs job `name` (written with `extra` YAML) on 2 ranks and checks the common expectations.
ProcessResult expect_rejected(const std::string& name,
                              const std::map<std::string, std::string>& changes,
                              const std::string& message, const std::string& args = "") {
  auto& ws = Workspace::get();
  const ProcessResult run = run_job(2, ws.write_job(name, changes), args);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(message), std::string::npos) << "expected: " << message << "\ngot:\n"
                                                         << run.output;
  EXPECT_FALSE(std::filesystem::exists(ws.output(name)));
  EXPECT_FALSE(std::filesystem::exists(ws.output(name) + ".partial"));
  EXPECT_EQ(run.output.find("MPI_ABORT"), std::string::npos) << run.output;  // a clean exit
  return run;
}

}  // namespace

TEST(BadInput, BrokenYamlNamesTheFileAndLine) {
  auto& ws = Workspace::get();
  ws.dir().write("broken.yaml", "job:\n  name: broken\ninput: [book\nmodel:\n  path: model.pt\n");
  const ProcessResult run = run_job(2, "broken.yaml");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("broken.yaml:"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("invalid YAML"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(ws.output("broken")));
  EXPECT_FALSE(std::filesystem::exists(ws.output("broken") + ".partial"));
}

TEST(BadInput, UnknownKeySuggestsTheRightOne) {
  expect_rejected("unknown_key", {{"runtime.shedule", "static"}},
                  "runtime.shedule: unknown key; did you mean 'runtime.schedule'?");
}

TEST(BadInput, EveryProblemIsReportedAtOnce) {
  const auto run = expect_rejected(
      "several", {{"runtime.threads_per_rank", "lots"}, {"runtime.interop_threads", "0"}},
      "runtime.threads_per_rank");
  EXPECT_NE(run.output.find("runtime.interop_threads"), std::string::npos) << run.output;
}

TEST(BadInput, MissingModel) {
  expect_rejected("missing_model", {{"model.path", "nowhere.pt"}}, "model.path: no such file");
}

TEST(BadInput, CorruptModelFile) {
  Workspace::get().dir().write("garbage.pt", "this is not a TorchScript archive\n");
  expect_rejected("garbage_model", {{"model.path", "garbage.pt"}}, "garbage.pt");
}

TEST(BadInput, TruncatedModelFile) {
  auto& ws = Workspace::get();
  const std::string bytes = read_file(ws.model());
  ws.dir().write("truncated.pt", bytes.substr(0, bytes.size() / 2));
  expect_rejected("truncated_model", {{"model.path", "truncated.pt"}}, "truncated.pt");
}

TEST(BadInput, EmptyBook) {
  Workspace::get().dir().write("empty_book/chapter1.txt", "  \n\n ");
  expect_rejected("empty_book", {{"input.path", "empty_book"}}, "has no text");
}

TEST(BadInput, BookFolderWithoutChapterFiles) {
  Workspace::get().dir().write("no_chapters/cover.jpg", "x");
  expect_rejected("no_chapters", {{"input.path", "no_chapters"}}, "no chapter files");
}

TEST(BadInput, UnwritableOutput) {
  // A path below a regular file cannot be created, even by root.
  expect_rejected("unwritable", {}, "output.path: cannot create",
                  "--output book/chapter1.txt/out.h5");
}

TEST(BadUsage, MissingJobFileAndUnknownCommand) {
  const auto no_job = run_shell(mpibatch_binary() + " run");
  EXPECT_EQ(no_job.exit_code, 2) << no_job.output;
  EXPECT_NE(no_job.output.find("mpibatch run --help"), std::string::npos) << no_job.output;
  const auto unknown = run_shell(mpibatch_binary() + " frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST(BadUsage, MissingJobFileUnderMpiexec) {
  const auto run = run_job(2, "no-such-job.yaml");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("no-such-job.yaml"), std::string::npos) << run.output;
}

TEST(Cli, HelpAndVersion) {
  for (const char* command :
       {" --help", " run --help", " inspect --help", " make-model --help", " help run"}) {
    const auto run = run_shell(mpibatch_binary() + command);
    EXPECT_EQ(run.exit_code, 0) << command << "\n" << run.output;
    EXPECT_NE(run.output.find("usage:"), std::string::npos) << command;
  }
  const auto version = run_shell(mpibatch_binary() + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("mpibatch 0.", 0), 0u) << version.output;
}
