#include "mpibatch/app/cli.h"

#include <spdlog/spdlog.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>

#include "doctor_command.h"
#include "logging.h"
#include "mpibatch/app/inspect.h"
#include "mpibatch/device/allocator.h"
#include "mpibatch/error.h"
#include "mpibatch/model/demo_model.h"
#include "mpibatch/version.h"
#include "probe_batch_command.h"
#include "report_command.h"
#include "run_command.h"

namespace mpibatch::app {
namespace po = boost::program_options;
namespace {

constexpr const char* kOverview =
    R"(mpibatch: run libtorch models over a book's chapters on every MPI rank

usage: mpirun -n N mpibatch run JOB.yaml [options]
       mpibatch inspect RESULT.h5 [options]
       mpibatch report RESULT.h5 [OTHER.h5] [options]
       mpirun -n N mpibatch doctor [options]
       mpibatch probe-batch MODEL.pt [options]
       mpibatch make-model OUT.pt [options]
       mpibatch help [COMMAND] | --help | --version

commands:
  run         run a job (under mpirun/srun for several ranks); results go to one HDF5 file
  inspect     show what is in a result file
  report      where the time went: ranks, balance, stragglers, timeline (two files: compare)
  doctor      what every rank sees (libtorch, CUDA, driver, GPUs) and would use, and why
  probe-batch the largest batch that fits on the device and items/s per batch size
  make-model  write the demo TorchScript model (untrained; a load generator)

exit codes: 0 ok, 1 some items failed, 2 bad input or usage, 3 runtime failure,
            4 interrupted by a signal (resumable: run again with --resume)
docs: docs/cli.md, docs/config.md, docs/reports.md, docs/hdf5-schema.md, docs/model-contract.md
)";

struct Command {
  const char* name;
  const char* argument;  ///< the positional argument, e.g. "JOB.yaml"
  const char* usage;
  po::options_description options;    ///< shown by --help
  po::options_description arguments;  ///< positional arguments, not shown as options
  po::positional_options_description positional;
};

Command run_spec(RunArgs& a) {
  Command c{"run",
            "JOB.yaml",
            "mpirun -n N mpibatch run JOB.yaml [options]\n\nJOB.yaml: the job file (reference: "
            "docs/config.md)",
            po::options_description("options"),
            {},
            {}};
  c.arguments.add_options()("job", po::value(&a.job_file)->required(), "");
  // One option per line reads best.
  // clang-format off
  c.options.add_options()
      ("set", po::value(&a.overrides)->composing(), "override a config key: --set model.batch_size=16 (repeatable)")
      ("output,o", po::value(&a.output), "result file; wins over output.path")
      ("site", po::value(&a.site), "site profile merged under the job (default: $MPIBATCH_SITE)")
      ("resume", po::bool_switch(&a.resume), "keep the ok items of the existing result file and run the rest")
      ("dry-run", po::bool_switch(&a.dry_run), "check config, book and model, show the plan; compute and write nothing")
      ("verbose,v", po::bool_switch(&a.verbose), "debug logging on every rank")
      ("help,h", "show this help");
  // clang-format on
  c.positional.add("job", 1);
  return c;
}

struct InspectArgs {
  std::string path;
  InspectOptions options;
  bool no_ranks = false;
};

Command inspect_spec(InspectArgs& a) {
  Command c{"inspect",
            "RESULT.h5",
            "mpibatch inspect RESULT.h5 [options]\n\nRESULT.h5: a file written by mpibatch run",
            po::options_description("options"),
            {},
            {}};
  c.arguments.add_options()("file", po::value(&a.path)->required(), "");
  // One option per line reads best.
  // clang-format off
  c.options.add_options()
      ("items", po::value(&a.options.items), "also list the first N item rows")
      ("config", po::bool_switch(&a.options.config), "also print the merged job configuration")
      ("no-ranks", po::bool_switch(&a.no_ranks), "leave out the per-rank table")
      ("help,h", "show this help");
  // clang-format on
  c.positional.add("file", 1);
  return c;
}

Command report_spec(ReportArgs& a) {
  Command c{"report",
            "RESULT.h5",
            "mpibatch report RESULT.h5 [OTHER.h5] [options]\n\nRESULT.h5: a file written by "
            "mpibatch run. With two files, the runs side by side with ratios (B/A). Every figure "
            "is explained in docs/reports.md.",
            po::options_description("options"),
            {},
            {}};
  c.arguments.add_options()("file", po::value(&a.files)->required(), "");
  // One option per line reads best.
  // clang-format off
  c.options.add_options()
      ("format,f", po::value(&a.format)->default_value(a.format), "text, csv, json (stable schema) or html (one self-contained page)")
      ("table", po::value(&a.table)->default_value(a.table), "csv only: summary, ranks, items (the slowest) or epochs")
      ("output,o", po::value(&a.output), "write to this file instead of stdout")
      ("help,h", "show this help");
  // clang-format on
  c.positional.add("file", 2);
  return c;
}

Command doctor_spec(DoctorArgs& a) {
  Command c{"doctor",
            "",
            "mpirun -n N mpibatch doctor [options]\n\nEvery rank reports its libtorch, CUDA, "
            "driver, GPUs and environment, the device and threads `mpibatch run` would give it, "
            "and what is wrong in plain words (docs/gpu.md). Exit code 3 when a rank cannot work "
            "as asked.",
            po::options_description("options"),
            {},
            {}};
  // One option per line reads best.
  // clang-format off
  c.options.add_options()
      ("device", po::value(&a.device)->default_value(a.device), "as runtime.device: auto, cpu, cuda or cuda:N")
      ("on-missing-gpu", po::value(&a.on_missing_gpu)->default_value(a.on_missing_gpu), "as runtime.on_missing_gpu: fallback or error")
      ("gpu-select", po::value(&a.gpu_select)->default_value(a.gpu_select), "as gpu.select: local_rank or most_free_memory")
      ("threads-per-rank", po::value(&a.threads_per_rank)->default_value(0), "as runtime.threads_per_rank; 0 = auto")
      ("json", po::bool_switch(&a.json), "print JSON (one object per rank) instead of the table")
      ("help,h", "show this help");
  // clang-format on
  return c;
}

Command probe_batch_spec(ProbeBatchArgs& a) {
  Command c{"probe-batch",
            "MODEL.pt",
            "mpibatch probe-batch MODEL.pt [options]\n\nMODEL.pt: a TorchScript model following "
            "docs/model-contract.md. Runs batches of 1, 2, 4, ... identical items until one "
            "runs out of memory, then finds the largest that fits; prints items/s per size.",
            po::options_description("options"),
            {},
            {}};
  c.arguments.add_options()("model", po::value(&a.model)->required(), "");
  // One option per line reads best.
  // clang-format off
  c.options.add_options()
      ("device", po::value(&a.device)->default_value(a.device), "as runtime.device: auto, cpu, cuda or cuda:N")
      ("precision", po::value(&a.precision)->default_value(a.precision), "as gpu.precision: fp32, fp16 or bf16")
      ("tokens", po::value(&a.probe.tokens)->default_value(a.probe.tokens), "tokens per item (your longest items: input.max_chars bytes)")
      ("max-batch", po::value(&a.probe.max_batch)->default_value(a.probe.max_batch), "largest batch size tried")
      ("repeat", po::value(&a.probe.repeat)->default_value(a.probe.repeat), "timed runs per size (median)")
      ("help,h", "show this help");
  // clang-format on
  c.positional.add("model", 1);
  return c;
}

struct MakeModelArgs {
  std::string path;
  model::DemoModelOptions options;
};

Command make_model_spec(MakeModelArgs& a) {
  Command c{"make-model",
            "OUT.pt",
            "mpibatch make-model OUT.pt [options]\n\nOUT.pt: where to write the TorchScript file",
            po::options_description("options"),
            {},
            {}};
  c.arguments.add_options()("out", po::value(&a.path)->required(), "");
  // One option per line reads best.
  // clang-format off
  c.options.add_options()
      ("channels", po::value(&a.options.channels)->default_value(a.options.channels), "width of the network")
      ("layers", po::value(&a.options.layers)->default_value(a.options.layers), "residual conv blocks")
      ("heads", po::value(&a.options.heads)->default_value(a.options.heads), "attention heads")
      ("hop-length", po::value(&a.options.hop_length)->default_value(a.options.hop_length), "output samples per input token")
      ("seed", po::value(&a.options.seed)->default_value(a.options.seed), "random seed of the weights")
      ("help,h", "show this help");
  // clang-format on
  c.positional.add("out", 1);
  return c;
}

/// This process's rank as the launcher set it (Open MPI, Slurm, MPICH/PMI), before MPI is up;
/// 0 when not launched as part of a job.
int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}

