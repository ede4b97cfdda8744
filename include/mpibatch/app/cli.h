#pragma once
/// \file The mpibatch command line: `mpibatch <command> [options]` (docs/cli.md).

namespace mpibatch::app {

/// Runs the command line; returns the process exit code (mpibatch::ExitCode).
int main(int argc, char** argv);

}  // namespace mpibatch::app
