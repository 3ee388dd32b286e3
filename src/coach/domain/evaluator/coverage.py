"""How much of each rubric criterion's key points an answer covers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.domain.bank import Criterion
from coach.domain.evaluator.text import content_tokens

__all__ = [
    "AnswerVocabulary",
    "CriterionCoverage",
    "criterion_coverage",
    "point_coverage",
    "rubric_frequency",
]

# A key point counts as fully covered once this share of its (weighted) words appears.
_FULL_AT = 0.6
# Words the question already says are cheap to repeat, so they count for less; so do words shared by
# many key points of the rubric (inverse document frequency within the rubric).
_ECHO_WEIGHT = 0.5
_PREFIX = 5
_PREFIX_CREDIT = 0.7
# Words too generic to show that a point was made.
_GENERIC = frozenset(
    {
        "good",
        "clear",
        "correct",
        "approach",
        "answer",
        "explain",
        "mention",
        "handl",
        "consider",
        "us",
        "case",
        "cas",
        "specif",
        "concret",
        "proper",
        "appropriat",
        "right",
        "way",
        "work",
        "need",
        "abl",
    }
)


@dataclass(frozen=True, slots=True)
class AnswerVocabulary:
    """The answer's stemmed words, plus their prefixes for near matches ("replica" ~ "replicat")."""

    tokens: frozenset[str]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, answer: str) -> AnswerVocabulary:
        """Index the content words of an answer."""
        toks = frozenset(content_tokens(answer))
        return cls(toks, frozenset(t[:_PREFIX] for t in toks if len(t) >= _PREFIX))

    def credit(self, token: str) -> float:
        """1 for an exact match, partial credit for a shared prefix, else 0."""
        if token in self.tokens:
            return 1.0
        if len(token) >= _PREFIX and token[:_PREFIX] in self.prefixes:
            return _PREFIX_CREDIT
        return 0.0


@dataclass(frozen=True, slots=True)
class CriterionCoverage:
    """Coverage (0-1) of one criterion, with its key points split into covered and missing."""

    criterion: Criterion
    coverage: float
    covered: list[str]
    missing: list[str]


def rubric_frequency(rubric: list[Criterion]) -> dict[str, int]:
    """In how many key points of the rubric each word appears (shared words tell points apart less)."""
    counts: dict[str, int] = {}
    for c in rubric:
        for point in c.key_points:
            for tok in set(content_tokens(point)):
                counts[tok] = counts.get(tok, 0) + 1
    return counts


def _weight(tok: str, question_tokens: frozenset[str], frequency: dict[str, int]) -> float:
    if tok in _GENERIC:
        return 0.3
    weight = 1.0 / math.sqrt(max(1, frequency.get(tok, 1)))
    return weight * _ECHO_WEIGHT if tok in question_tokens else weight


def point_coverage(
    point: str, vocab: AnswerVocabulary, question_tokens: frozenset[str], frequency: dict[str, int]
) -> float:
    """Share (0-1) of a key point's words found in the answer, saturating at `_FULL_AT`."""
    toks = set(content_tokens(point))
    if not toks:
        return 0.0
    total = 0.0
    found = 0.0
    for tok in toks:
        weight = _weight(tok, question_tokens, frequency)
        total += weight
        found += weight * vocab.credit(tok)
    return min(1.0, found / total / _FULL_AT)


def criterion_coverage(
    criterion: Criterion, vocab: AnswerVocabulary, question_tokens: frozenset[str], frequency: dict[str, int]
) -> CriterionCoverage:
    """Mean key-point coverage of one criterion; a point at >= 0.6 is reported as covered."""
    points = criterion.key_points or [criterion.name]
    scores = [point_coverage(p, vocab, question_tokens, frequency) for p in points]
    covered = [p for p, s in zip(points, scores, strict=True) if s >= 0.6]
    missing = [p for p, s in zip(points, scores, strict=True) if s < 0.6]
    return CriterionCoverage(criterion, sum(scores) / len(scores), covered, missing)
