#pragma once
/// \file The /items, /ranks and /chapters tables (private to the io module).
///
/// Rows are written sorted (items by id, ranks by rank, chapters by index), one compound
/// member per record field, named like the field; RankRecord::phase_s becomes one float64
/// member per phase, "<phase>_s" (timing::phase_name). Layout: docs/hdf5-schema.md.

#include <hdf5.h>

#include <vector>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io::h5 {

void write_items(hid_t loc, const std::vector<ItemRecord>& items);
void write_ranks(hid_t loc, const std::vector<RankRecord>& ranks);
void write_chapters(hid_t loc, const std::vector<ChapterRecord>& chapters);

std::vector<ItemRecord> read_items(hid_t loc);
std::vector<RankRecord> read_ranks(hid_t loc);
std::vector<ChapterRecord> read_chapters(hid_t loc);

}  // namespace mpibatch::io::h5
