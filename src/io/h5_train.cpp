#include "h5_train.h"

#include <cstddef>

#include "h5_api.h"
#include "h5_layout.h"
#include "h5_table.h"
#include "h5_types.h"

namespace mpibatch::io::h5 {
namespace {

// The records hold numbers only, so they are their own row structs.
#define MPIBATCH_FIELD(layout, Row, member) \
  layout.add(#member, offsetof(Row, member), native<decltype(Row::member)>())

const RowLayout& step_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(StepRecord));
    MPIBATCH_FIELD(l, StepRecord, step);
    MPIBATCH_FIELD(l, StepRecord, epoch);
    MPIBATCH_FIELD(l, StepRecord, samples);
    MPIBATCH_FIELD(l, StepRecord, lr);
    MPIBATCH_FIELD(l, StepRecord, loss);
    MPIBATCH_FIELD(l, StepRecord, seconds);
    MPIBATCH_FIELD(l, StepRecord, attempt);
    return l;
  }();
  return layout;
}

const RowLayout& epoch_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(EpochRecord));
    MPIBATCH_FIELD(l, EpochRecord, epoch);
    MPIBATCH_FIELD(l, EpochRecord, train_loss);
    MPIBATCH_FIELD(l, EpochRecord, eval_loss);
    MPIBATCH_FIELD(l, EpochRecord, eval_accuracy);
    MPIBATCH_FIELD(l, EpochRecord, eval_samples);
    MPIBATCH_FIELD(l, EpochRecord, seconds);
    MPIBATCH_FIELD(l, EpochRecord, attempt);
    return l;
  }();
  return layout;
}

const RowLayout& rank_epoch_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(RankEpochRecord));
    MPIBATCH_FIELD(l, RankEpochRecord, rank);
    MPIBATCH_FIELD(l, RankEpochRecord, epoch);
    MPIBATCH_FIELD(l, RankEpochRecord, samples);
    MPIBATCH_FIELD(l, RankEpochRecord, data_s);
    MPIBATCH_FIELD(l, RankEpochRecord, compute_s);
    MPIBATCH_FIELD(l, RankEpochRecord, allreduce_s);
    MPIBATCH_FIELD(l, RankEpochRecord, checkpoint_s);
    MPIBATCH_FIELD(l, RankEpochRecord, eval_s);
    MPIBATCH_FIELD(l, RankEpochRecord, attempt);
    return l;
  }();
  return layout;
}

const RowLayout& prediction_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(PredictionRecord));
    MPIBATCH_FIELD(l, PredictionRecord, index);
    MPIBATCH_FIELD(l, PredictionRecord, label);
    MPIBATCH_FIELD(l, PredictionRecord, predicted);
    MPIBATCH_FIELD(l, PredictionRecord, confidence);
    MPIBATCH_FIELD(l, PredictionRecord, rank);
    return l;
  }();
  return layout;
}

#undef MPIBATCH_FIELD

template <class Record>
std::vector<Record> read_records(hid_t group, const char* name, const RowLayout& layout) {
  return read_table<Record>(group, name, layout, [](const Record& row) { return row; });
}

}  // namespace

void write_train(hid_t file, const TrainRecords& records) {
  if (!records.predictions.empty()) {
    write_table(file, "predictions", prediction_layout(), records.predictions.data(),
                records.predictions.size());
    write_table(file, "evaluation", epoch_layout(), records.epochs.data(), records.epochs.size());
    return;
  }
  const Group group = h5g_create(file, kTrainGroup);
  write_table(group.id(), "steps", step_layout(), records.steps.data(), records.steps.size());
  write_table(group.id(), "epochs", epoch_layout(), records.epochs.data(), records.epochs.size());
  write_table(group.id(), "rank_epochs", rank_epoch_layout(), records.rank_epochs.data(),
              records.rank_epochs.size());
}

TrainRecords read_train(hid_t file) {
  TrainRecords records;
  if (h5l_exists(file, "predictions")) {
    records.predictions = read_records<PredictionRecord>(file, "predictions", prediction_layout());
    records.epochs = read_records<EpochRecord>(file, "evaluation", epoch_layout());
    return records;
  }
  if (!h5l_exists(file, kTrainGroup)) return records;
  const Group group = h5g_open(file, kTrainGroup);
  records.steps = read_records<StepRecord>(group.id(), "steps", step_layout());
  records.epochs = read_records<EpochRecord>(group.id(), "epochs", epoch_layout());
  records.rank_epochs =
      read_records<RankEpochRecord>(group.id(), "rank_epochs", rank_epoch_layout());
  return records;
}

}  // namespace mpibatch::io::h5
