// The bad-input corpus (tests/bad_inputs/cases.txt, issue 8 point 5): every case runs
// `mpibatch run` under mpiexec and must end by itself, within its time bound, with the expected
// exit code and message, and without writing anything. One gtest per case, named after it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "job_fixture.h"

namespace fs = std::filesystem;
using mpibatch::testing::mpibatch_binary;
using mpibatch::testing::mpibatch_under_mpiexec;
using mpibatch::testing::ProcessResult;
using mpibatch::testing::run_shell;
using mpibatch::testing::shell_quote;
using mpibatch::testing::TempDir;
using mpibatch::testing::Workspace;

namespace {

const fs::path kCorpus = fs::path(MPIBATCH_SOURCE_DIR) / "tests" / "bad_inputs";
constexpr int kDefaultTimeoutS = 120;

/// One `case` block of cases.txt.
struct BadInputCase {
  std::string name;
  std::string bad;
  std::vector<std::string> setup;
  std::vector<std::string> needs;
  int ranks = 2;
  std::string args;
  int exit_code = -1;
  std::vector<std::string> expect;
  int timeout_s = kDefaultTimeoutS;
  std::string known;
  int line = 0;
};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// Parses cases.txt; a malformed line throws with its number.
std::vector<BadInputCase> load_cases() {
  const fs::path manifest = kCorpus / "cases.txt";
  std::ifstream in(manifest);
  if (!in) throw std::runtime_error("cannot read " + manifest.string());
  std::vector<BadInputCase> cases;
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto fail = [&](const std::string& why) {
      throw std::runtime_error(manifest.string() + ":" + std::to_string(number) + ": " + why);
    };
    if (line.rfind("case ", 0) == 0) {
      cases.emplace_back();
      cases.back().name = trim(line.substr(5));
      cases.back().line = number;
      continue;
    }
    const auto colon = line.find(':');
    if (cases.empty() || colon == std::string::npos) fail("expected `case NAME` or `key: value`");
    BadInputCase& c = cases.back();
    const std::string key = line.substr(0, colon);
    const std::string value = trim(line.substr(colon + 1));
    if (key == "bad") {
      c.bad = value;
    } else if (key == "setup") {
      c.setup.push_back(value);
    } else if (key == "needs") {
      c.needs.push_back(value);
    } else if (key == "run") {
      const auto space = value.find(' ');
      c.ranks = std::stoi(value.substr(0, space));
      c.args = space == std::string::npos ? "" : value.substr(space + 1);
    } else if (key == "exit") {
      c.exit_code = std::stoi(value);
    } else if (key == "expect") {
      c.expect.push_back(value);
    } else if (key == "timeout") {
      c.timeout_s = std::stoi(value);
    } else if (key == "known") {
      c.known = value;
    } else {
      fail("unknown key '" + key + "'");
    }
  }
  for (const BadInputCase& c : cases) {
    if (c.exit_code < 0 || c.expect.empty()) {
      throw std::runtime_error(manifest.string() + ":" + std::to_string(c.line) + ": case " +
                               c.name + " needs `exit:` and at least one `expect:`");
    }
  }
  return cases;
}

const std::vector<BadInputCase>& all_cases() {
  static const std::vector<BadInputCase> cases = load_cases();
  return cases;
}

/// What every setup and run command sees: $PYTHON, $MPIBATCH, $SOURCE_DIR, $SHARED.
std::string exports(const fs::path& shared) {
  return "export PYTHON=" + shell_quote(MPIBATCH_PYTHON) + " MPIBATCH=" + mpibatch_binary() +
         " SOURCE_DIR=" + shell_quote(MPIBATCH_SOURCE_DIR) +
         " SHARED=" + shell_quote(shared.string()) + "; ";
}

/// Copies the good job, the workspace's book and model into `dir`.
void copy_good_job(const fs::path& dir) {
  const Workspace& ws = Workspace::get();
  fs::create_directories(dir);
  fs::copy_file(kCorpus / "job.yaml", dir / "job.yaml");
  fs::copy_file(ws.model(), dir / "model.pt");
  fs::copy(ws.book(), dir / "book", fs::copy_options::recursive);
}

/// Files shared by the cases, made once per test binary when a case needs them.
class Shared {
 public:
  static Shared& get() {
    static Shared shared;
    return shared;
  }
  fs::path path() const { return dir_.path(); }

  /// "" when ready, else why it could not be made.
  std::string ensure(const std::string& need) {
    if (auto it = made_.find(need); it != made_.end()) return it->second;
    std::string problem;
    if (need == "bad_models") {
      const auto run = run_shell(
          exports(path()) + shell_quote(MPIBATCH_PYTHON) + " " + shell_quote(MPIBATCH_SOURCE_DIR) +
          "/tests/python/make_bad_models.py " + shell_quote((path() / "bad").string()));
      if (run.exit_code != 0) problem = "make_bad_models.py failed:\n" + run.output;
    } else if (need == "result") {
      const fs::path good = path() / "good";
      copy_good_job(good);
      const auto run = run_shell("cd " + shell_quote(good.string()) + " && " +
                                 mpibatch_under_mpiexec(1) + " run job.yaml");
      if (run.exit_code != 0) problem = "the good job failed:\n" + run.output;
      fs::copy_file(good / "job.h5", path() / "job.h5");
    } else {
      problem = "unknown need '" + need + "'";
    }
    return made_[need] = problem;
  }

