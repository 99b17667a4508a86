// write_trace: a whole pass exports its logits as [T, V]; a pass that stopped before the head
// (the views' passes) exports its recorded arrays without a "logits" array instead of reading
// logits it does not have; logits of the wrong shape are refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/instrument/trace.h"
#include "core/io/trace_export.h"
#include "core/model/presets.h"
#include "tests/support/npz_reader.h"

namespace seqlens {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("seqlens-trace-export-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST(WriteTrace, LogitsOnlyWhenThePassReachedTheHead) {
  auto model = std::make_shared<const Model>(make_preset("mamba1-tiny"));
  const std::vector<int32_t> tokens = {104, 105, 33, 10};
  RecordRequest request;
  request.sites = {Site::SsmDelta};
  TempDir dir;

  auto whole = run_traced(model, tokens, request);
  write_trace(*whole, dir.path / "whole.npz", {});
  auto arrays = testing::read_npz(dir.path / "whole.npz");
  ASSERT_TRUE(arrays.count("logits"));
  EXPECT_EQ(arrays.at("logits").shape, (std::vector<int64_t>{4, model->config().vocab_size}));
  EXPECT_TRUE(arrays.count("blocks.3.ssm.delta"));

  request.stop_after_last_layer = true;
  auto part = run_traced(model, tokens, request);
  ASSERT_EQ(part->logits.numel(), 0);
  write_trace(*part, dir.path / "part.npz", {});
  arrays = testing::read_npz(dir.path / "part.npz");
  EXPECT_FALSE(arrays.count("logits"));
  EXPECT_TRUE(arrays.count("tokens"));
  EXPECT_TRUE(arrays.count("blocks.3.ssm.delta"));

  ForwardTrace bad = *whole;
  bad.logits = Tensor({3, model->config().vocab_size});  // one row short
  EXPECT_THROW(write_trace(bad, dir.path / "bad.npz", {}), Error);
}

}  // namespace
}  // namespace seqlens
