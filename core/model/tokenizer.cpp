#include "core/model/tokenizer.h"

#include <cstdio>

namespace seqlens {

std::vector<int32_t> ByteTokenizer::encode(const std::string& text) {
  std::vector<int32_t> ids;
  ids.reserve(text.size());
  for (unsigned char c : text) ids.push_back(c);
  return ids;
}

std::string ByteTokenizer::decode(const std::vector<int32_t>& ids) {
  std::string out;
  for (int32_t id : ids) {
    if (id >= 0 && id < 256)
      out.push_back(static_cast<char>(id));
    else
      out += token_label(id);
  }
  return out;
}

std::string ByteTokenizer::token_label(int32_t id) {
  switch (id) {
    case kBos:
      return "<bos>";
    case kEos:
      return "<eos>";
    case kPad:
      return "<pad>";
    case kUnk:
      return "<unk>";
    case ' ':
      return "\xE2\x90\xA3";  // ␣
    case '\n':
      return "\xE2\x8F\x8E";  // ⏎
    case '\t':
      return "\xE2\x87\xA5";  // ⇥
    default:
      break;
  }
  if (id > 32 && id < 127) return std::string(1, static_cast<char>(id));
  char buf[16];
  std::snprintf(buf, sizeof buf, id >= 0 && id < 256 ? "<%02x>" : "<%d>", id);
  return buf;
}

std::vector<std::string> ByteTokenizer::sequence_labels(const std::vector<int32_t>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size();) {
    const int32_t b = ids[i];
    const size_t len = b >= 0xF0 && b < 0xF5   ? 4
                       : b >= 0xE0 && b < 0xF0 ? 3
                       : b >= 0xC2 && b < 0xE0 ? 2
                                               : 1;
    bool whole = len > 1 && i + len <= ids.size();
    for (size_t k = 1; whole && k < len; ++k) whole = ids[i + k] >= 0x80 && ids[i + k] < 0xC0;
    if (!whole) {
      out.push_back(token_label(b));
      ++i;
      continue;
    }
    std::string ch;
    for (size_t k = 0; k < len; ++k) ch.push_back(static_cast<char>(ids[i + k]));
    out.push_back(ch);
    for (size_t k = 1; k < len; ++k) out.push_back("\xC2\xB7");  // ·
    i += len;
  }
  return out;
}

}  // namespace seqlens
