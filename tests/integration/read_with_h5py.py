#!/usr/bin/python3
"""Reads an mpibatch result file with h5py, checks that it is consistent, prints a summary.

Usage: read_with_h5py.py RESULT.h5

Prints one JSON line (items, ok, failed, skipped, chapters, ranks, world_size, output_rows,
units) and exits 0; on any inconsistency prints one line per problem to stderr and exits 1;
exits 2 if the file cannot be opened. The layout is documented in docs/hdf5-schema.md.
Needs only h5py and numpy (Debian: python3-h5py).
"""

import json
import sys

import h5py
import numpy as np

STATUS = {0: "ok", 1: "failed", 2: "skipped"}
PHASES = ["init", "read", "model_load", "encode", "compute", "comm", "write", "wait",
          "finalize"]


def text(value):
    """An attribute or field as str (h5py gives str for attributes, bytes inside compounds)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def check(path):
    problems = []
    with h5py.File(path, "r") as f:
        if "format" not in f.attrs:
            return None, ["not an mpibatch result file (no 'format' attribute)"]
        if text(f.attrs["format"]) != "mpibatch-result":
            return None, [f"format is {text(f.attrs['format'])!r}, not 'mpibatch-result'"]
        if int(f.attrs.get("format_version", 0)) != 1:
            problems.append(f"format_version is {f.attrs.get('format_version')}, expected 1")
        for name in ("items", "ranks", "chapters", "results"):
            if name not in f:
                problems.append(f"missing /{name}")
        if problems:
            return None, problems

        items = f["items"][:]
        ranks = f["ranks"][:]
        chapters = f["chapters"][:]
        results = f["results"]
        world_size = int(f.attrs.get("world_size", 0))

        # /items: ids 0..n-1 in order, known statuses.
        if not np.array_equal(items["id"], np.arange(len(items), dtype=items["id"].dtype)):
            problems.append("/items ids are not 0..n-1 in order")
        unknown = set(np.unique(items["status"]).tolist()) - set(STATUS)
        if unknown:
            problems.append(f"/items has unknown status values {sorted(unknown)}")
        for row in items[items["status"] != 0][:1000]:
            if not text(row["error"]):
                problems.append(f"item {row['id']} is {STATUS.get(int(row['status']))} "
                                "without an error text")

        # /ranks: one row per rank, every phase column present.
        if not np.array_equal(ranks["rank"], np.arange(len(ranks))):
            problems.append("/ranks rows are not ranks 0..n-1 in order")
        if world_size and len(ranks) != world_size:
            problems.append(f"/ranks has {len(ranks)} rows, world_size is {world_size}")
        missing = [p + "_s" for p in PHASES if p + "_s" not in ranks.dtype.names]
        if missing:
            problems.append(f"/ranks lacks phase columns {missing}")

        # /chapters and /results/chapter_%06u: offsets agree with values and items.
        total_rows = 0
        if not np.all(np.diff(chapters["index"].astype(np.int64)) > 0):
            problems.append("/chapters is not sorted by index")
        for chapter in chapters:
            index = int(chapter["index"])
            name = f"chapter_{index:06d}"
            if name not in results:
                problems.append(f"/results/{name} is missing")
                continue
            group = results[name]
            values = group["values"]
            offsets = group["offsets"][:]
            rows = values.shape[0]
            total_rows += rows
            where = f"/results/{name}"
            if int(group.attrs.get("index", -1)) != index:
                problems.append(f"{where}: attribute index is {group.attrs.get('index')}")
            if int(group.attrs.get("items", -1)) != int(chapter["items"]):
                problems.append(f"{where}: attribute items {group.attrs.get('items')} != "
                                f"/chapters items {chapter['items']}")
            if len(offsets) != int(chapter["items"]) + 1:
                problems.append(f"{where}: {len(offsets)} offsets for {chapter['items']} items")
            if len(offsets) == 0 or offsets[0] != 0:
                problems.append(f"{where}: offsets do not start at 0")
            elif np.any(np.diff(offsets) < 0):
                problems.append(f"{where}: offsets decrease")
            elif offsets[-1] != rows:
                problems.append(f"{where}: offsets end at {offsets[-1]}, values has {rows} rows")
            if int(chapter["output_length"]) != rows:
                problems.append(f"{where}: /chapters output_length {chapter['output_length']} "
                                f"!= {rows} rows")
            mine = items[items["chapter"] == index]
            if len(mine) != int(chapter["items"]):
                problems.append(f"{where}: /items has {len(mine)} items for it, /chapters says "
                                f"{chapter['items']}")
            elif len(offsets) == len(mine) + 1:
                order = np.argsort(mine["index"], kind="stable")
                if not np.array_equal(mine["index"][order], np.arange(len(mine))):
                    problems.append(f"{where}: item indexes are not 0..{len(mine) - 1}")
                elif not np.array_equal(mine["output_length"][order], np.diff(offsets)):
                    problems.append(f"{where}: item output_length disagrees with offsets")
        extra = set(results.keys()) - {f"chapter_{int(i):06d}" for i in chapters["index"]}
        if extra:
            problems.append(f"/results has groups without a /chapters row: {sorted(extra)[:5]}")

        counts = {STATUS[s]: int(np.count_nonzero(items["status"] == s)) for s in STATUS}
        summary = {
            "items": int(len(items)),
            "ok": counts["ok"],
            "failed": counts["failed"],
            "skipped": counts["skipped"],
            "chapters": int(len(chapters)),
            "ranks": int(len(ranks)),
            "world_size": world_size,
            "output_rows": int(total_rows),
            "units": text(results.attrs.get("units", "")),
        }
        return summary, problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1]
    try:
        summary, problems = check(path)
    except OSError as error:
        print(f"{path}: cannot open: {error}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        return 1
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
