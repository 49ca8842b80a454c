#include "languages/reverse.h"

#include "languages/marked_pair.h"

namespace saturn {
LanguagePtr make_reverse(const Params& p) {
  p.expect_only({});
  return std::make_shared<MarkedPair>(true);
}
}  // namespace saturn
