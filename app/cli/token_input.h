// The model input: --text STR (byte tokenizer) or --tokens LIST / --tokens @FILE, where LIST and
// the file hold token ids separated by commas and/or whitespace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/cli/model_source.h"

namespace seqlens::cli {

struct TokenInput {
  CLI::Option* text_opt = nullptr;
  CLI::Option* tokens_opt = nullptr;
  std::string text;
  std::string tokens;  // "3,1,4" or "@FILE"

  // Adds --text and --tokens (mutually exclusive) to `sub`.
  void add_options(CLI::App* sub);
  bool has_text() const { return text_opt && text_opt->count() > 0; }
  // "text", "tokens" or "file:PATH", for the sidecar.
  std::string describe() const;
};

// Resolves the ids and checks them against the model: non-empty, every id in [0, vocab).
// Throws UsageError when neither option is given or the literal list is malformed, and
// seqlens::Error for unreadable files, bad ids, empty input or text on a non-byte model.
std::vector<int32_t> resolve_tokens(const TokenInput& input, const ModelSource& source);

}  // namespace seqlens::cli