 private:
  Shared() = default;
  TempDir dir_;
  std::map<std::string, std::string> made_;
};

/// Every regular file under `dir` with its size and modification time.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code ignored;
    if (!it->is_regular_file(ignored)) continue;
    const auto size = fs::file_size(it->path(), ignored);
    const auto time = fs::last_write_time(it->path(), ignored).time_since_epoch().count();
    files[fs::relative(it->path(), dir).string()] =
        std::to_string(size) + "@" + std::to_string(time);
  }
  return files;
}

/// Names the case in gtest's messages (instead of the struct's bytes).
void PrintTo(const BadInputCase& c, std::ostream* out) { *out << c.name; }

bool is_root() { return geteuid() == 0; }

class BadInputCorpus : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInputCorpus, Run) {
  const BadInputCase& c = GetParam();
  const bool run_known = std::getenv("MPIBATCH_RUN_KNOWN_FAILURES") != nullptr;
  if (!c.known.empty() && !run_known) {
    GTEST_SKIP() << "known failure (tests/bad_inputs/cases.txt:" << c.line << "): " << c.known;
  }
  std::string wrapper;
  for (const std::string& need : c.needs) {
    if (need == "no_dac_override") {
      if (!is_root()) continue;  // permission bits already apply
      if (run_shell("setpriv --version").exit_code != 0) {
        GTEST_SKIP() << "running as root without setpriv: permission bits cannot be tested";
      }
      wrapper = "setpriv --bounding-set -dac_override,-dac_read_search ";
    } else if (need == "no_gpu") {
      if (fs::exists("/dev/nvidia0")) GTEST_SKIP() << "a GPU is present (/dev/nvidia0)";
    } else {
      const std::string problem = Shared::get().ensure(need);
      ASSERT_TRUE(problem.empty()) << problem;
    }
  }

  TempDir work;
  const fs::path dir = work.path() / c.name;
  copy_good_job(dir);
  if (fs::is_directory(kCorpus / c.name)) {
    fs::copy(kCorpus / c.name, dir, fs::copy_options::recursive);
  }
  const std::string prefix =
      exports(Shared::get().path()) + "cd " + shell_quote(dir.string()) + " && ";
  for (const std::string& step : c.setup) {
    const ProcessResult made = run_shell(prefix + "(" + step + ")");
    ASSERT_EQ(made.exit_code, 0) << "setup failed: " << step << "\n" << made.output;
  }
  const auto before = snapshot(dir);

  const std::string command = prefix + "timeout -k 10 " + std::to_string(c.timeout_s) + " " +
                              wrapper + mpibatch_under_mpiexec(c.ranks) + " run " + c.args;
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult run = run_shell(command);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run_shell("chmod -R u+rwX " + shell_quote(dir.string()));  // so that TempDir can remove it

  const std::string context = "case " + c.name + " (" + c.bad + ")\ncommand: mpibatch run " +
                              c.args + "\nexit code " + std::to_string(run.exit_code) + " after " +
                              std::to_string(seconds) + " s; output:\n" + run.output;
  ASSERT_NE(run.exit_code, 124) << "HANG: no end within " << c.timeout_s << " s\n" << context;
  ASSERT_LT(run.exit_code, 128) << "killed by a signal\n" << context;
  for (const char* crash : {"exited on signal", "Segmentation fault", "terminate called",
                            "core dumped", "AddressSanitizer", "runtime error:"}) {
    EXPECT_EQ(run.output.find(crash), std::string::npos) << "crash: " << crash << "\n" << context;
  }
  EXPECT_EQ(run.exit_code, c.exit_code) << context;
  for (const std::string& text : c.expect) {
    EXPECT_NE(run.output.find(text), std::string::npos) << "expected message: " << text << "\n"
                                                        << context;
  }
  const auto after = snapshot(dir);
  for (const auto& [file, stamp] : after) {
    const auto was = before.find(file);
    EXPECT_TRUE(was != before.end() && was->second == stamp)
        << "left behind or changed: " << file << "\n"
        << context;
  }
  for (const auto& [file, stamp] : before) {
    EXPECT_TRUE(after.count(file)) << "removed: " << file << "\n" << context;
  }
}

std::string case_name(const ::testing::TestParamInfo<BadInputCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Case, BadInputCorpus, ::testing::ValuesIn(all_cases()), case_name);

/// The manifest is the one list: each folder of tests/bad_inputs/ belongs to a case.
TEST(BadInputCorpusManifest, EveryFolderIsACase) {
  std::map<std::string, int> names;
  for (const BadInputCase& c : all_cases()) {
    EXPECT_EQ(++names[c.name], 1) << "case listed twice: " << c.name;
  }
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (!entry.is_directory()) continue;
    EXPECT_TRUE(names.count(entry.path().filename().string()))
        << entry.path() << " is not a case in cases.txt";
  }
}

}  // namespace
