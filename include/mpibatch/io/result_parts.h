#pragma once
/// \file ResultParts (rank 0): a running job's finished chapters, committed to disk in
/// complete pieces, so that a job that dies keeps them and --resume goes on from there.
///
/// NOTE [result parts]: the result file is complete only at the end (its /items table needs
/// every row), and an HDF5 file whose writer is killed may be unreadable. So each chapter the
/// result file gets also goes into the open part "<output>.parts/part-NNNNNN.h5", a result
/// file of its own holding those chapters and their item rows. At most every
/// `interval_s` seconds the part is committed like a result file (closed, synced, renamed)
/// and the next chapter opens a new one. A job that dies (a rank killed, a node lost, rank 0
/// itself) loses its unfinished chapters and those since the last commit. The run that
/// commits the result file (done, failed items or interrupted) removes the parts; --resume
/// reads the result file, if any, then the parts in order, a later one superseding an
/// earlier source chapter by chapter (app/job_plan.cpp).
/// \code
///   ResultParts parts(config.output.path, info, {60.0, compression});  // rank 0
///   parts.add(chapter, output, rows);  // each chapter the result file gets
///   if (parts.due()) parts.commit();   // often
///   writer.commit(...); ResultParts::remove_all(config.output.path);
/// \endcode
/// Errors never end the job: a part that cannot be written (disk full, a folder that cannot
/// be created) is logged as a warning naming it, and parts are off for the rest of the run.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io {

class H5ResultWriter;

class ResultParts {
 public:
  struct Options {
    double interval_s = 60.0;  ///< output.commit_interval; > 0
    int compression = 0;       ///< output.compression
  };

  /// `info` goes into every part (job hash, attempt, ...). Part numbers go on after the
  /// highest one already in the folder (a resumed run keeps the earlier run's parts).
  ResultParts(std::string output_path, RunInfo info, Options options);
  ~ResultParts();  ///< drops the open part, keeps the committed ones

  /// Writes `chapter` to the open part (opening one if needed); `items` are its
  /// chapter.items rows, in order.
  void add(const ChapterRecord& chapter, const ChapterOutput& output,
           const ItemRecord* items) noexcept;
  /// True if the open part holds chapters and interval_s has passed since the last commit
  /// (or the start). Cheap.
  bool due() const noexcept;
  /// Commits the open part, if any.
  void commit() noexcept;
  /// "<output_path>.parts"
  static std::string folder(const std::string& output_path);
  /// The committed parts of `output_path`, oldest first; empty if there are none.
  static std::vector<std::string> list(const std::string& output_path);
  /// Removes the folder with every part of `output_path` (any run's); never throws. Call once
  /// the result file holding all they hold is committed (and no ResultParts is open).
  static void remove_all(const std::string& output_path) noexcept;

 private:
  void turn_off(const std::string& error) noexcept;

  std::string output_path_;
  RunInfo info_;
  Options options_;
  std::uint32_t next_number_;
  std::chrono::steady_clock::time_point last_commit_;
  std::unique_ptr<H5ResultWriter> open_;  ///< the part being written; null between parts
  std::vector<ChapterRecord> chapters_;   ///< of the open part
  std::vector<ItemRecord> items_;         ///< of the open part
  bool off_ = false;                      ///< after an error
};

}  // namespace mpibatch::io
