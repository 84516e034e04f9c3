"""Generated corpora for tests that need more documents than tests/data has (and must run
without the shared corpora)."""

from __future__ import annotations

import random

WORDS = (
    "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন বাংলাদেশ ঢাকা সরকার নির্বাচন খেলা ক্রিকেট "
    "the of and market football election minister rain city river school"
).split()


def generated_corpus(n: int, seed: int = 0, words: list[str] = WORDS) -> list[str]:
    """Documents of Zipf-ish words (a few very common, the rest rarer, so terms tie at the
    pruning cuts), every third with a rare word of its own, some empty."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    docs = []
    for i in range(n):
        chosen = rng.choices(words, weights=weights, k=rng.randint(0, 25))
        if i % 3 == 0:
            chosen.append(f"rare{rng.randint(0, n)}")
        docs.append(" ".join(chosen))
    return docs
