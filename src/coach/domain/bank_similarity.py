"""Near-duplicate questions: TF-IDF cosine over title and prompt.

Measured on the bank when this check was written: the three coding problems filed twice under new
ids scored 0.66-0.70, and the closest pair of distinct questions 0.59 (the fixed-window and the
sliding-window rate limiter, which are one topic family, so never served together). DUPLICATE_AT sits
between the two.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from coach.domain.bank import BankQuestion

DUPLICATE_AT = 0.6

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "is",
        "are",
        "be",
        "as",
        "by",
        "it",
        "this",
        "that",
        "you",
        "your",
        "how",
        "what",
        "when",
        "which",
        "would",
        "do",
        "does",
        "at",
        "from",
        "their",
        "they",
        "we",
        "i",
        "me",
        "my",
        "can",
        "will",
        "if",
        "not",
        "but",
        "so",
    ]
)


def _terms(text: str) -> Counter[str]:
    return Counter(w for w in re.findall(r"[a-z0-9]+", text.casefold()) if len(w) > 1 and w not in _STOP)


def similar_pairs(
    questions: Sequence[BankQuestion], at_least: float = DUPLICATE_AT
) -> list[tuple[float, str, str]]:
    """Pairs of live (not retired) questions whose title and prompt are at least `at_least` alike, most alike first."""
    live = [q for q in questions if not q.retired]
    docs = [_terms(f"{q.title} {q.prompt}") for q in live]
    df = Counter(term for doc in docs for term in doc)
    n = len(docs)
    vectors: list[dict[str, float]] = []
    for doc in docs:
        weights = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in doc.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    found: list[tuple[float, str, str]] = []
    for i in range(n):
        a = vectors[i]
        for j in range(i + 1, n):
            b = vectors[j]
            small, large = (a, b) if len(a) <= len(b) else (b, a)
            score = sum(w * large.get(t, 0.0) for t, w in small.items())
            if score >= at_least:
                found.append((round(score, 3), live[i].id, live[j].id))
    return sorted(found, reverse=True)
