// ForwardOptions::mamba_chunk: Mamba mixers run in time chunks carrying conv and SSM state give the
// logits of the one-pass forward, and a recorded Mamba site still gets whole [T, ...] arrays.
#include <gtest/gtest.h>

#include "core/instrument/recorder.h"
#include "core/model/model.h"
#include "core/model/presets.h"
#include "tests/core/model/model_test_util.h"

namespace seqlens {
namespace {

TEST(MambaChunk, ChunkedMixersEqualTheOnePassForward) {
  for (const char* preset : {"mamba1-tiny", "mamba2-tiny", "jamba-tiny"}) {
    const Model m = make_preset(preset);
    const int64_t T = 157, V = m.config().vocab_size;
    const auto tokens = test::random_tokens(T, V, 9);
    const Tensor whole = forward(m, tokens);
    for (int64_t chunk : {1, 32, 50, 156}) {
      ForwardOptions o;
      o.mamba_chunk = chunk;
      const Tensor got = forward(m, tokens, o);
      for (int64_t t = 0; t < T; ++t)
        ASSERT_LT(test::row_rel_diff(whole, t, got.ptr() + t * V), 1e-5)
            << preset << " chunk " << chunk << " row " << t;
    }
  }
}

TEST(MambaChunk, RecordedSitesStayWholeAndEqual) {
  const Model m = make_preset("mamba1-tiny");
  const int64_t T = 90;
  const auto tokens = test::random_tokens(T, m.config().vocab_size, 4);
  RecordRequest req;
  req.sites = {Site::SsmDelta, Site::SsmState};
  Recorder a(m.config(), T, req), b(m.config(), T, req);
  ForwardOptions o;
  o.sink = &a;
  forward(m, tokens, o);
  o.sink = &b;
  o.mamba_chunk = 16;
  forward(m, tokens, o);
  ASSERT_EQ(a.arrays().size(), b.arrays().size());
  ASSERT_FALSE(a.arrays().empty());
  for (size_t i = 0; i < a.arrays().size(); ++i) {
    EXPECT_EQ(a.arrays()[i].shape, b.arrays()[i].shape) << a.arrays()[i].name;
    EXPECT_EQ(a.arrays()[i].f32, b.arrays()[i].f32) << a.arrays()[i].name;
  }
}

}  // namespace
}  // namespace seqlens
