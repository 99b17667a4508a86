// The model panel: a preset, or a family with its hyperparameters (layers, width, heads, state
// size, expansion, experts, ratios), a seed, and File ▸ Open Model for a Hugging Face directory.
// Edits go to the session as a whole config; the panel follows the session's current model.
#pragma once

#include <QWidget>

#include "core/model/config.h"
#include "core/model/hyperparams.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace seqlens::app {

class ModelPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPanel(QWidget* parent = nullptr);

  // Shows `config` (from a preset, a directory or an edit) without emitting anything.
  void showModel(const QString& name, const ModelConfig& config, uint64_t seed, bool loaded);
  QString currentPreset() const;
  // One line on a model's shape in the interface language (the presets' tooltips).
  static QString presetSummary(const ModelConfig& config);

 signals:
  void presetChosen(const QString& preset);
  void configEdited(const seqlens::ModelConfig& config, quint64 seed);
  void openDirectoryRequested();

 private:
  void edited();
  void updateEnabled();
  HyperParams values() const;

  QComboBox* preset_;
  QComboBox* family_;
  QSpinBox *layers_, *d_model_, *heads_, *kv_heads_, *d_state_, *expand_, *experts_, *top_k_,
      *attn_every_, *moe_every_, *seed_;
  QPushButton* reseed_;
  QLabel* summary_;
  ModelConfig base_;
  bool updating_ = false;
};

}  // namespace seqlens::app
