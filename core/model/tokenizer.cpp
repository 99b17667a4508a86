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

}  // namespace seqlens
