// Obviously-correct membership oracles, written straight from each language's definition on
// strings of characters (test-only; never linked into the product), and brute-force enumeration.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/bigint.h"
#include "core/word.h"

namespace saturn::testing {

using Oracle = std::function<bool(const std::string&)>;

// The oracle for a language spec as the registry names it (e.g. "dyck:k=2,depth=3", "tomita:n=4",
// "regex:pattern=..."), or an empty function when there is none.
Oracle oracle_for(const std::string& spec);

// The m-th Catalan number by its recurrence C(0) = 1, C(m+1) = sum_i C(i) C(m-i) (the number of
// Dyck-1 words of length 2m); independent of languages/combinatorics. O(m^2).
BigInt catalan(int m);

// Every word of length n over symbols 0 .. alphabet_size-1, in lexicographic order.
std::vector<Word> enumerate_words(int alphabet_size, int n);

// Every string of length n over the characters of `alphabet`, in lexicographic order.
std::vector<std::string> all_strings(const std::string& alphabet, int n);

}  // namespace saturn::testing
