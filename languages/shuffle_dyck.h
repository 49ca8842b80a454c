// Shuffle-Dyck-k (Bhattamishra et al. 2020): words over k bracket types in which every type is
// balanced and never negative on its own — the shuffles of k Dyck-1 words.
//
// Counting: with W_j(L) the number of Shuffle-Dyck-j words of length L,
// W_1(L) = Catalan(L/2) and W_j(L) = sum_m C(L, 2m) Catalan(m) W_{j-1}(L - 2m).
// Uniform sampling: draw the component lengths (2m_1, ..., 2m_k) with their exact weights, a
// uniform interleaving (which positions belong to each type), and a uniform Dyck-1 word per type.
#pragma once

#include "languages/language.h"
#include "languages/params.h"

namespace saturn {
LanguagePtr make_shuffle_dyck(const Params& p);
}
