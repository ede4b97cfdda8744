#!/usr/bin/python3
"""Checks an audiobook folder written by mpibatch against its HDF5 result file.

Usage: check_audio.py RESULT.h5 AUDIO_DIR PAUSE_SECONDS PLAYLIST_NAME

Reads the WAV files with Python's own `wave` module (independent of libsndfile) and checks,
per chapter with samples: the file name (<index+1:03>-...wav), mono 16-bit at the file's
sample_rate, length = the sum of its ok items' outputs + one pause between consecutive items
with samples, and the samples = the HDF5 values scaled to a peak of 0.89 (within 16-bit
rounding); that chapters without samples have no file; that PLAYLIST_NAME.m3u lists the
files in chapter order; and that nothing else but the .mpibatch-audio marker is there. Prints one JSON line (files, frames, seconds); on problems prints one
line each to stderr and exits 1.
"""

import json
import os
import sys
import wave

import h5py
import numpy as np

PEAK = 0.89


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def main():
    h5_path, folder, pause_s, playlist = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    problems, files, frames = [], [], []
    with h5py.File(h5_path, "r") as f:
        rate = float(f["results"].attrs["sample_rate"])
        pause = int(round(pause_s * rate))
        items = f["items"][:]
        names = sorted(os.listdir(folder))
        for row in f["chapters"][:]:
            index = int(row["index"])
            group = f["results"][f"chapter_{index:06d}"]
            offsets = group["offsets"][:]
            values = group["values"][:]
            lengths = np.diff(offsets)
            mine = [n for n in names if n.startswith(f"{index + 1:03d}-")]
            if lengths.sum() == 0:
                if mine:
                    problems.append(f"chapter {index} has no samples but has file {mine}")
                continue
            if len(mine) != 1 or not mine[0].endswith(".wav"):
                problems.append(f"chapter {index}: expected one .wav file, found {mine}")
                continue
            ok = items[(items["chapter"] == index) & (items["status"] == 0)]
            if int(ok["output_length"].sum()) != int(lengths.sum()):
                problems.append(f"chapter {index}: /items and /results disagree")
            expected = []
            for k in range(len(lengths)):
                if lengths[k] == 0:
                    continue
                if expected:
                    expected.append(np.zeros(pause, dtype=np.float64))
                expected.append(values[offsets[k]:offsets[k + 1]].astype(np.float64))
            expected = np.concatenate(expected)
            peak = np.abs(expected).max()
            if peak > 0:
                expected *= PEAK / peak
            with wave.open(os.path.join(folder, mine[0]), "rb") as w:
                if w.getnchannels() != 1 or w.getsampwidth() != 2:
                    problems.append(f"{mine[0]}: {w.getnchannels()} channels, "
                                    f"{w.getsampwidth() * 8} bits; expected mono 16-bit")
                if w.getframerate() != int(round(rate)):
                    problems.append(f"{mine[0]}: rate {w.getframerate()}, expected {rate}")
                got = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0
            if len(got) != len(expected):
                problems.append(f"{mine[0]}: {len(got)} frames, expected {len(expected)}")
            elif np.abs(got - expected).max() > 2.0 / 32768:
                problems.append(f"{mine[0]}: samples differ from the HDF5 values by up to "
                                f"{np.abs(got - expected).max():.2e}")
            files.append(mine[0])
            frames.append(len(got))
    listed = []
    playlist_path = os.path.join(folder, playlist + ".m3u")
    if not os.path.exists(playlist_path):
        problems.append(f"no playlist {playlist_path}")
    else:
        with open(playlist_path, encoding="utf-8") as p:
            lines = p.read().splitlines()
        if not lines or lines[0] != "#EXTM3U":
            problems.append("playlist does not start with #EXTM3U")
        listed = [l for l in lines if l and not l.startswith("#")]
        if listed != files:
            problems.append(f"playlist lists {listed}, expected {files}")
    if not os.path.exists(os.path.join(folder, ".mpibatch-audio")):
        problems.append("no .mpibatch-audio marker")
    extra = set(os.listdir(folder)) - set(files) - {playlist + ".m3u", ".mpibatch-audio"}
    if extra:
        problems.append(f"unexpected files {sorted(extra)}")
    for p in problems:
        print(p, file=sys.stderr)
    rate_ok = rate if rate > 0 else 1
    print(json.dumps({"files": files, "frames": frames, "seconds": sum(frames) / rate_ok}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
