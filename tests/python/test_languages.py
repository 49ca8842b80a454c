"""saturn.language: exact counts, membership, samples (the same as `saturn sample`), next-symbol
sets and the tokenizer."""
import itertools
import math

import numpy as np
import pytest

import saturn
from conftest import run_cli


def test_dyck2_count_is_exact_python_int():
    dyck2 = saturn.language("dyck:k=2")
    assert dyck2.count(20) == 17199104
    # Dyck-k words of length 2n: Catalan(n) * k^n; far beyond 64 bits at n = 100
    n = 100
    catalan = math.comb(2 * n, n) // (n + 1)
    assert dyck2.count(2 * n) == catalan * 2 ** n
    assert isinstance(dyck2.count(2 * n), int) and dyck2.count(2 * n) > 2 ** 64
    assert dyck2.count(21) == 0
    assert dyck2.count_nonmembers(4) == 4 ** 4 - dyck2.count(4)


def test_count_equals_enumeration_with_contains():
    for spec in ["dyck:k=1", "anbn", "parity", "majority", "tomita:n=3"]:
        lang = saturn.language(spec)
        for n in range(7):
            words = ("".join(w) for w in itertools.product(lang.alphabet, repeat=n))
            assert lang.count(n) == sum(lang.contains(w) for w in words), (spec, n)


def test_contains_accepts_strings_and_symbol_ids():
    dyck = saturn.language("dyck:k=2")
    assert dyck.alphabet == "()[]"
    assert dyck.contains("([])()") and "([])" in dyck
    assert not dyck.contains("([)]")
    assert dyck.contains([0, 2, 3, 1]) and not dyck.contains([0, 2, 1, 3])
    with pytest.raises(saturn.Error, match="x"):
        dyck.contains("(x)")
    with pytest.raises(saturn.Error):
        dyck.contains([7])


def test_sample_members_nonmembers_and_determinism():
    lang = saturn.language("anbn")
    members = lang.sample((10, 20), 50, seed=3)
    assert len(members) == 50 and all(lang.contains(w) and 10 <= len(w) <= 20 for w in members)
    assert lang.sample("10..20", 50, seed=3) == members
    assert lang.sample((10, 20), 50, seed=4) != members
    for kind in ["uniform", "near_miss"]:
        nonmembers = lang.sample(12, 30, seed=1, nonmember=kind)
        assert len(nonmembers) == 30 and not any(lang.contains(w) for w in nonmembers)
    with pytest.raises(saturn.Error):
        lang.sample(12, 5, nonmember="bogus")
    with pytest.raises(saturn.Error, match="no members"):
        lang.sample(11, 5)  # a^n b^n has no member of odd length


def test_sample_equals_the_cli(saturn_bin):
    for args, kw in [(("--length", "10..30", "--count", "40", "--seed", "7"), dict(n="10..30", k=40, seed=7)),
                     (("--length", "30", "--count", "20", "--nonmember", "near_miss"),
                      dict(n=30, k=20, nonmember="near_miss"))]:
        cli = run_cli(saturn_bin, "sample", "--language", "dyck:k=2", *args).split()
        assert saturn.language("dyck:k=2").sample(**kw) == cli


def test_next_symbols_against_brute_force():
    lang = saturn.language("dyck:k=2,depth=2")
    for n in range(5):
        for prefix in map("".join, itertools.product(lang.alphabet, repeat=n)):
            ns = lang.next_symbols(prefix)
            assert ns["is_member"] == lang.contains(prefix)
            # a may follow iff prefix + a + some completion of length <= 6 is a member
            expected = "".join(a for a in lang.alphabet
                               if any(lang.contains(prefix + a + "".join(c))
                                      for r in range(7) for c in itertools.product(lang.alphabet, repeat=r)))
            assert ns["allowed"] == expected, prefix


def test_tokenizer_matches_model_files():
    lang = saturn.language("dyck:k=1")
    tok = lang.tokenizer()
    assert tok.tokens == ["(", ")", "<bos>"] and tok.bos_id == 2 and tok.eos_id is None
    assert lang.tokenizer(eos=True).tokens == ["(", ")", "<bos>", "<eos>"]
    ids, mask = tok.encode(["()", "", "(())"], pad_id=-1)
    assert ids.dtype == np.int64 and ids.shape == (3, 5)
    assert ids.tolist() == [[2, 0, 1, -1, -1], [2, -1, -1, -1, -1], [2, 0, 0, 1, 1]]
    assert mask.sum(axis=1).tolist() == [3, 1, 5]
    assert tok.decode(ids) == ["()", "", "(())"]  # pad -1 is no symbol
    ids0, mask0 = tok.encode(["()", "(())"])
    assert tok.decode(ids0, mask0) == ["()", "(())"] and tok.decode(ids0) == ["()((", "(())"]
    assert tok.decode(ids0[1]) == ["(())"]
    with pytest.raises(saturn.Error, match="shape"):
        tok.decode(ids0, mask0[:1])
    assert np.array_equal(lang.encode(["()"])[0], [[2, 0, 1]])


def test_languages_lists_the_registry():
    names = [entry["name"] for entry in saturn.languages()]
    assert {"dyck", "anbn", "parity", "majority"} <= set(names)
    with pytest.raises(saturn.Error, match="nosuchlanguage"):
        saturn.language("nosuchlanguage")
