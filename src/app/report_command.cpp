#include "report_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "mpibatch/error.h"
#include "mpibatch/io/result_reader.h"
#include "mpibatch/report/render.h"

namespace mpibatch::app {
namespace {

void render(const std::vector<report::Analysis>& runs, const ReportArgs& args, std::ostream& out) {
  if (args.format == "text") return report::render_text(runs, out);
  if (args.format == "csv") return report::render_csv(runs, args.table, out);
  if (args.format == "json") return report::render_json(runs, out);
  return report::render_html(runs, out);
}

}  // namespace

int report_command(const ReportArgs& args) {
  if (args.files.empty() || args.files.size() > 2)
    throw UsageError(
        "mpibatch report: give one result file, or two to compare; see 'mpibatch "
        "report --help'");
  if (args.format != "text" && args.format != "csv" && args.format != "json" &&
      args.format != "html")
    throw UsageError("mpibatch report: --format " + args.format +
                     " is not a format; use text, csv, json or html");
  std::vector<report::Analysis> runs;
  for (const std::string& file : args.files)
    runs.push_back(report::analyze(report::RunData::read(io::ResultReader(file))));

  if (args.output.empty()) {
    render(runs, args, std::cout);
    return 0;
  }
  const std::string partial = args.output + ".partial";
  {
    std::ofstream out(partial, std::ios::binary);
    if (!out) throw InputError(args.output + ": cannot write the report here; check the folder");
    render(runs, args, out);
    out.flush();
    if (!out) throw InputError(args.output + ": writing the report failed (disk full?)");
  }
  if (std::rename(partial.c_str(), args.output.c_str()) != 0)
    throw InputError(args.output + ": cannot rename " + partial + " to it");
  return 0;
}

}  // namespace mpibatch::app
