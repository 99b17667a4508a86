// Analytic memory and parameter projections for published models: what a KV cache costs at a
// context of n tokens versus the constant state of a Mamba layer, and how many parameters a token
// really touches when experts are sparse. Nothing here runs a model; it is arithmetic on configs.
//
// Conventions: caches in bf16/fp16 (2 bytes per element) unless a caller asks otherwise; the KV
// cache of one attention layer holds K and V, n_kv_heads·head_dim values each per token; a Mamba
// layer keeps conv state [E_in(+2GN), K] and SSM state [E_in, N] (Mamba-2: [H, P, N]), both in the
// same element size (mamba_ssm allocates both in the model dtype; kernels that keep the SSM state
// in fp32 double that part — pass 4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/config.h"

namespace seqlens {

struct PublishedModel {
  std::string name;    // display name, e.g. "Llama-2-7B" (a proper noun: not translated)
  std::string hub_id;  // Hugging Face repository the values come from
  ModelConfig config;  // expressed in the core's families (see projection.cpp for each mapping)
  // Sliding-window attention: the rolling KV cache keeps at most this many tokens; 0 = full.
  int64_t sliding_window = 0;
  int64_t max_context = 0;  // max_position_embeddings of the published config; 0 = no limit
};

// Llama-2-7B, Mistral-7B-v0.1, Mixtral-8x7B-v0.1, Mamba-2.8B, Jamba-v0.1, in that order.
std::vector<PublishedModel> published_models();

// Bytes of the KV cache after n tokens: 2 · attention layers · n_kv_heads · head_dim ·
// min(n, window) · bytes_per_elem (window 0 = no window). Throws Error(InvalidArgument) for n < 0.
int64_t kv_cache_bytes(const ModelConfig& c, int64_t n, int64_t sliding_window = 0,
                       int bytes_per_elem = 2);
// Bytes of the constant conv + SSM state of every Mamba layer (0 for pure Transformers).
int64_t ssm_state_bytes(const ModelConfig& c, int bytes_per_elem = 2);

struct ProjectionPoint {
  int64_t n = 0;
  int64_t kv_bytes = 0;   // grows with n (stops at the window)
  int64_t ssm_bytes = 0;  // constant
  int64_t total() const { return kv_bytes + ssm_bytes; }
};

struct ModelProjection {
  PublishedModel model;
  int64_t params_total = 0;   // count_params(config).total
  int64_t params_active = 0;  // per token: only top_k of num_experts experts
  int64_t kv_bytes_per_token = 0;
  int64_t ssm_bytes = 0;
  std::vector<ProjectionPoint> points;  // n = min_n, 2·min_n, …, max_n
  // Smallest projected n whose total reaches `threshold_bytes`, or 0 when none does.
  int64_t crossing_n = 0;
};

struct ProjectionOptions {
  int64_t min_n = 1024;
  int64_t max_n = 262144;
  int bytes_per_elem = 2;
  int64_t threshold_bytes = int64_t(16) << 30;  // e.g. one 16 GiB GPU just for the cache
};

// One projection per published model, in published_models() order.
std::vector<ModelProjection> project_published(const ProjectionOptions& options = {});

}  // namespace seqlens
