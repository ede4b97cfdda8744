#!/usr/bin/python3
"""Write a small model scripted by PyTorch's own exporter, plus its outputs computed in Python.

Used by mpibatch's tests to check that the C++ TorchScriptRunner (and `mpibatch run`) give the
same numbers as PyTorch for a model that follows docs/model-contract.md:

    forward(ids int64 [B, T] right-padded with 0, lengths int64 [B])
        -> (out float32 [B, 2*T, 2], lengths * 2)

The model is embedding -> masked conv1d -> ReLU -> linear, two output rows per token with two
features each. Masking makes each item's output independent of its batch and padding, so the
values may be compared with any batching.

Inputs are texts encoded with the `bytes` encoder: the UTF-8 bytes of each text are its ids
(1..255; NUL bytes dropped). Give texts with --text (repeatable) or --texts-file (one text per
line, UTF-8, the newline not included); without either, a built-in set (ASCII and multibyte
UTF-8) is used. Empty texts are allowed: mpibatch never sends them to the model and gives them
zero rows, and so does this script.

Writes into OUTDIR:
  model.pt       the TorchScript archive (torch.jit.script(model).save)
  expected.json  {"encoder": "bytes", "feature_shape": [2], "torch_version": ...,
                  "items": [{"text", "ids", "length", "values" (flat, row-major)}, ...]}
  expected.txt   the same numbers for C++ readers, one item per line:
                  <length> <ndims> <dims...> <count> <values...>   (values as %.9g)
All items are run in one padded batch; the script checks that each item alone gives the same
values (rtol 1e-5) before writing anything.

Run with the Python that has torch (Debian: /usr/bin/python3):
    /usr/bin/python3 tests/python/make_reference_model.py OUTDIR [--text T ...] [--texts-file F]
"""

import argparse
import json
import os
import sys
from typing import List, Tuple

import torch
from torch import Tensor, nn

DEFAULT_TEXTS = [
    "Hello, world.",
    "Grüße aus Köln — schön!",
    "日本語のテキスト。",
    "A longer sentence, so that the batch has padding after the short ones above.",
    "x",
]


class ReferenceModel(nn.Module):
    """embedding -> masked conv1d -> ReLU -> linear; two output rows of two features per token."""

    def __init__(self, vocabulary: int = 256, channels: int = 16, upsample: int = 2,
                 features: int = 2):
        super().__init__()
        self.upsample = upsample
        self.features = features
        self.embedding = nn.Embedding(vocabulary, channels, padding_idx=0)
        self.conv = nn.Conv1d(channels, channels, kernel_size=3, padding=1)
        self.proj = nn.Linear(channels, upsample * features)

    def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        batch = ids.size(0)
        steps = ids.size(1)
        valid = torch.arange(steps, device=ids.device).unsqueeze(0) < lengths.unsqueeze(1)
        mask = valid.unsqueeze(2).to(torch.float32)                    # [B, T, 1]
        x = self.embedding(ids) * mask                                 # [B, T, C]
        x = torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2) * mask
        y = self.proj(x) * mask                                        # [B, T, U*F]
        y = y.reshape(batch, steps * self.upsample, self.features)     # [B, U*T, F]
        return y, lengths * self.upsample


def encode_bytes(text: str) -> List[int]:
    """The `bytes` encoder: UTF-8 bytes as ids, NUL dropped."""
    return [b for b in text.encode("utf-8") if b != 0]


def run_batch(model: torch.jit.ScriptModule, id_lists: List[List[int]]):
    """Per-item (length, values [length, F]) for the non-empty items, in one padded batch."""
    longest = max(len(ids) for ids in id_lists)
    ids = torch.zeros(len(id_lists), longest, dtype=torch.int64)
    for row, item in enumerate(id_lists):
        ids[row, :len(item)] = torch.tensor(item, dtype=torch.int64)
    lengths = torch.tensor([len(item) for item in id_lists], dtype=torch.int64)
    with torch.inference_mode():
        out, out_lengths = model(ids, lengths)
    return [(int(n), out[row, :int(n)].contiguous()) for row, n in enumerate(out_lengths)]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", help="folder to write model.pt, expected.json, expected.txt")
    parser.add_argument("--text", action="append", default=[],
                        help="an input text (repeatable); encoded with the bytes encoder")
    parser.add_argument("--texts-file", help="UTF-8 file with one input text per line")
    parser.add_argument("--seed", type=int, default=0, help="weight seed (default 0)")
    args = parser.parse_args()

    texts = list(args.text)
    if args.texts_file:
        with open(args.texts_file, encoding="utf-8") as f:
            texts += [line.rstrip("\n") for line in f]
    if not texts:
        texts = DEFAULT_TEXTS

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    model = torch.jit.script(ReferenceModel().eval())
    os.makedirs(args.outdir, exist_ok=True)
    model_path = os.path.join(args.outdir, "model.pt")
    model.save(model_path)
    model = torch.jit.load(model_path)  # what C++ will load

    id_lists = [encode_bytes(t) for t in texts]
    non_empty = [ids for ids in id_lists if ids]
    batched = run_batch(model, non_empty) if non_empty else []
    for ids, (length, values) in zip(non_empty, batched):
        alone_length, alone = run_batch(model, [ids])[0]
        if alone_length != length or not torch.allclose(alone, values, rtol=1e-5, atol=1e-6):
            print("error: output depends on the batch for ids %s" % ids[:10], file=sys.stderr)
            return 1

    features = model.features
    items = []
    results = iter(batched)
    for text, ids in zip(texts, id_lists):
        length, values = next(results) if ids else (0, torch.zeros(0, features))
        items.append({"text": text, "ids": ids, "length": length,
                      "values": [float(v) for v in values.reshape(-1).tolist()]})

    with open(os.path.join(args.outdir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"encoder": "bytes", "feature_shape": [features],
                   "torch_version": torch.__version__, "items": items}, f, ensure_ascii=False)
    with open(os.path.join(args.outdir, "expected.txt"), "w", encoding="ascii") as f:
        for item in items:
            values = item["values"]
            f.write("%d 1 %d %d %s\n" % (item["length"], features, len(values),
                                         " ".join("%.9g" % v for v in values)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
