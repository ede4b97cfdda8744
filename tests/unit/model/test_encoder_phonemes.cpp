/// The `phonemes` encoder: espeak-ng IPA phonemes, Piper's id rule, voices, map-file errors,
/// and a TorchScript embedding model fed with its ids.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mpibatch/encode/encoder.h"
#include "mpibatch/error.h"
#include "mpibatch/model/torchscript_runner.h"
#include "python_models.h"
#include "support/temp_dir.h"

namespace mpibatch::model {

using encode::Encoder;
using encode::EncoderOptions;
using encode::make_encoder;
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Entries = std::vector<std::pair<std::string, std::vector<int>>>;

std::string map_json(const Entries& entries) {
  std::string json = "{";
  for (const auto& [phoneme, ids] : entries) {
    json += (json.size() > 1 ? ", \"" : "\"") + phoneme + "\": [";
    for (std::size_t i = 0; i < ids.size(); ++i) json += (i ? ", " : "") + std::to_string(ids[i]);
    json += "]";
  }
  return json + "}";
}

/// Piper's ids for the phonemes of "hello" (en-us voices, e.g. en_US-lessac-medium.onnx.json).
const Entries kHelloMap = {{"_", {0}},          {"^", {1}},         {"$", {2}},  {" ", {3}},
                           {"h", {20}},         {"l", {24}},        {"o", {27}}, {"\xC9\x99", {59}},
                           {"\xCA\x8A", {100}}, {"\xCB\x88", {120}}};  // ə ʊ ˈ

/// A map with one id per symbol: ASCII letters and punctuation, the IPA letters espeak-ng
/// writes, and the combining marks NFD splits off; "$" has the largest id.
Entries full_map() {
  Entries entries = {{"_", {0}}, {"^", {1}}, {" ", {3}}};
  int next = 4;
  for (const char* mark : {"!", ",", ".", ":", ";", "?", "-", "'"})
    entries.push_back({mark, {next++}});
  for (char c = 'a'; c <= 'z'; ++c) entries.push_back({std::string(1, c), {next++}});
  const std::u32string ipa =
      U"æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ"
      U"\u0303\u0327\u0329\u032A\u031A\u0361\u0306";
  for (char32_t c : ipa) {
    std::string utf8;
    if (c < 0x800) {
      utf8 = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    } else {
      utf8 = {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
              static_cast<char>(0x80 | (c & 0x3F))};
    }
    entries.push_back({utf8, {next++}});
  }
  entries.push_back({"$", {next}});
  return entries;
}

class PhonemesEncoder : public ::testing::Test {
 protected:
  std::unique_ptr<Encoder> make(const std::string& json, const std::string& voice = "auto") {
    EncoderOptions options;
    options.name = "phonemes";
    options.phoneme_map = dir_.write("voice.onnx.json", json);
    options.espeak_voice = voice;
    return make_encoder(options);
  }
  std::unique_ptr<Encoder> make_full(const std::string& voice = "auto") {
    return make(map_json(full_map()), voice);
  }
  /// The phonemes behind ids from the full map, checking Piper's layout on the way:
  /// ^ _ (phoneme _)* $.
  static std::string phonemes(const TokenIds& ids) {
    std::map<std::int64_t, std::string> by_id;
    for (const auto& [phoneme, id] : full_map()) by_id[id.at(0)] = phoneme;
    std::string out;
    EXPECT_GE(ids.size(), 3u);
    if (ids.size() < 3) return out;
    EXPECT_EQ(ids.front(), 1);
    EXPECT_EQ(ids.back(), by_id.rbegin()->first);
    for (std::size_t i = 1; i + 1 < ids.size(); ++i) {
      if (i % 2 == 1) {
        EXPECT_EQ(ids[i], 0) << "pad expected at " << i;
      } else {
        out += by_id.at(ids[i]);
      }
    }
    return out;
  }
  std::string error_for(const std::string& json) {
    try {
      make(json);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an InputError for " << json;
    return {};
  }
  std::string path() const { return dir_.file("voice.onnx.json"); }

  testing::TempDir dir_;
};

TEST_F(PhonemesEncoder, HelloInEnUsIsEspeakIpaWithPiperIds) {
  // espeak-ng -v en-us -q --ipa "hello" prints həlˈoʊ; Piper: ^ _ then each phoneme and _, $.
  const auto encoder = make(map_json(kHelloMap));
  EXPECT_EQ(encoder->name(), "phonemes");
  EXPECT_EQ(encoder->vocabulary_size(), 121);
  EXPECT_THAT(encoder->encode("hello", "en-US"),
              ElementsAre(1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 2));
  EXPECT_EQ(encoder->unmapped_summary(), "");
}

TEST_F(PhonemesEncoder, IdListsOfSeveralIdsAndAnyPadId) {
  Entries map = kHelloMap;
  map[0].second = {9};         // "_"
  map[1].second = {1, 7};      // "^"
  map[8].second = {100, 101};  // "ʊ"
  const auto encoder = make(map_json(map));
  EXPECT_THAT(encoder->encode("hello", "en-us"),
              ElementsAre(1, 7, 9, 20, 9, 59, 9, 24, 9, 120, 9, 27, 9, 100, 101, 9, 2));
  EXPECT_EQ(encoder->vocabulary_size(), 121);
}

TEST_F(PhonemesEncoder, MissingPhonemesAreSkippedAndCounted) {
  Entries map = kHelloMap;
  map.pop_back();  // no stress mark ˈ
  const auto encoder = make(map_json(map));
  EXPECT_THAT(encoder->encode("hello", ""),
              ElementsAre(1, 0, 20, 0, 59, 0, 24, 0, 27, 0, 100, 0, 2));
  encoder->encode("hello hello", "");
  EXPECT_EQ(encoder->unmapped_summary(),
            "3 phonemes not in model.phoneme_map '" + path() + "' (skipped): '\xCB\x88' 3");
}

TEST_F(PhonemesEncoder, ClausePunctuationIsRestored) {
  const auto encoder = make_full();
  EXPECT_EQ(phonemes(encoder->encode("Hello, world. How are you?", "en-us")),
            "həlˈoʊ, wˈɜːld. hˈaʊ ɑːɹ juː?");
  EXPECT_EQ(phonemes(encoder->encode("Really?! Yes: no; maybe...", "en-us")),
            "ɹˈiəli! jˈɛs: nˈoʊ; mˈeɪbiː.");
  EXPECT_EQ(phonemes(encoder->encode("He said \"stop.\" Then left.", "en-us")),
            "hiː sˈɛd stˈɑːp. ðˈɛn lˈɛft.");
  EXPECT_EQ(phonemes(encoder->encode("Hello,world", "en-us")), "həlˈoʊ wˈɜːld");  // one clause
}

TEST_F(PhonemesEncoder, PunctuationMissingFromTheMapIsNotAdded) {
  Entries map = full_map();
  map.erase(map.begin() + 4);  // ","
  const auto encoder = make(map_json(map));
  const TokenIds with_comma = make_full()->encode("Hello, world.", "en-us");
  const TokenIds without = encoder->encode("Hello, world.", "en-us");
  EXPECT_EQ(without.size() + 2, with_comma.size());
  EXPECT_EQ(encoder->unmapped_summary(), "");
}

TEST_F(PhonemesEncoder, FrenchAndGermanDifferFromEnglish) {
  const auto encoder = make_full();
  const std::string french = "Bonjour le monde.";
  // ɔ̃ is ɔ + U+0303; espeak-ng's language switch flags "(en)" ... "(fr)" are removed.
  EXPECT_EQ(phonemes(encoder->encode(french, "fr-FR")), "bɔ̃ʒˈuʁ lə- mˈɔ̃d.");
  EXPECT_NE(encoder->encode(french, "fr-FR"), encoder->encode(french, "en-US"));
  EXPECT_EQ(phonemes(encoder->encode("Le weekend, j'ai vu Shakespeare.", "fr")),
            "lə- wiːkˈɛnd, ʒe vˈy ʃˈeɪkspiə.");
  // Piper decomposes (NFD): ç is c + U+0327.
  const std::string german = "Ich möchte das.";
  EXPECT_EQ(phonemes(encoder->encode(german, "de-DE")), "ɪc\xCC\xA7 mˈœc\xCC\xA7tə das.");
  EXPECT_NE(encoder->encode(german, "de-DE"), encoder->encode(german, "en-US"));
  EXPECT_EQ(phonemes(encoder->encode("Guten Tag, wie geht es dir?", "de")),
            "ɡˈuːtən tˈɑːk, viː ɡˈeːt ɛs dˈiːɾ?");
}

TEST_F(PhonemesEncoder, LanguagesMapToEspeakVoices) {
  const auto by_language = make_full();
  EXPECT_EQ(by_language->encode("hello", ""), by_language->encode("hello", "en-US"));
  EXPECT_EQ(by_language->encode("casa", "pt-BR"), make_full("pt-br")->encode("casa"));
  EXPECT_EQ(by_language->encode("Bonjour", "fr_FR"), make_full("fr")->encode("Bonjour"));
  EXPECT_FALSE(by_language->encode("\xE4\xBD\xA0\xE5\xA5\xBD", "zh-CN").empty());  // cmn
  try {
    by_language->encode("hello", "xx-YY");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("language 'xx-YY' has no espeak-ng voice"));
    EXPECT_THAT(e.what(), HasSubstr("model.espeak_voice"));
    EXPECT_THAT(e.what(), HasSubstr("espeak-ng --voices"));
  }
  EXPECT_THROW(by_language->encode("hello", "../../etc/passwd"), InputError);
}

TEST_F(PhonemesEncoder, VoiceFromMapFileThenEspeakVoiceOverrides) {
  std::string config = map_json(full_map());
  config = "{\"espeak\": {\"voice\": \"fr\"}, \"phoneme_type\": \"espeak\", \"phoneme_id_map\": " +
           config + "}";
  const std::string french = "Bonjour le monde.";
  const TokenIds in_french = make_full()->encode(french, "fr");
  EXPECT_EQ(make(config)->encode(french, "en-US"), in_french);  // the map's voice wins
  EXPECT_EQ(make(config)->encode(french), in_french);
  const TokenIds in_german = make_full()->encode(french, "de");
  EXPECT_EQ(make(config, "de")->encode(french, "fr"), in_german);  // model.espeak_voice wins
  EXPECT_NE(in_french, in_german);
}

TEST_F(PhonemesEncoder, MapFileForms) {
  const std::string map = map_json(kHelloMap);
  const TokenIds expected = make(map)->encode("hello");
  const std::string piper_config =
      "{\"audio\": {\"sample_rate\": 22050}, \"espeak\": {\"voice\": \"en-us\"}, "
      "\"inference\": {\"noise_scale\": 0.667}, \"phoneme_type\": \"espeak\", "
      "\"phoneme_map\": {}, \"num_symbols\": 256, \"phoneme_id_map\": " +
      map + "}";
  EXPECT_EQ(make(piper_config)->encode("hello", "fr"), expected);
  EXPECT_EQ(make("{\"phoneme_id_map\": " + map + "}")->encode("hello"), expected);
  // Piper's phoneme_map replaces phonemes before the ids are looked up.
  const std::string replaced =
      "{\"phoneme_map\": {\"o\": [\"h\", \"l\"]}, \"phoneme_id_map\": " + map + "}";
  EXPECT_THAT(make(replaced)->encode("hello"),
              ElementsAre(1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 20, 0, 24, 0, 100, 0, 2));
}

TEST_F(PhonemesEncoder, TextWithoutPhonemesGivesNoIds) {
  const auto encoder = make_full();
  EXPECT_THAT(encoder->encode("", "en"), IsEmpty());
  EXPECT_THAT(encoder->encode("  \n", "en"), IsEmpty());
  EXPECT_THAT(encoder->encode("...", "en"), IsEmpty());
}

TEST_F(PhonemesEncoder, ConcurrentCallsInDifferentLanguages) {
  const auto encoder = make_full();
  const std::vector<std::pair<std::string, std::string>> items = {
      {"Hello, world.", "en-US"}, {"Bonjour le monde.", "fr"}, {"Ich möchte das.", "de"}};
  std::vector<TokenIds> expected;
  for (const auto& [text, language] : items) expected.push_back(encoder->encode(text, language));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        const std::size_t k = static_cast<std::size_t>(i + t) % items.size();
        if (encoder->encode(items[k].first, items[k].second) != expected[k]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

TEST_F(PhonemesEncoder, MapFileErrorsNameTheKeyAndFile) {
  const std::string prefix = "model.phoneme_map: '" + path() + "' ";
  const std::string ok = "\"_\": [0], \"^\": [1], \"$\": [2]";
  EXPECT_THAT(error_for("not json"), HasSubstr(prefix + "is not JSON ("));
  EXPECT_THAT(error_for("[1, 2]"), HasSubstr(prefix + "is not a JSON object"));
  EXPECT_THAT(error_for("{\"audio\": {\"sample_rate\": 22050}}"),
              HasSubstr(prefix + "has no phoneme_id_map"));
  for (const std::string value : {"5", "[-1]", "[1.5]", "[]", "[\"x\"]"}) {
    EXPECT_THAT(error_for("{" + ok + ", \"a\": " + value + "}"),
                HasSubstr(prefix + "maps 'a' to " + value.substr(0, 3)))
        << value;
  }
  EXPECT_THAT(error_for("{" + ok + ", \"a\": [-1]}"),
              HasSubstr("phoneme_id_map values must be lists of non-negative integer ids"));
  EXPECT_THAT(error_for("{" + ok + ", \"ab\": [4]}"),
              HasSubstr(prefix + "has phoneme_id_map key 'ab', which is not one phoneme"));
  EXPECT_THAT(error_for("{\"^\": [1], \"$\": [2], \"a\": [4]}"),
              HasSubstr(prefix + "has no phoneme_id_map"));
  EXPECT_THAT(error_for("{\"phoneme_id_map\": {\"^\": [1], \"$\": [2]}}"),
              HasSubstr(prefix + "has no \"_\" in phoneme_id_map"));
  EXPECT_THAT(error_for("{\"_\": [0], \"$\": [2]}"), HasSubstr("has no \"^\""));
  EXPECT_THAT(error_for("{\"_\": [0], \"^\": [1]}"), HasSubstr("has no \"$\""));
  EXPECT_THAT(error_for("{\"phoneme_type\": \"text\", \"phoneme_id_map\": {" + ok + "}}"),
              HasSubstr(prefix + "has phoneme_type \"text\""));
  const std::string unknown_voice =
      error_for("{\"espeak\": {\"voice\": \"xx-nowhere\"}, \"phoneme_id_map\": {" + ok + "}}");
  EXPECT_THAT(unknown_voice, HasSubstr(prefix + "names espeak voice 'xx-nowhere'"));
  EXPECT_THAT(unknown_voice, HasSubstr("espeak-ng --voices"));

  EncoderOptions options;
  options.name = "phonemes";
  options.phoneme_map = dir_.file("missing.json");
  EXPECT_THROW(make_encoder(options), InputError);
  options.phoneme_map.clear();
  EXPECT_THROW(make_encoder(options), ConfigError);
}

TEST_F(PhonemesEncoder, UnknownEspeakVoiceIsAConfigError) {
  try {
    make_full("xx-nowhere");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("model.espeak_voice: espeak-ng has no voice 'xx-nowhere'"));
    EXPECT_THAT(e.what(), HasSubstr("espeak-ng --voices"));
  }
}

/// Piper/VITS-style TorchScript models: an embedding of `rows` rows applied to the ids,
/// padded positions masked, each token upsampled to 2 frames; one file per entry of `rows`.
std::vector<std::string> write_embedding_models(const testing::TempDir& dir,
                                                const std::vector<std::int64_t>& rows) {
  const std::string script = dir.write("make_embedding_models.py", R"(import sys
from typing import Tuple
import torch
from torch import Tensor, nn

class Embedder(nn.Module):
    def __init__(self, rows: int):
        super().__init__()
        self.embedding = nn.Embedding(rows, 4)

    def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        mask = torch.arange(ids.size(1), device=ids.device)[None, :] < lengths[:, None]
        x = self.embedding(ids) * mask[:, :, None].to(torch.float32)
        return x.repeat_interleave(2, dim=1), lengths * 2

for path, rows in zip(sys.argv[1::2], sys.argv[2::2]):
    torch.jit.script(Embedder(int(rows)).eval()).save(path)
)");
  std::vector<std::string> models;
  std::string command = testing::shell_quote(MPIBATCH_PYTHON) + " " + testing::shell_quote(script);
  for (std::int64_t n : rows) {
    models.push_back(dir.file("embedding_" + std::to_string(n) + ".pt"));
    command += " " + testing::shell_quote(models.back()) + " " + std::to_string(n);
  }
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return models;
}

TEST_F(PhonemesEncoder, EmbeddingModelAcceptsTheIdsAndFollowsLengths) {
  const auto encoder = make_full();
  const std::vector<TokenIds> ids = {encoder->encode("Hello, world.", "en-US"),
                                     encoder->encode("Bonjour le monde.", "fr"),
                                     encoder->encode("Ich möchte das, ja!", "de")};
  std::vector<const TokenIds*> batch;
  for (const auto& item : ids) batch.push_back(&item);

  const std::int64_t rows = encoder->vocabulary_size();
  const auto models = write_embedding_models(dir_, {rows, rows - 1});
  TorchScriptRunner runner({models[0], "cpu"});
  const auto outputs = runner.run(batch);
  ASSERT_EQ(outputs.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(outputs[i].length, 2 * static_cast<std::int64_t>(ids[i].size())) << i;
    EXPECT_THAT(outputs[i].feature_shape, ElementsAre(4));
    EXPECT_EQ(outputs[i].values.size(), static_cast<std::size_t>(outputs[i].length) * 4);
  }
  // Each sequence ends with "$", the largest id: one row fewer is out of range.
  TorchScriptRunner short_table({models[1], "cpu"});
  try {
    short_table.run(batch);
    ADD_FAILURE() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_THAT(e.what(), HasSubstr("index out of range"));
  }
}

}  // namespace
}  // namespace mpibatch::model
