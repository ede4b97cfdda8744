#!/usr/bin/python3
"""Writes a Piper-style voice config (voice.onnx.json) for tests: one id per symbol.

Usage: make_phoneme_map.py OUT.json [--voice VOICE] [--sample-rate HZ]

The phoneme_id_map has "_" = 0 (pad), "^" = 1 (start), " " = 3, punctuation, ASCII letters,
the IPA letters and combining marks espeak-ng writes, and "$" (end) with the largest id, in
the layout of Piper's configs; ids stay below 256 so the demo model's embedding covers them.
Without --voice the config has no "espeak" entry and the book's language picks the voice.
Needs only the Python standard library.
"""

import argparse
import json

IPA = ("æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ"
       "\u0303\u0327\u0329\u032a\u031a\u0361\u0306")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--voice")
    parser.add_argument("--sample-rate", type=int, default=22050)
    args = parser.parse_args()
    ids = {"_": [0], "^": [1], " ": [3]}
    for symbol in list("!,.:;?-'") + [chr(c) for c in range(ord("a"), ord("z") + 1)] + list(IPA):
        ids[symbol] = [len(ids) + 1]
    ids["$"] = [len(ids) + 1]
    config = {"audio": {"sample_rate": args.sample_rate}, "phoneme_type": "espeak",
              "phoneme_id_map": ids, "num_symbols": 256}
    if args.voice:
        config["espeak"] = {"voice": args.voice}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
