#!/usr/bin/python3
"""Write models that break docs/model-contract.md, for TorchScriptRunner's error tests.

    /usr/bin/python3 tests/python/make_bad_models.py OUTDIR

Each file in OUTDIR is named after what is wrong with it:
  state_dict.pt     torch.save() of a state_dict: a zip archive, but not TorchScript
  plain.zip         a zip archive with a text file in it
  no_forward.pt     a scripted module without forward()
  one_argument.pt   forward(self, ids)
  string_argument.pt forward(self, ids, name: str)
  returns_long.pt   returns an int64 tensor
  returns_1d.pt     returns a float tensor [B] (no S dimension)
  wrong_batch.pt    returns twice as many rows as items
  bad_lengths.pt    returns (out, lengths + 100): lengths beyond S
  triple.pt         returns a 3-tuple
  returns_list.pt   returns a list of tensors
  probe_fails.pt    raises for every input
  raises_on_7.pt    a valid model that raises "token 7 is not allowed" when an id is 7
  oom_on_9.pt       raises_on_7.pt, and raises "CUDA out of memory" when an id is 9
  plain_tensor.pt   a valid model returning a float tensor [B, T, 3] without lengths
  varying_features.pt returns [B, 2, T]: its feature dims change with the batch's T
"""

import os
import sys
import zipfile
from typing import List, Tuple

import torch
from torch import Tensor, nn


class NoForward(nn.Module):
    @torch.jit.export
    def other(self, x: Tensor) -> Tensor:
        return x


class OneArgument(nn.Module):
    def forward(self, ids: Tensor) -> Tensor:
        return ids.float().unsqueeze(-1)


class StringArgument(nn.Module):
    def forward(self, ids: Tensor, name: str) -> Tensor:
        return ids.float().unsqueeze(-1)


class ReturnsLong(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return ids.unsqueeze(-1)


class Returns1d(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return lengths.float()


class WrongBatch(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        out = ids.float().unsqueeze(-1)
        return torch.cat([out, out])


class BadLengths(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        return ids.float(), lengths + 100


class Triple(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        return ids.float(), lengths, lengths


class ReturnsList(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> List[Tensor]:
        return [ids.float(), lengths]


class ProbeFails(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return torch.matmul(ids.float(), torch.ones(5, 5))


class RaisesOn7(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        if bool((ids == 7).any()):
            raise ValueError("token 7 is not allowed")
        return ids.float().unsqueeze(-1) * 0.5, lengths


class OomOn9(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        if bool((ids == 7).any()):
            raise ValueError("token 7 is not allowed")
        if bool((ids == 9).any()):
            # The traceback of the ValueError above quotes this text: it must still be a
            # ValueError, not an out-of-memory error.
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB (token 9)")
        return ids.float().unsqueeze(-1) * 0.5, lengths


class PlainTensor(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        x = ids.float().unsqueeze(-1)
        return torch.cat([x, x * 2.0, x * 3.0], dim=2)


class VaryingFeatures(nn.Module):
    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        return ids.float().unsqueeze(1).expand(ids.size(0), 2, ids.size(1)).contiguous()


SCRIPTED = {
    "no_forward.pt": NoForward,
    "one_argument.pt": OneArgument,
    "string_argument.pt": StringArgument,
    "returns_long.pt": ReturnsLong,
    "returns_1d.pt": Returns1d,
    "wrong_batch.pt": WrongBatch,
    "bad_lengths.pt": BadLengths,
    "triple.pt": Triple,
    "returns_list.pt": ReturnsList,
    "probe_fails.pt": ProbeFails,
    "raises_on_7.pt": RaisesOn7,
    "oom_on_9.pt": OomOn9,
    "plain_tensor.pt": PlainTensor,
    "varying_features.pt": VaryingFeatures,
}


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, cls in SCRIPTED.items():
        torch.jit.script(cls()).save(os.path.join(outdir, name))
    torch.save(nn.Linear(2, 2).state_dict(), os.path.join(outdir, "state_dict.pt"))
    with zipfile.ZipFile(os.path.join(outdir, "plain.zip"), "w") as archive:
        archive.writestr("readme.txt", "not a model\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
