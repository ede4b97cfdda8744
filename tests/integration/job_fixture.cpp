#include "job_fixture.h"

#include <stdexcept>

namespace mpibatch::testing {

Workspace& Workspace::get() {
  static Workspace workspace;
  return workspace;
}

Workspace::Workspace() {
  const auto made = run_shell(mpibatch_binary() + " make-model " + shell_quote(model()) +
                              " --channels 32 --layers 2 --heads 2 --hop-length 16");
  if (made.exit_code != 0) throw std::runtime_error("make-model failed: " + made.output);
  dir_.write("book/chapter1.txt",
             "The keeper woke at 4:30. He lit the lamp. Mr. Hale rowed across the bay.\n\n"
             "Fog came in from the west and stayed for three days! Nobody sailed.");
  dir_.write("book/chapter2.md",
             "# Two\n\nA *long* chapter begins here. It has many sentences. Some are short. "
             "Others go on for a while, with commas, clauses, and a list of things the keeper "
             "counted: gulls, ropes, lamps, and letters.\n\n- First item.\n- Second item.\n");
  dir_.write("book/chapter3.txt", "   \n\n  ");  // empty: skipped
  dir_.write("book/chapter10.txt",
             "Winter. The ledger filled. Ships passed at night. “Will you stay?” she asked. "
             "He did not answer... The sea answered for him.");
}

std::string Workspace::write_job(const std::string& name,
                                 const std::map<std::string, std::string>& changes) const {
  std::map<std::string, std::string> keys = {{"job.name", name},
                                             {"input.path", "book"},
                                             {"input.max_chars", "80"},
                                             {"model.path", "model.pt"},
                                             {"model.batch_size", "3"},
                                             {"model.output_units", "samples"},
                                             {"model.sample_rate", "8000"},
                                             {"output.path", name + ".h5"}};
  for (const auto& [key, value] : changes) keys[key] = value;
  std::string yaml;
  std::string section;
  for (const auto& [key, value] : keys) {  // sorted, so each section's keys are together
    const std::string this_section = key.substr(0, key.find('.'));
    if (this_section != section) yaml += (section = this_section) + ":\n";
    yaml += "  " + key.substr(key.find('.') + 1) + ": " + value + "\n";
  }
  return dir_.write(name + ".yaml", yaml);
}

ProcessResult run_job(int ranks, const std::string& job, const std::string& args) {
  return run_shell("cd " + shell_quote(Workspace::get().dir().path().string()) + " && " +
                   mpibatch_under_mpiexec(ranks) + " run " + shell_quote(job) + " " + args);
}

}  // namespace mpibatch::testing
