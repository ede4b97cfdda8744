#pragma once
/// \file Piper's phoneme ids: the phoneme_id_map of a Piper voice config and the rule that
/// turns phonemes into ids (rhasspy/piper-phonemize).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::encode::detail {

/// What the phonemes encoder uses from a Piper voice config (`*.onnx.json`).
struct PiperPhonemeMap {
  std::unordered_map<char32_t, std::vector<std::int64_t>> ids;  ///< "phoneme_id_map"
  std::unordered_map<char32_t, std::u32string> replacements;    ///< "phoneme_map", may be empty
  std::string voice;        ///< "espeak": {"voice": ...}; empty when absent
  std::int64_t max_id = 0;  ///< largest id in the map
};

/// Reads `path`: a Piper voice config, {"phoneme_id_map": {...}}, or the map object alone.
/// Throws InputError naming model.phoneme_map and the file when it is not JSON, has no map,
/// a key that is not one code point, a value that is not a non-empty list of non-negative
/// integers, or lacks "_", "^" or "$".
PiperPhonemeMap load_piper_phoneme_map(const std::string& path);

/// Piper's phonemes_to_ids: the ids of "^" and "_", then for each phoneme its ids and those of
/// "_", then the ids of "$". Phonemes not in the map are skipped and counted in `missing`.
TokenIds piper_phoneme_ids(std::u32string_view phonemes, const PiperPhonemeMap& map,
                           std::map<char32_t, std::size_t>& missing);

}  // namespace mpibatch::encode::detail
