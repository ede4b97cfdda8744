#include "h5_records.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "h5_layout.h"
#include "h5_table.h"
#include "h5_types.h"

namespace mpibatch::io::h5 {
namespace {

// NOTE [row structs]: HDF5 compounds need plain memory. Each row mirrors its record with
// `char*` for strings (pointing into the record while writing; allocated by HDF5 while
// reading, freed by TableRead) and the record's defaults, which a file without that member
// keeps.

struct ItemRow {
  std::uint64_t id = 0;
  std::uint32_t chapter = 0;
  std::uint32_t index = 0;
  std::int32_t rank = -1;
  std::int8_t status = 0;
  char* error = nullptr;
  std::int32_t batch = -1;
  std::uint32_t chars = 0;
  std::uint32_t tokens = 0;
  std::int64_t output_length = 0;
  double start = 0.0;
  double end = 0.0;
  double encode_s = 0.0;
  double compute_s = 0.0;
  double write_s = 0.0;
  std::uint32_t attempt = 0;
};

struct RankRow {
  std::int32_t rank = 0;
  char* host = nullptr;
  std::int32_t local_rank = 0;
  std::int32_t local_size = 1;
  char* device = nullptr;
  char* device_name = nullptr;
  char* device_reason = nullptr;
  std::int32_t intra_threads = 1;
  std::int32_t interop_threads = 1;
  std::int32_t batch_size = 1;
  std::int32_t streams = 1;
  std::uint64_t gpu_memory_total = 0;
  std::uint64_t gpu_memory_peak = 0;
  std::uint64_t items = 0;
  std::uint64_t items_failed = 0;
  double start = 0.0;
  double end = 0.0;
  double wall_s = 0.0;
  double simulated_speed = 1.0;
  double phase_s[timing::kPhaseCount] = {};
};

struct ChapterRow {
  std::uint32_t index = 0;
  char* title = nullptr;
  char* source = nullptr;
  char* language = nullptr;
  std::uint64_t first_item = 0;
  std::uint32_t items = 0;
  std::int64_t output_length = 0;
};

char* c_string(const std::string& text) { return const_cast<char*>(text.c_str()); }
// NOTE [null strings]: HDF5 stores every non-null variable-length string, "" included, as an
// object in the global heap; a null pointer is stored as a null reference, with no heap object.
// h5py reads both as b"", ResultReader as "". Used for item errors: empty for almost every item,
// where the heap objects made most of the cost of writing /items.
char* c_string_or_null(const std::string& text) {
  return text.empty() ? nullptr : const_cast<char*>(text.c_str());
}
std::string from_c(const char* text) { return text != nullptr ? text : ""; }

#define MPIBATCH_FIELD(layout, Row, member, type) layout.add(#member, offsetof(Row, member), type)

const RowLayout& item_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(ItemRow));
    const DataType text = utf8_string_type();
    const DataType status = item_status_type();
    MPIBATCH_FIELD(l, ItemRow, id, native<std::uint64_t>());
    MPIBATCH_FIELD(l, ItemRow, chapter, native<std::uint32_t>());
    MPIBATCH_FIELD(l, ItemRow, index, native<std::uint32_t>());
    MPIBATCH_FIELD(l, ItemRow, rank, native<std::int32_t>());
    MPIBATCH_FIELD(l, ItemRow, status, status.id());
    MPIBATCH_FIELD(l, ItemRow, error, text.id());
    MPIBATCH_FIELD(l, ItemRow, batch, native<std::int32_t>());
    MPIBATCH_FIELD(l, ItemRow, chars, native<std::uint32_t>());
    MPIBATCH_FIELD(l, ItemRow, tokens, native<std::uint32_t>());
    MPIBATCH_FIELD(l, ItemRow, output_length, native<std::int64_t>());
    MPIBATCH_FIELD(l, ItemRow, start, native<double>());
    MPIBATCH_FIELD(l, ItemRow, end, native<double>());
    MPIBATCH_FIELD(l, ItemRow, encode_s, native<double>());
    MPIBATCH_FIELD(l, ItemRow, compute_s, native<double>());
    MPIBATCH_FIELD(l, ItemRow, write_s, native<double>());
    MPIBATCH_FIELD(l, ItemRow, attempt, native<std::uint32_t>());
    return l;
  }();
  return layout;
}

const RowLayout& rank_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(RankRow));
    const DataType text = utf8_string_type();
    MPIBATCH_FIELD(l, RankRow, rank, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, host, text.id());
    MPIBATCH_FIELD(l, RankRow, local_rank, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, local_size, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, device, text.id());
    MPIBATCH_FIELD(l, RankRow, device_name, text.id());
    MPIBATCH_FIELD(l, RankRow, device_reason, text.id());
    MPIBATCH_FIELD(l, RankRow, intra_threads, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, interop_threads, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, batch_size, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, streams, native<std::int32_t>());
    MPIBATCH_FIELD(l, RankRow, gpu_memory_total, native<std::uint64_t>());
    MPIBATCH_FIELD(l, RankRow, gpu_memory_peak, native<std::uint64_t>());
    MPIBATCH_FIELD(l, RankRow, items, native<std::uint64_t>());
    MPIBATCH_FIELD(l, RankRow, items_failed, native<std::uint64_t>());
    MPIBATCH_FIELD(l, RankRow, start, native<double>());
    MPIBATCH_FIELD(l, RankRow, end, native<double>());
    MPIBATCH_FIELD(l, RankRow, wall_s, native<double>());
    MPIBATCH_FIELD(l, RankRow, simulated_speed, native<double>());
    for (std::size_t p = 0; p < timing::kPhaseCount; ++p) {
      l.add(phase_column(static_cast<timing::Phase>(p)),
            offsetof(RankRow, phase_s) + p * sizeof(double), native<double>());
    }
    return l;
  }();
  return layout;
}

