#include "app/cli/token_input.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "app/cli/cli.h"
#include "core/common/error.h"
#include "core/model/tokenizer.h"

namespace seqlens::cli {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, path + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::Io, path + ": cannot read: " + std::strerror(errno));
  return ss.str();
}

// `where` prefixes messages: "--tokens" or the file name. Malformed literal lists are usage
// errors; malformed files are data errors.
std::vector<int32_t> parse_ids(const std::string& s, const std::string& where, bool from_file) {
  std::vector<int32_t> ids;
  const std::vector<std::string> items = split_list(s);
  for (size_t i = 0; i < items.size(); ++i) {
    int64_t v = 0;
    if (!parse_int64(items[i], &v) || v < INT32_MIN || v > INT32_MAX) {
      const std::string msg =
          where + ": item " + std::to_string(i + 1) + " '" + items[i] + "' is not a token id";
      if (from_file) throw Error(ErrorKind::InvalidArgument, msg);
      throw UsageError(msg);
    }
    ids.push_back(static_cast<int32_t>(v));
  }
  return ids;
}

}  // namespace

void TokenInput::add_options(CLI::App* sub) {
  text_opt = sub->add_option("--text", text,
                             "Input text, byte-tokenized (presets and model directories with a "
                             "vocabulary of at least 256; other models need --tokens)");
  tokens_opt = sub->add_option("--tokens", tokens,
                               "Token ids: 3,1,4 or @FILE (ids separated by commas/whitespace)");
  text_opt->excludes(tokens_opt);
  tokens_opt->excludes(text_opt);
}

std::string TokenInput::describe() const {
  if (has_text()) return "text";
  if (!tokens.empty() && tokens[0] == '@') return "file:" + tokens.substr(1);
  return "tokens";
}

std::vector<int32_t> resolve_tokens(const TokenInput& input, const ModelSource& source) {
  const bool have_tokens = input.tokens_opt && input.tokens_opt->count() > 0;
  if (!input.has_text() && !have_tokens) throw UsageError("give the input as --text or --tokens");

  std::vector<int32_t> ids;
  if (input.has_text()) {
    if (!uses_byte_tokenizer(source)) {
      throw Error(ErrorKind::InvalidArgument,
                  source.spec + ": vocabulary of " + std::to_string(source.config.vocab_size) +
                      " tokens is smaller than the byte tokenizer's 256; pass --tokens");
    }
    ids = ByteTokenizer::encode(input.text);
  } else if (!input.tokens.empty() && input.tokens[0] == '@') {
    const std::string path = input.tokens.substr(1);
    if (path.empty()) throw UsageError("--tokens @FILE: missing file name");
    ids = parse_ids(read_file(path), path, true);
  } else {
    ids = parse_ids(input.tokens, "--tokens", false);
  }

  if (ids.empty()) throw Error(ErrorKind::InvalidArgument, "empty input: no tokens to run");
  const int64_t vocab = source.config.vocab_size;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= vocab) {
      throw Error(ErrorKind::InvalidArgument,
                  "token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                      " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
    }
  }
  return ids;
}

}  // namespace seqlens::cli
