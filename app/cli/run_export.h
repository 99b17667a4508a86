// What `run` writes: FILE.npz (tokens, logits, recorded arrays) and the sidecar FILE.json that
// documents each array (shape, dtype, meaning, units, axes) and the run itself. Both are written
// atomically; the sidecar only after the archive succeeded, and a failed sidecar removes the
// archive, so a reader never meets one without the other.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/cli.h"
#include "core/common/cancel.h"
#include "core/instrument/recorder.h"
#include "core/io/npz.h"
#include "core/model/config.h"

namespace seqlens::cli {

// The sidecar entry of one array. `mixer` selects Mamba-1 vs Mamba-2 axis names.
Json describe_array(const std::string& name, Site site, int64_t layer,
                    const std::vector<int64_t>& shape, bool is_int32, MixerKind mixer);
Json describe_tokens(int64_t T);
Json describe_logits(int64_t T, int64_t V);

// TopkIdx (and any array recorded as integers) is exported as int32.
bool is_int32(const RecordedArray& r);

// Moves the recorded arrays into .npy arrays, freeing each source as it goes (peak memory is
// the recording plus one array).
std::vector<NpyArray> to_npy(std::vector<RecordedArray>&& recorded);

// "out.npz" -> "out.json". Throws UsageError when `npz` does not end in ".npz".
std::filesystem::path sidecar_path(const std::filesystem::path& npz);

// Writes the archive, then the sidecar. Checks `cancel` between the two (removing the archive
// and throwing Error(Cancelled)). On any failure no file of this run remains.
void write_run_outputs(const std::filesystem::path& npz, const std::vector<NpyArray>& arrays,
                       const Json& sidecar, const CancelToken* cancel);

}  // namespace seqlens::cli
