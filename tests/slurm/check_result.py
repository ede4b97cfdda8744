"""Checks an mpibatch result file written by a job of tests/slurm/slurm_scripts.sh.

  check_result.py FILE [--kind infer|train] [--ranks N] [--threads N] [--exit-status N]
                  [--attempt N] [--skipped] [--epochs N]

Prints one line per check that fails and exits 1, or prints a summary and exits 0.
--skipped: the run was interrupted: some items are ok, the others skipped with an error that
names the interruption (instead of: every item ok). --attempt N with N >= 1 also wants items of
both attempts (kept from the first run and computed by the resumed one).
"""

import argparse
import sys

import h5py
import numpy as np

kOk, kSkipped = 0, 2


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--kind", default="infer")
    parser.add_argument("--ranks", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--exit-status", type=int, default=0)
    parser.add_argument("--attempt", type=int, default=0)
    parser.add_argument("--skipped", action="store_true")
    parser.add_argument("--epochs", type=int)
    args = parser.parse_args()

    problems = []
    with h5py.File(args.file, "r") as f:
        attrs = f.attrs
        if text(attrs.get("format", "")) != "mpibatch-result":
            problems.append("no format=mpibatch-result root attribute")
        want = {"job_kind": args.kind, "exit_status": args.exit_status, "attempt": args.attempt}
        if args.ranks is not None:
            want["world_size"] = args.ranks
        for key, value in want.items():
            got = attrs.get(key)
            got = text(got) if isinstance(value, str) else got
            if got != value:
                problems.append(f"root attribute {key} = {got!r}, expected {value!r}")

        ranks = f["ranks"][:]
        if args.ranks is not None and len(ranks) != args.ranks:
            problems.append(f"/ranks has {len(ranks)} rows, expected {args.ranks}")
        if args.threads is not None and not np.all(ranks["intra_threads"] == args.threads):
            problems.append(f"/ranks.intra_threads = {ranks['intra_threads'].tolist()}, "
                            f"expected {args.threads} on every rank (SLURM_CPUS_PER_TASK)")

        summary = f"{args.file}: {args.kind}, {len(ranks)} ranks, attempt {attrs.get('attempt')}"
        if args.kind == "infer":
            items = f["items"][:]
            status = items["status"]
            ok, skipped = int(np.sum(status == kOk)), int(np.sum(status == kSkipped))
            summary += f", {len(items)} items: {ok} ok, {skipped} skipped"
            if len(items) == 0:
                problems.append("/items is empty")
            if args.skipped:
                if ok == 0 or skipped == 0 or ok + skipped != len(items):
                    problems.append(f"expected ok and skipped items only: {ok} ok, "
                                    f"{skipped} skipped of {len(items)}")
                errors = {text(e) for e in items["error"][status == kSkipped]}
                if not any("interrupt" in e.lower() or "SIGUSR1" in e for e in errors):
                    problems.append(f"skipped items do not name the interruption: {errors}")
            elif ok != len(items):
                problems.append(f"{len(items) - ok} of {len(items)} items not ok")
            if args.attempt >= 1:
                attempts = set(items["attempt"].tolist())
                summary += f", item attempts {sorted(attempts)}"
                if not {0, args.attempt} <= attempts:
                    problems.append(f"items of attempts {sorted(attempts)}: expected items kept "
                                    f"from attempt 0 and computed in attempt {args.attempt}")
        else:
            epochs = f["train/epochs"][:]
            summary += f", {len(epochs)} epoch(s), accuracy {epochs['eval_accuracy'].tolist()}"
            if args.epochs is not None and len(epochs) != args.epochs:
                problems.append(f"/train/epochs has {len(epochs)} rows, expected {args.epochs}")
            if len(epochs) and not epochs["eval_accuracy"][-1] > 0.5:
                problems.append(f"evaluation accuracy {epochs['eval_accuracy'][-1]} <= 0.5")

    for problem in problems:
        print(f"FAIL: {args.file}: {problem}")
    if problems:
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
