#include "core/instrument/sink.h"

namespace seqlens {

namespace {
constexpr const char* kNames[kSiteCount] = {
    "attn.pattern",    "ssm.delta",        "ssm.B",        "ssm.C",           "ssm.state",
    "ssm.hidden_attn", "moe.router_probs", "moe.topk_idx", "moe.topk_weight", "resid_post",
    "logits",
};
}  // namespace

SiteStage site_stage(Site s) {
  switch (s) {
    case Site::AttnPattern:
    case Site::SsmDelta:
    case Site::SsmB:
    case Site::SsmC:
    case Site::SsmState:
    case Site::SsmHiddenAttn:
      return SiteStage::Mixer;
    case Site::RouterProbs:
    case Site::TopkIdx:
    case Site::TopkWeight:
      return SiteStage::Routing;
    case Site::ResidPost:
    case Site::Logits:
      return SiteStage::AfterFfn;
  }
  return SiteStage::AfterFfn;
}

const char* site_name(Site s) {
  return kNames[static_cast<int>(s)];
}

bool parse_site(const std::string& name, Site* out) {
  for (int i = 0; i < kSiteCount; ++i)
    if (name == kNames[i]) {
      *out = static_cast<Site>(i);
      return true;
    }
  return false;
}

std::string array_name(Site s, int64_t layer) {
  if (s == Site::Logits) return "logits";
  return "blocks." + std::to_string(layer) + "." + site_name(s);
}

}  // namespace seqlens
