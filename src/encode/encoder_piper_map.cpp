/// \file Piper phoneme maps (see encoder_piper_map.h).

#include "encoder_piper_map.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "encoder_unicode.h"
#include "mpibatch/error.h"

namespace mpibatch::encode::detail {
namespace {

using nlohmann::json;

constexpr const char* kFormatHint =
    "give a Piper voice config (*.onnx.json) or a JSON object with \"phoneme_id_map\": "
    "{\"_\": [0], \"^\": [1], \"$\": [2], ...}";

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError("model.phoneme_map: '" + path + "' " + what);
}

/// The one code point `key` holds, or fails naming `what` it is.
char32_t single_code_point(const std::string& key, const std::string& path,
                           const std::string& what) {
  const std::u32string code_points = utf8_to_code_points(key);
  if (!is_valid_utf8(key) || code_points.size() != 1) {
    fail(path, "has " + what + " '" + key + "', which is not one phoneme (one code point); " +
                   "Piper maps one code point per key");
  }
  return code_points[0];
}

void read_ids(const json& map, const std::string& path, PiperPhonemeMap& out) {
  if (!map.is_object() || map.empty()) {
    fail(path,
         "has a phoneme_id_map that is not a non-empty JSON object; " + std::string(kFormatHint));
  }
  for (const auto& [key, value] : map.items()) {
    const char32_t phoneme = single_code_point(key, path, "phoneme_id_map key");
    std::vector<std::int64_t> ids;
    bool valid = value.is_array() && !value.empty();
    for (const auto& id : value) {
      valid = valid && id.is_number_integer() && id.get<std::int64_t>() >= 0;
      if (valid) ids.push_back(id.get<std::int64_t>());
    }
    if (!valid) {
      fail(path,
           "maps '" + key + "' to " + value.dump() +
               "; phoneme_id_map values must be lists of non-negative integer ids, like [14]");
    }
    for (std::int64_t id : ids) out.max_id = std::max(out.max_id, id);
    out.ids.emplace(phoneme, std::move(ids));
  }
  for (const char* special : {"_", "^", "$"}) {
    if (out.ids.count(static_cast<char32_t>(special[0])) == 0) {
      fail(path, std::string("has no \"") + special +
                     "\" in phoneme_id_map; Piper maps need \"_\" (pad), \"^\" (start) and "
                     "\"$\" (end)");
    }
  }
}

void read_replacements(const json& map, const std::string& path, PiperPhonemeMap& out) {
  if (!map.is_object()) fail(path, "has a phoneme_map that is not a JSON object");
  for (const auto& [key, value] : map.items()) {
    const char32_t from = single_code_point(key, path, "phoneme_map key");
    std::u32string to;
    if (!value.is_array()) fail(path, "maps phoneme_map '" + key + "' to a non-list");
    for (const auto& phoneme : value) {
      if (!phoneme.is_string()) fail(path, "maps phoneme_map '" + key + "' to a non-string");
      to.push_back(single_code_point(phoneme.get<std::string>(), path, "phoneme_map value"));
    }
    out.replacements.emplace(from, std::move(to));
  }
}

void read_voice(const json& root, const std::string& path, PiperPhonemeMap& out) {
  if (root.contains("phoneme_type") &&
      !(root["phoneme_type"].is_string() && root["phoneme_type"] == "espeak")) {
    fail(path, "has phoneme_type " + root["phoneme_type"].dump() +
                   "; the phonemes encoder makes espeak-ng phonemes (phoneme_type \"espeak\")");
  }
  if (!root.contains("espeak")) return;
  const json& espeak = root["espeak"];
  if (!espeak.is_object() || (espeak.contains("voice") && !espeak["voice"].is_string())) {
    fail(path, "has \"espeak\": " + espeak.dump() + "; expected {\"voice\": \"en-us\"}");
  }
  if (espeak.contains("voice")) out.voice = espeak["voice"].get<std::string>();
}

}  // namespace

PiperPhonemeMap load_piper_phoneme_map(const std::string& path) {
  if (path.empty()) {
    throw ConfigError(
        {"model.phoneme_map is not set; the phonemes encoder needs a Piper voice "
         "config (*.onnx.json) or a JSON file with phoneme_id_map"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot be read (") + std::strerror(errno) + "); check the path");
  std::ostringstream content;
  content << in.rdbuf();
  json root;
  try {
    root = json::parse(content.str());
  } catch (const json::exception& e) {
    fail(path, std::string("is not JSON (") + e.what() + "); " + kFormatHint);
  }
  if (!root.is_object()) fail(path, std::string("is not a JSON object; ") + kFormatHint);

  PiperPhonemeMap map;
  if (root.contains("phoneme_id_map")) {
    read_ids(root["phoneme_id_map"], path, map);
    if (root.contains("phoneme_map")) read_replacements(root["phoneme_map"], path, map);
    read_voice(root, path, map);
  } else if (root.contains("_")) {
    read_ids(root, path, map);  // the map object alone
  } else {
    fail(path, std::string("has no phoneme_id_map; ") + kFormatHint);
  }
  return map;
}

// Follows piper-phonemize src/phoneme_ids.cpp, phonemes_to_ids with its defaults (addBos,
// interspersePad, addEos): bos ids, pad ids, then per phoneme its ids and the pad ids (a
// missing phoneme is counted and skipped, no pad), then eos ids.
TokenIds piper_phoneme_ids(std::u32string_view phonemes, const PiperPhonemeMap& map,
                           std::map<char32_t, std::size_t>& missing) {
  const auto& pad = map.ids.at(U'_');
  const auto& bos = map.ids.at(U'^');
  const auto& eos = map.ids.at(U'$');
  TokenIds ids;
  ids.reserve(2 * phonemes.size() + bos.size() + pad.size() + eos.size());
  ids.insert(ids.end(), bos.begin(), bos.end());
  ids.insert(ids.end(), pad.begin(), pad.end());
  for (char32_t phoneme : phonemes) {
    const auto found = map.ids.find(phoneme);
    if (found == map.ids.end()) {
      ++missing[phoneme];
      continue;
    }
    ids.insert(ids.end(), found->second.begin(), found->second.end());
    ids.insert(ids.end(), pad.begin(), pad.end());
  }
  ids.insert(ids.end(), eos.begin(), eos.end());
  return ids;
}

}  // namespace mpibatch::encode::detail
