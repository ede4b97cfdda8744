#pragma once
/// \file The /train group of a train job (private to the io module): the tables steps,
/// epochs and rank_epochs, one compound member per record field, named like the field.
/// Layout: docs/hdf5-schema.md#train.

#include <hdf5.h>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io::h5 {

void write_train(hid_t file, const TrainRecords& records);
/// Empty records when the file has no /train group (an infer job).
TrainRecords read_train(hid_t file);

}  // namespace mpibatch::io::h5
