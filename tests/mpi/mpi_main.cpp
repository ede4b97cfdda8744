// gtest main of the MPI tests (run by CTest under mpiexec -n 2 and -n 3).
//
// Every rank runs every test, in the same order (tests may call collectives). Rank 0 prints
// gtest's usual output; the other ranks print only their failures, each line prefixed with
// the rank. The exit code is non-zero on every rank when any rank failed, and rank 0 names
// the ranks that failed.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "mpi_world.h"
#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/comm/mpi_environment.h"

namespace mpibatch::testing {
namespace {

comm::MpiEnvironment* environment = nullptr;
comm::MpiCommunicator* world = nullptr;

/// Prints failed assertions and failed tests with the rank (for ranks without gtest's printer).
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit RankFailurePrinter(int rank) : rank_(rank) {}

  // NOTE: UnitTest::current_test_info() would deadlock here (gtest holds its mutex while it
  // calls listeners), so the test's name is remembered in OnTestStart.
  void OnTestStart(const ::testing::TestInfo& test) override {
    test_name_ = std::string(test.test_suite_name()) + "." + test.name();
  }
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stderr, "[rank %d] %s:%d: failure in %s\n%s\n", rank_,
                 result.file_name() ? result.file_name() : "?", result.line_number(),
                 test_name_.c_str(), result.message());
  }
  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (test.result()->Failed()) {
      std::fprintf(stderr, "[rank %d] [  FAILED  ] %s.%s\n", rank_, test.test_suite_name(),
                   test.name());
    }
  }

 private:
  int rank_;
  std::string test_name_;
};

}  // namespace

/// The job's environment and world communicator, for the tests (tests/mpi/*.cpp).
const comm::MpiEnvironment& mpi_environment() { return *environment; }
comm::MpiCommunicator& mpi_world() { return *world; }

}  // namespace mpibatch::testing

int main(int argc, char** argv) {
  namespace comm = mpibatch::comm;
  comm::MpiEnvironment environment(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  comm::MpiCommunicator world(environment);
  mpibatch::testing::environment = &environment;
  mpibatch::testing::world = &world;

  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (world.rank() != 0) {
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new mpibatch::testing::RankFailurePrinter(world.rank()));
  }
  const int failed_here = RUN_ALL_TESTS() != 0 ? 1 : 0;

  const auto verdicts = world.gather(failed_here ? "1" : "0", 0);
  const int failed_anywhere = world.all_reduce_max(failed_here);
  if (world.rank() == 0) {
    std::string failed_ranks;
    for (std::size_t r = 0; r < verdicts.size(); ++r) {
      if (verdicts[r] == "1")
        failed_ranks += (failed_ranks.empty() ? "" : ", ") + std::to_string(r);
    }
    std::printf(
        "[mpi_tests] %d ranks: %s\n", world.size(),
        failed_ranks.empty() ? "all passed" : ("FAILED on rank(s) " + failed_ranks).c_str());
    std::fflush(stdout);
  }
  world.wait_sends();
  return failed_anywhere;
}
