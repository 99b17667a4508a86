// Helpers shared by the checkpoint I/O tests: asserting a specific Error, and tiny configs of
// every family (small enough that a save/load round trip takes milliseconds).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/model/config.h"

namespace seqlens::testing {

inline const char* kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::InvalidArgument:
      return "InvalidArgument";
    case ErrorKind::Config:
      return "Config";
    case ErrorKind::Checkpoint:
      return "Checkpoint";
    case ErrorKind::Io:
      return "Io";
    case ErrorKind::Budget:
      return "Budget";
    case ErrorKind::Cancelled:
      return "Cancelled";
  }
  return "?";
}

// Succeeds when f() throws seqlens::Error of `kind` whose message contains every part.
template <typename F>
::testing::AssertionResult FailsWith(F&& f, ErrorKind kind, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (e.kind() != kind)
      return ::testing::AssertionFailure() << "threw Error(" << kind_name(e.kind())
                                           << ") instead of " << kind_name(kind) << ": " << msg;
    for (const auto& p : parts)
      if (msg.find(p) == std::string::npos)
        return ::testing::AssertionFailure() << "message lacks \"" << p << "\": " << msg;
    return ::testing::AssertionSuccess() << msg;
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-seqlens exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

// Tiny configs: every optional tensor switched on somewhere (biases, untied heads, MoE).
inline ModelConfig tiny_config(Family f) {
  ModelConfig c;
  c.family = f;
  c.vocab_size = 37;
  c.d_model = 16;
  c.n_layers = 2;
  c.norm_eps = 1e-5;
  c.pad_token_id = 0;
  c.bos_token_id = 1;
  c.eos_token_id = 2;
  switch (f) {
    case Family::GPT2:
      c.n_heads = c.n_kv_heads = 2;
      c.head_dim = 8;
      c.intermediate_size = 64;
      c.max_position_embeddings = 32;
      c.tie_word_embeddings = true;
      break;
    case Family::Llama:
      c.n_heads = 4;
      c.n_kv_heads = 2;
      c.head_dim = 4;
      c.intermediate_size = 24;
      c.max_position_embeddings = 128;
      c.rope_theta = 500000.0;
      c.attention_bias = true;
      c.mlp_bias = true;
      c.tie_word_embeddings = false;
      c.norm_eps = 1e-6;
      break;
    case Family::Mamba1:
      c.d_state = 4;
      c.d_conv = 3;
      c.expand = 2;
      c.d_inner = 32;
      c.dt_rank = 1;
      c.conv_bias = true;
      c.proj_bias = true;
      c.tie_word_embeddings = true;
      break;
    case Family::Mamba2:
      c.d_state = 8;
      c.d_conv = 4;
      c.expand = 2;
      c.d_inner = 32;
      c.ssm_heads = 4;
      c.ssm_head_dim = 8;
      c.n_groups = 2;
      c.chunk_size = 8;
      c.time_step_limit_min = 0.0;
      c.time_step_limit_max = 5.0;
      c.tie_word_embeddings = false;
      break;
    case Family::Jamba:
      c.n_layers = 4;
      c.n_heads = 2;
      c.n_kv_heads = 1;
      c.head_dim = 8;
      c.intermediate_size = 24;
      c.d_state = 4;
      c.d_conv = 4;
      c.expand = 2;
      c.d_inner = 32;
      c.dt_rank = 2;
      c.attn_layer_period = 2;
      c.attn_layer_offset = 1;
      c.expert_layer_period = 2;
      c.expert_layer_offset = 0;
      c.num_experts = 3;
      c.top_k = 2;
      c.norm_eps = 1e-6;
      c.tie_word_embeddings = false;
      c.router_renormalize = true;
      break;
  }
  return c;
}

inline const Family kAllFamilies[] = {Family::GPT2, Family::Llama, Family::Mamba1, Family::Mamba2,
                                      Family::Jamba};

}  // namespace seqlens::testing