const RowLayout& chapter_layout() {
  static const RowLayout layout = [] {
    RowLayout l(sizeof(ChapterRow));
    const DataType text = utf8_string_type();
    MPIBATCH_FIELD(l, ChapterRow, index, native<std::uint32_t>());
    MPIBATCH_FIELD(l, ChapterRow, title, text.id());
    MPIBATCH_FIELD(l, ChapterRow, source, text.id());
    MPIBATCH_FIELD(l, ChapterRow, language, text.id());
    MPIBATCH_FIELD(l, ChapterRow, first_item, native<std::uint64_t>());
    MPIBATCH_FIELD(l, ChapterRow, items, native<std::uint32_t>());
    MPIBATCH_FIELD(l, ChapterRow, output_length, native<std::int64_t>());
    return l;
  }();
  return layout;
}

#undef MPIBATCH_FIELD

template <class Record, class Key>
std::vector<const Record*> sorted_by(const std::vector<Record>& records, Key key) {
  std::vector<const Record*> sorted;
  sorted.reserve(records.size());
  for (const Record& record : records) sorted.push_back(&record);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Record* a, const Record* b) { return key(*a) < key(*b); });
  return sorted;
}

}  // namespace

void write_items(hid_t loc, const std::vector<ItemRecord>& items) {
  std::vector<ItemRow> rows;
  rows.reserve(items.size());
  for (const ItemRecord* r : sorted_by(items, [](const ItemRecord& r) { return r.id; })) {
    rows.push_back({r->id, r->chapter, r->index, r->rank, static_cast<std::int8_t>(r->status),
                    c_string_or_null(r->error), r->batch, r->chars, r->tokens, r->output_length,
                    r->start, r->end, r->encode_s, r->compute_s, r->write_s, r->attempt});
  }
  write_table(loc, kItemsDataset, item_layout(), rows.data(), rows.size());
}

void write_ranks(hid_t loc, const std::vector<RankRecord>& ranks) {
  std::vector<RankRow> rows;
  rows.reserve(ranks.size());
  for (const RankRecord* r : sorted_by(ranks, [](const RankRecord& r) { return r.rank; })) {
    RankRow row{r->rank,
                c_string(r->host),
                r->local_rank,
                r->local_size,
                c_string(r->device),
                c_string(r->device_name),
                c_string(r->device_reason),
                r->intra_threads,
                r->interop_threads,
                r->batch_size,
                r->streams,
                r->gpu_memory_total,
                r->gpu_memory_peak,
                r->items,
                r->items_failed,
                r->start,
                r->end,
                r->wall_s,
                r->simulated_speed};
    std::copy(r->phase_s.begin(), r->phase_s.end(), row.phase_s);
    rows.push_back(row);
  }
  write_table(loc, kRanksDataset, rank_layout(), rows.data(), rows.size());
}

void write_chapters(hid_t loc, const std::vector<ChapterRecord>& chapters) {
  std::vector<ChapterRow> rows;
  rows.reserve(chapters.size());
  for (const ChapterRecord* r :
       sorted_by(chapters, [](const ChapterRecord& r) { return r.index; })) {
    rows.push_back({r->index, c_string(r->title), c_string(r->source), c_string(r->language),
                    r->first_item, r->items, r->output_length});
  }
  write_table(loc, kChaptersDataset, chapter_layout(), rows.data(), rows.size());
}

std::vector<ItemRecord> read_items(hid_t loc) {
  return read_table<ItemRow>(loc, kItemsDataset, item_layout(), [](const ItemRow& row) {
    return ItemRecord{row.id,
                      row.chapter,
                      row.index,
                      row.rank,
                      static_cast<ItemStatus>(row.status),
                      from_c(row.error),
                      row.batch,
                      row.chars,
                      row.tokens,
                      row.output_length,
                      row.start,
                      row.end,
                      row.encode_s,
                      row.compute_s,
                      row.write_s,
                      row.attempt};
  });
}

std::vector<RankRecord> read_ranks(hid_t loc) {
  return read_table<RankRow>(loc, kRanksDataset, rank_layout(), [](const RankRow& row) {
    RankRecord r;
    r.rank = row.rank;
    r.host = from_c(row.host);
    r.local_rank = row.local_rank;
    r.local_size = row.local_size;
    r.device = from_c(row.device);
    r.device_name = from_c(row.device_name);
    r.device_reason = from_c(row.device_reason);
    r.intra_threads = row.intra_threads;
    r.interop_threads = row.interop_threads;
    r.batch_size = row.batch_size;
    r.streams = row.streams;
    r.gpu_memory_total = row.gpu_memory_total;
    r.gpu_memory_peak = row.gpu_memory_peak;
    r.items = row.items;
    r.items_failed = row.items_failed;
    r.start = row.start;
    r.end = row.end;
    r.wall_s = row.wall_s;
    r.simulated_speed = row.simulated_speed;
    std::copy(std::begin(row.phase_s), std::end(row.phase_s), r.phase_s.begin());
    return r;
  });
}

std::vector<ChapterRecord> read_chapters(hid_t loc) {
  return read_table<ChapterRow>(loc, kChaptersDataset, chapter_layout(), [](const ChapterRow& row) {
    return ChapterRecord{
        row.index,      from_c(row.title), from_c(row.source), from_c(row.language),
        row.first_item, row.items,         row.output_length};
  });
}

}  // namespace mpibatch::io::h5
