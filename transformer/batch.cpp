#include "transformer/batch.h"

namespace saturn {

void Batch::add_string(const ModelConfig& c, const std::vector<int>& symbols) {
  if (offsets.empty()) offsets.push_back(0);
  tokens.push_back(c.bos_id);
  tokens.insert(tokens.end(), symbols.begin(), symbols.end());
  offsets.push_back(static_cast<int>(tokens.size()));
}

void Batch::clear() {
  tokens.clear();
  offsets.clear();
  labels.clear();
  targets.clear();
  next_tokens.clear();
}

}  // namespace saturn
