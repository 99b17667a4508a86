// The analytic projection: KV cache and SSM state bytes of published models, computed by hand
// from their config.json values, and parameter counts against the totals their authors publish.
#include <gtest/gtest.h>

#include "core/analysis/projection.h"
#include "core/common/error.h"
#include "core/model/param_spec.h"

namespace seqlens {
namespace {

const ModelProjection& find(const std::vector<ModelProjection>& ps, const std::string& name) {
  for (const ModelProjection& p : ps)
    if (p.model.name == name) return p;
  throw std::runtime_error("no " + name);
}

TEST(Projection, PublishedModelsAreValidConfigs) {
  const auto models = published_models();
  ASSERT_EQ(models.size(), 5u);
  for (const PublishedModel& m : models) EXPECT_NO_THROW(validate(m.config)) << m.name;
}

TEST(Projection, Llama2_7bKvCacheAt4096TokensIs2GiB) {
  const ModelConfig c = published_models()[0].config;
  // 2 (K and V) · 32 layers · 32 KV heads · 128 · 2 bytes · 4096 tokens.
  EXPECT_EQ(kv_cache_bytes(c, 4096), int64_t(2) * 32 * 32 * 128 * 2 * 4096);
  EXPECT_EQ(kv_cache_bytes(c, 4096), 2'147'483'648);
  EXPECT_EQ(kv_cache_bytes(c, 4096, 0, 4), 2 * 2'147'483'648LL);  // fp32
  EXPECT_EQ(ssm_state_bytes(c), 0);
}

TEST(Projection, ParameterCountsMatchThePublishedTotals) {
  const auto ps = project_published();
  // Llama-2-7B: 32 × (4·4096² attention + 3·4096·11008 MLP + 2·4096 norms) + 2·32000·4096
  // (untied embedding and head) + 4096 final norm.
  const int64_t llama =
      32 * (4LL * 4096 * 4096 + 3LL * 4096 * 11008 + 2 * 4096) + 2LL * 32000 * 4096 + 4096;
  EXPECT_EQ(llama, 6'738'415'616);
  EXPECT_EQ(find(ps, "Llama-2-7B").params_total, llama);
  EXPECT_EQ(find(ps, "Llama-2-7B").params_active, llama);

  // Mistral-7B: GQA (k, v 1024 × 4096) and intermediate 14336.
  const int64_t attn = 2LL * 4096 * 4096 + 2LL * 1024 * 4096;  // 41,943,040
  const int64_t expert = 3LL * 4096 * 14336;                   // 176,160,768
  const int64_t head = 2LL * 32000 * 4096 + 4096;
  EXPECT_EQ(find(ps, "Mistral-7B").params_total, 32 * (attn + expert + 2 * 4096) + head);
  EXPECT_EQ(find(ps, "Mistral-7B").params_total, 7'241'732'096);

  // Mixtral-8x7B: 8 experts and a router (8 × 4096) per layer; 2 experts active per token.
  const ModelProjection& mx = find(ps, "Mixtral-8x7B");
  EXPECT_EQ(mx.params_total, 32 * (attn + 8 * expert + 8 * 4096 + 2 * 4096) + head);
  EXPECT_EQ(mx.params_total, 46'702'792'704);
  EXPECT_EQ(mx.params_active, 32 * (attn + 2 * expert + 8 * 4096 + 2 * 4096) + head);
  EXPECT_EQ(mx.params_active, 12'879'925'248);  // Mistral's "12.9B active"

  // Mamba-2.8B per layer: in_proj 2·5120·2560, conv 5120·4 + 5120, x_proj (160 + 2·16)·5120,
  // dt_proj 5120·160 + 5120, A_log 5120·16, D 5120, out_proj 2560·5120, norm 2560.
  const int64_t mamba_layer = 2LL * 5120 * 2560 + 5120 * 4 + 5120 + (160 + 32) * 5120 + 5120 * 160 +
                              5120 + 5120 * 16 + 5120 + 2560LL * 5120 + 2560;
  EXPECT_EQ(mamba_layer, 41'244'160);
  const int64_t mamba = 64 * mamba_layer + 50280LL * 2560 + 2560;  // tied head counted once
  EXPECT_EQ(mamba, 2'768'345'600);                                 // "2.8B" is 2.77B
  EXPECT_EQ(find(ps, "Mamba-2.8B").params_total, mamba);

  const ModelProjection& jb = find(ps, "Jamba-v0.1");
  EXPECT_EQ(jb.params_total, 51'570'323'328);
  EXPECT_EQ(jb.params_active, 12'110'311'296);
}

TEST(Projection, MistralsSlidingWindowCapsTheCache) {
  const PublishedModel m = published_models()[1];
  ASSERT_EQ(m.name, "Mistral-7B");
  ASSERT_EQ(m.sliding_window, 4096);
  const int64_t per_token = 2 * 32 * 8 * 128 * 2;  // 131,072 B
  EXPECT_EQ(kv_cache_bytes(m.config, 2048, 4096), 2048 * per_token);
  EXPECT_EQ(kv_cache_bytes(m.config, 4096, 4096), 4096 * per_token);
  EXPECT_EQ(kv_cache_bytes(m.config, 262144, 4096), 4096 * per_token);  // 512 MiB, flat
  EXPECT_EQ(kv_cache_bytes(m.config, 262144), 262144 * per_token);      // without the window

  const ModelProjection& p = find(project_published(), "Mistral-7B");
  EXPECT_EQ(p.kv_bytes_per_token, per_token);
  EXPECT_EQ(p.points.back().kv_bytes, 4096 * per_token);
  EXPECT_EQ(p.crossing_n, 0);  // never reaches 16 GiB
}

TEST(Projection, SsmStateIsConstantAndKvCacheIsLinear) {
  const auto ps = project_published();
  const ModelProjection& mb = find(ps, "Mamba-2.8B");
  // 64 layers · 5120 channels · (4 conv taps + 16 states) · 2 bytes.
  EXPECT_EQ(mb.ssm_bytes, 64LL * 5120 * (4 + 16) * 2);
  EXPECT_EQ(mb.kv_bytes_per_token, 0);
  ASSERT_EQ(mb.points.size(), 9u);  // 1K … 256K
  EXPECT_EQ(mb.points.front().n, 1024);
  EXPECT_EQ(mb.points.back().n, 262144);
  for (const ProjectionPoint& q : mb.points) {
    EXPECT_EQ(q.kv_bytes, 0);
    EXPECT_EQ(q.total(), mb.ssm_bytes);
  }
  EXPECT_EQ(mb.crossing_n, 0);

  // Jamba: 4 attention layers · 8 KV heads · 128 · 2 · 2 B per token; 28 Mamba layers of state.
  const ModelProjection& jb = find(ps, "Jamba-v0.1");
  EXPECT_EQ(jb.kv_bytes_per_token, 4 * 8 * 128 * 2 * 2);
  EXPECT_EQ(jb.ssm_bytes, 28LL * 8192 * (4 + 16) * 2);
  EXPECT_EQ(jb.points.back().kv_bytes, 262144LL * 16384);  // 4 GiB at 256K tokens

  // Llama-2-7B: 512 KiB per token reaches 16 GiB at exactly 32K tokens.
  const ModelProjection& ll = find(ps, "Llama-2-7B");
  EXPECT_EQ(ll.kv_bytes_per_token, 524'288);
  EXPECT_EQ(ll.crossing_n, 32768);
  for (size_t i = 1; i < ll.points.size(); ++i)
    EXPECT_EQ(ll.points[i].kv_bytes, 2 * ll.points[i - 1].kv_bytes);
}

TEST(Projection, RejectsNegativeLengths) {
  EXPECT_THROW(kv_cache_bytes(published_models()[0].config, -1), Error);
}

}  // namespace
}  // namespace seqlens