void print_help(const Command& c, std::ostream& out) {
  out << "usage: " << c.usage << "\n\n" << c.options << "\n";
}

/// Parses `args` for `c`. Returns false when --help was given (and printed).
bool parse(Command& c, const std::vector<std::string>& args) {
  po::variables_map vm;
  try {
    po::options_description all;
    all.add(c.options).add(c.arguments);
    po::store(po::command_line_parser(args).options(all).positional(c.positional).run(), vm);
    if (vm.count("help")) {
      print_help(c, std::cout);
      return false;
    }
    po::notify(vm);
  } catch (const po::required_option&) {
    throw UsageError(std::string("mpibatch ") + c.name + ": missing " + c.argument +
                     "; see 'mpibatch " + c.name + " --help'");
  } catch (const po::error& e) {
    throw UsageError(std::string("mpibatch ") + c.name + ": " + e.what() + "; see 'mpibatch " +
                     c.name + " --help'");
  }
  return true;
}

int dispatch(const std::string& command, const std::vector<std::string>& args) {
  if (command == "run") {
    RunArgs a;
    Command c = run_spec(a);
    return parse(c, args) ? run_command(a) : 0;
  }
  if (command == "doctor") {
    DoctorArgs a;
    Command c = doctor_spec(a);
    return parse(c, args) ? doctor_command(a) : 0;
  }
  setup_logging({});
  if (command == "inspect") {
    InspectArgs a;
    Command c = inspect_spec(a);
    if (!parse(c, args)) return 0;
    a.options.ranks = !a.no_ranks;
    inspect(a.path, a.options, std::cout);
    return 0;
  }
  if (command == "report") {
    ReportArgs a;
    Command c = report_spec(a);
    return parse(c, args) ? report_command(a) : 0;
  }
  if (command == "probe-batch") {
    ProbeBatchArgs a;
    Command c = probe_batch_spec(a);
    return parse(c, args) ? probe_batch_command(a) : 0;
  }
  if (command == "make-model") {
    MakeModelArgs a;
    Command c = make_model_spec(a);
    if (!parse(c, args)) return 0;
    model::write_demo_model(a.path, a.options);
    spdlog::info("wrote the demo model (untrained) to {}", a.path);
    return 0;
  }
  if (command == "help") {
    if (args.empty()) {
      std::cout << kOverview;
      return 0;
    }
    return dispatch(args[0], {"--help"});
  }
  throw UsageError("mpibatch: unknown command '" + command +
                   "'; commands: run, inspect, report, doctor, probe-batch, make-model, help");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> all(argv + 1, argv + argc);
  device::keep_freed_memory();  // NOTE [malloc]
  try {
    if (all.empty()) {
      std::cerr << kOverview;
      return static_cast<int>(ExitCode::kBadInput);
    }
    if (all[0] == "--help" || all[0] == "-h") {
      std::cout << kOverview;
      return 0;
    }
    if (all[0] == "--version") {
      std::cout << "mpibatch " << kVersion << " (" << kGitRevision << ")\n";
      return 0;
    }
    return dispatch(all[0], std::vector<std::string>(all.begin() + 1, all.end()));
  } catch (const std::exception& e) {
    // Errors before or outside an MPI run (usage, inspect, make-model): one line, printed by
    // the first rank only when a launcher started several copies.
    if (launcher_rank() == 0) std::cerr << "mpibatch: error: " << e.what() << "\n";
    return static_cast<int>(exit_code_of(e));
  }
}

}  // namespace mpibatch::app
