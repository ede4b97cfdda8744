#pragma once
/// \file The units of work: a book's chapters and the items they are split into.

#include <cstdint>
#include <string>
#include <vector>

namespace mpibatch::work {

/// One chapter in reading order.
struct Chapter {
  std::uint32_t index = 0;  ///< 0-based position in reading order
  std::string title;        ///< heading or file stem; may be empty
  std::string source;       ///< file it came from (and heading line for split files)
  std::string text;         ///< UTF-8 text
  std::string language;     ///< BCP 47 tag ("en", "fr-FR"); empty when unknown
};

/// A book as read from disk: chapters in reading order.
struct Book {
  std::string title;
  std::string language;  ///< BCP 47 tag when known, else empty
  std::string source;    ///< path given by the user
  std::vector<Chapter> chapters;
};

/// One item of work: a bounded piece of one chapter's text (a sentence or paragraph).
struct WorkItem {
  std::uint64_t id = 0;       ///< 0-based, global reading order across the book
  std::uint32_t chapter = 0;  ///< Chapter::index
  std::uint32_t index = 0;    ///< 0-based position within its chapter
  std::string text;           ///< UTF-8, never empty, at most max_chars code points
  std::uint32_t chars = 0;    ///< code points in text; the scheduler's cost estimate
  std::string language;       ///< its chapter's language, for the encoder; may be empty

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, chapter, index, text, chars, language);
  }
};

}  // namespace mpibatch::work
