#pragma once
/// \file Hand-made run records for the report tests.

#include <string>
#include <utility>
#include <vector>

#include "mpibatch/report/analysis.h"

namespace mpibatch::report::testing_records {
using io::ItemStatus;
using timing::Phase;

inline void set(io::RankRecord& r, Phase p, double s) {
  r.phase_s[static_cast<std::size_t>(p)] = s;
}

/// A rank whose wall time is busy (all compute) + comm + wait, ending at `end`.
inline io::RankRecord rank(int id, double compute, double end, std::uint64_t items,
                           double comm = 0.0, double wait = 0.0, std::string device = "cpu") {
  io::RankRecord r;
  r.rank = id;
  r.device = std::move(device);
  r.items = items;
  r.end = end;
  set(r, Phase::kCompute, compute);
  set(r, Phase::kComm, comm);
  set(r, Phase::kWait, wait);
  r.wall_s = compute + comm + wait;
  return r;
}

inline io::ItemRecord item(std::uint64_t id, int rank, int batch, double start, double seconds,
                           std::uint32_t chars = 0, ItemStatus status = ItemStatus::kOk,
                           std::uint32_t attempt = 0) {
  io::ItemRecord i;
  i.id = id;
  i.chapter = static_cast<std::uint32_t>(id / 10);
  i.rank = rank;
  i.batch = batch;
  i.start = start;
  i.end = start + seconds;
  i.compute_s = seconds;
  i.chars = chars;
  i.status = status;
  i.attempt = attempt;
  if (status != ItemStatus::kOk) i.error = "it broke";
  return i;
}

inline RunData run_of(std::vector<io::RankRecord> ranks, std::vector<io::ItemRecord> items,
                      std::string schedule = "dynamic") {
  RunData run;
  run.path = "run.h5";
  run.info.schedule = std::move(schedule);
  run.info.world_size = static_cast<std::int32_t>(ranks.size());
  run.ranks = std::move(ranks);
  run.items = std::move(items);
  return run;
}

// Rank 0: 300 chars in 3 s (100/s); rank 1: 100 chars in 2 s (50/s), ends at 4 s.
inline RunData two_speeds(std::string schedule = "dynamic") {
  std::vector<io::ItemRecord> items;
  for (int k = 0; k < 3; ++k) items.push_back(item(k, 0, k, k * 1.0, 1.0, 100));
  items.push_back(item(3, 1, 0, 0.0, 1.0, 50));
  items.push_back(item(4, 1, 1, 2.0, 1.0, 50));
  return run_of({rank(0, 3, 3.0, 3, 0, 1, "cuda:0"), rank(1, 2, 4.0, 2, 0, 2)}, items, schedule);
}

}  // namespace mpibatch::report::testing_records
