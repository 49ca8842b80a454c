// Hand-built saturated transformers (weights constructed, not trained), each a plain model that
// saves as an ordinary model directory. How each works is documented in
// saturated_transformer/constructions/README.md; in short, with U = 1/(t+1) the BOS share of a
// uniform head over positions 0..t:
//   majority  1 layer, bidirectional: a uniform head writes (#1 - #0)/(n+1) at BOS; logit = that.
//   dyck1     2 layers, causal: a uniform causal head writes the prefix balance D_t and U_t; the
//             FFN writes neg_t = ReLU(-D_t) and the bump U*[D = 0]; a layer-2 argmax head (constant
//             query, key = neg) returns max_t neg_t; logit = bump - 2 max neg - U/2 at the last position.
//   anbn      as dyck1 with D = (#a-#b)/(t+1) and bad_t = ReLU(#b_<=t/(t+1) + [w_t = a] - 1).
//   anbncn    two bumps (#a = #b, #b = #c) and bad_t for any a after b/c or b after c.
// Each recognizes its language exactly in `saturated` mode for every length; majority also in
// `softmax` mode; `hard` mode (leftmost argmax) fails majority: its only head looks at BOS alone.
#pragma once

#include <string>
#include <vector>

#include "saturated_transformer/model_weights.h"

namespace saturn {

struct Construction {
  std::string name;      // directory name under saturated_transformer/constructions/
  std::string language;  // the language spec it recognizes
  ModelWeights weights;
};

Construction build_majority();
Construction build_dyck1();
Construction build_anbn();
Construction build_anbncn();
std::vector<Construction> all_constructions();

}  // namespace saturn
