// A trace exports itself: FILE.npz (tokens, logits, recorded arrays) and the sidecar FILE.json
// that documents each array (shape, dtype, meaning, units, axes) and the run itself. The CLI's
// `run` and the app's File ▸ Export Trace write the same names through these functions. Both are
// written atomically; the sidecar only after the archive succeeded, and a failed sidecar removes
// the archive, so a reader never meets one without the other.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/cancel.h"
#include "core/instrument/recorder.h"
#include "core/instrument/trace.h"
#include "core/io/npz.h"
#include "core/model/config.h"

namespace seqlens {

using Json = nlohmann::ordered_json;

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

// "out.npz" -> "out.json". Throws Error(InvalidArgument) when `npz` does not end in ".npz".
std::filesystem::path sidecar_path(const std::filesystem::path& npz);

// The arrays of one pass in export order (tokens, logits, then the recording in recording
// order) and their sidecar entries.
struct TraceExport {
  std::vector<NpyArray> arrays;
  Json docs = Json::array();
  int64_t time_stride = 1;  // largest SSM state subsampling stride, 1 when none
};
// Consumes the logits and the recording (peak memory: the recording plus one array). Empty
// logits (a pass that stopped before the head, RecordRequest::stop_after_last_layer) write no
// "logits" array; logits of another shape than [T, V] are refused.
TraceExport export_arrays(const ModelConfig& c, const std::vector<int32_t>& tokens, Tensor logits,
                          std::vector<RecordedArray> recorded,
                          const std::vector<int64_t>& hidden_channels);

// The sidecar fields every export shares: format, family, layer map, tokens, timing, arrays.
Json trace_sidecar(const ModelConfig& c, int64_t T, double forward_ms, int64_t peak_bytes,
                   int64_t time_stride, Json docs);

// Writes a whole trace (copying its arrays) with `extra` fields merged into the sidecar.
void write_trace(const ForwardTrace& trace, const std::filesystem::path& npz, const Json& extra,
                 const CancelToken* cancel = nullptr);

// Writes the archive, then the sidecar. Checks `cancel` between the two (removing the archive
// and throwing Error(Cancelled)). On any failure no file of this run remains.
void write_run_outputs(const std::filesystem::path& npz, const std::vector<NpyArray>& arrays,
                       const Json& sidecar, const CancelToken* cancel);

}  // namespace seqlens
