#pragma once
/// \file The tables of dataset jobs (private to the io module), one compound member per record
/// field, named like the field (docs/hdf5-schema.md#train):
/// - a train job: /train/steps, /train/epochs, /train/rank_epochs;
/// - an infer job over a dataset: /predictions, and /evaluation (one epochs-like row).

#include <hdf5.h>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io::h5 {

void write_train(hid_t file, const TrainRecords& records);
/// Empty records when the file has none of these tables (an infer job over a book).
TrainRecords read_train(hid_t file);

}  // namespace mpibatch::io::h5
