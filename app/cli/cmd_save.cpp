// seqlens-cli save --model PRESET|DIR --out DIR [--dtype f32|f16|bf16] [--max-shard-mb N]:
// writes a Hugging Face-layout directory (config.json + safetensors) that `--model DIR` loads.
#include <cstdio>
#include <memory>

#include "app/cli/cli.h"
#include "app/cli/commands.h"
#include "app/cli/model_source.h"
#include "core/common/error.h"
#include "core/io/checkpoint.h"

namespace seqlens::cli {

namespace {

namespace fs = std::filesystem;

struct SaveCliOptions {
  std::string model;
  std::string out;
  std::string dtype = "f32";
  double max_shard_mb = 0;
};

int run_save(const SaveCliOptions& o) {
  const ModelSource src = resolve_model(o.model);
  const Model model = load_model(src);
  const fs::path dir = o.out;
  std::error_code ec;
  const bool created = !fs::exists(dir, ec);
  if (created && !fs::create_directories(dir, ec) && ec) {
    throw Error(ErrorKind::Io, dir.string() + ": cannot create directory: " + ec.message());
  }
  SaveOptions so;
  so.dtype = o.dtype == "f16" ? DType::F16 : o.dtype == "bf16" ? DType::BF16 : DType::F32;
  so.max_shard_bytes = static_cast<int64_t>(o.max_shard_mb * 1024.0 * 1024.0);
  try {
    save_model_dir(model, dir, so);
  } catch (...) {
    if (created) fs::remove(dir, ec);  // only if still empty
    throw;
  }
  std::printf("saved %s (%s, %s) to %s\n", src.spec.c_str(), family_name(src.config.family),
              dtype_name(so.dtype), dir.string().c_str());
  return kExitOk;
}

}  // namespace

Command add_save_command(CLI::App& app) {
  auto o = std::make_shared<SaveCliOptions>();
  CLI::App* sub = app.add_subcommand("save", "Save a model as a Hugging Face-layout directory");
  sub->add_option("--model", o->model, "Preset name or model directory")->required();
  sub->add_option("--out", o->out, "Output directory (created if missing)")->required();
  sub->add_option("--dtype", o->dtype, "Weight type on disk: f32, f16 or bf16")
      ->check(CLI::IsMember({"f32", "f16", "bf16"}));
  sub->add_option("--max-shard-mb", o->max_shard_mb, "Split into shards of at most this size")
      ->check(non_negative_number());
  return {sub, [o] { return run_save(*o); }};
}

}  // namespace seqlens::cli
