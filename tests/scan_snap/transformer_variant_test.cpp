// The transformer variant's batches and config.
#include <gtest/gtest.h>

#include "scan_snap/transformer_variant.h"

namespace saturn::scan_snap {
namespace {

TEST(ScanSnapTransformer, BatchesCountOnlyTheQueryPosition) {
  const Dataset d(DataOptions{.num_last = 2, .seq_len = 5});
  std::vector<Sequence> s{d.sample(1, 0), d.sample(1, 1)};
  const Batch b = transformer_batch(s);
  ASSERT_EQ(b.size(), 2);
  EXPECT_EQ(b.length(0), 5);
  EXPECT_EQ(b.tokens[4], s[0].query);
  EXPECT_EQ(b.next_tokens, (std::vector<int>{-1, -1, -1, -1, s[0].label, -1, -1, -1, -1, s[1].label}));
  const auto c = transformer_config(d, ModelConfig{});
  EXPECT_EQ(c.vocab, d.vocab() + 1);
  EXPECT_EQ(c.n_outputs, c.vocab);
}

}  // namespace
}  // namespace saturn::scan_snap
