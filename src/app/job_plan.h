#pragma once
/// \file Rank 0's preparation of a run: the book read and split into items, the job's
/// fingerprint, and (with --resume) the results reusable from an earlier run.

#include <string>

#include "mpibatch/config/job_config.h"
#include "mpibatch/pipeline/pipeline.h"

namespace mpibatch::app {

struct JobPlan {
  pipeline::WorkPlan work;
  std::string book_title;
  std::uint64_t total_chars = 0;
  std::vector<std::string> empty_chapters;  ///< "3 'Title' (file)" for the log
  /// Fingerprint of everything that decides the results: the chapters' text, the model file,
  /// and the splitting/encoding settings. A --resume run must match the earlier one's.
  std::string job_hash;
};

/// Reads the book, splits it into items and fingerprints the job. Throws InputError for an
/// unreadable book or one without any text.
JobPlan plan_job(const config::JobConfig& config);

/// The ok items of the earlier runs of the job whose output.path is `path`: its result file,
/// if any, then its committed parts (NOTE [result parts] in io/result_parts.h), a later source
/// superseding an earlier one chapter by chapter; each checked to be from the same job. With
/// a loader for their outputs chapter by chapter (opening the source that holds it). The
/// highest attempt number among them goes to `attempt`. Throws InputError when there is no
/// source, or one is damaged or belongs to another job.
pipeline::ReusedResults load_reusable_results(const std::string& path, const JobPlan& plan,
                                              std::uint32_t* attempt);

}  // namespace mpibatch::app
