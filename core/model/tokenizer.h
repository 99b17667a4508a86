// The default tokenizer of the embedded models: byte-level. Ids 0..255 are the UTF-8 bytes, so
// any text (English, Russian, DNA, code) is valid input; a few specials follow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace seqlens {

struct ByteTokenizer {
  static constexpr int32_t kBos = 256;
  static constexpr int32_t kEos = 257;
  static constexpr int32_t kPad = 258;
  static constexpr int32_t kUnk = 259;
  static constexpr int32_t kVocabSize = 260;

  static std::vector<int32_t> encode(const std::string& text);
  // Bytes back to text; specials render as "<bos>", "<eos>", "<pad>", "<unk>".
  static std::string decode(const std::vector<int32_t>& ids);
  // Display label of one token for chart axes: printable ASCII as is, space as "␣", newline as
  // "⏎", other bytes as "<xx>" hex (multi-byte UTF-8 characters are split across tokens).
  static std::string token_label(int32_t id);
  // Labels for a whole sequence: a complete multi-byte UTF-8 character is shown on its first byte
  // ("П") and its continuation bytes as "·", so Cyrillic and other scripts stay readable; anything
  // else falls back to token_label.
  static std::vector<std::string> sequence_labels(const std::vector<int32_t>& ids);
};

}  // namespace seqlens
