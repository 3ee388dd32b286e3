"""Which sentence of an answer supports which rubric claim, and which asserts a misconception (pure).

A claim is supported by the sentence closest to it in meaning, in proportion to how close it is
and how much of a claim the sentence can carry (a clause, not a list of terms). A sentence that
says the opposite of a claim (close in meaning, opposite in negation) supports nothing: "MVCC
cannot deadlock" is near "MVCC can still deadlock", and must not earn it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from coach.domain.evaluator.semantic import Vector, cosine
from coach.domain.evaluator.text import content_tokens
from coach.domain.evaluator.units import Unit, split_units

__all__ = ["ClaimEvidence", "MisconceptionHit", "claim_evidence", "misconception_hits"]

SUPPORT_LOW = 0.38
"""Below this similarity a sentence says something else."""
SUPPORT_HIGH = 0.66
"""From this similarity up a sentence makes the claim in full."""
GENERIC_STORY = 0.5
"""A story sentence about what one "always" does shows a competency half as well as what one did."""
STORY_LOW = 0.25
STORY_HIGH = 0.55
"""A story ("I told finance myself that evening") is further in meaning from the competency it shows
("I raised the mistake myself, quickly") than a technical paraphrase is from its claim."""
LEXICAL_SHARE = 0.3
"""Weight of shared content words beside meaning: paraphrase still scores, jargon alone does not."""
BREVITY = 0.9
"""A sentence needs this share of a claim's content words, in any words, to make all of it."""
CONTRADICTION = 0.55
MISCONCEPTION_FLOOR = 0.6
MISCONCEPTION_MARGIN = 0.04
DISTINCTIVE = 0.5
CLAIMS_PER_SENTENCE = 2.0
WORDS_PER_CLAIM = 10.0
"""A sentence states a claim, perhaps with its reason, and a long one about one claim per ten words: its
credit over all claims adds up to at most that many claims made in full. Without the bound, one
sentence on the topic earned something from every claim near it, which is how a fair answer's
general sentences gained on an expert's specific ones."""


@dataclass(frozen=True, slots=True)
class ClaimEvidence:
    """How well the answer supports one claim, and the sentence that does."""

    claim: str
    label: str
    support: float
    """0-1: 0 nothing says it, 1 a sentence makes the claim."""
    quote: str | None


@dataclass(frozen=True, slots=True)
class MisconceptionHit:
    """A misconception the answer asserts, with the sentence that asserts it."""

    claim: str
    correction: str
    quote: str


def _lexical(claim_tokens: frozenset[str], unit_tokens: frozenset[str]) -> float:
    return len(claim_tokens & unit_tokens) / len(claim_tokens) if claim_tokens else 0.0


@lru_cache(maxsize=20_000)
def _claim_facts(text: str) -> tuple[frozenset[str], bool]:
    """A rubric text's content words and whether it negates: the same for every answer, so computed once."""
    units, _ = split_units(text)
    return frozenset(content_tokens(text)), bool(units) and units[0].negated


def claim_evidence(
    claims: Sequence[tuple[str, str]],
    claim_vectors: Sequence[Vector],
    units: Sequence[Unit],
    unit_vectors: Sequence[Vector],
    *,
    story: bool = False,
) -> list[ClaimEvidence]:
    """Support for each (claim, label) of a whole rubric from the answer's units (`story`: behavioral).

    Pass the whole rubric at once: a sentence's credit is shared out over the claims it supports (at
    most two claims' worth, or one per `WORDS_PER_CLAIM` words), so one sentence cannot make a rubric.
    """
    answer = [(u, v, _unit_tokens(u.text)) for u, v in zip(units, unit_vectors, strict=True)]
    strengths = [
        [_strength(claim, cvec, unit, uvec, tokens, story) for unit, uvec, tokens in answer]
        for (claim, _), cvec in zip(claims, claim_vectors, strict=True)
    ]
    for j, unit in enumerate(units):
        given = sum(row[j] for row in strengths)
        capacity = max(CLAIMS_PER_SENTENCE, unit.words / WORDS_PER_CLAIM)
        if given > capacity:
            for row in strengths:
                row[j] *= capacity / given
    out = []
    for (claim, label), row in zip(claims, strengths, strict=True):
        best = max(range(len(row)), key=row.__getitem__, default=None)
        support = row[best] if best is not None else 0.0
        quote = units[best].text if best is not None and support > 0 else None
        out.append(ClaimEvidence(claim, label, round(support, 3), quote))
    return out


@lru_cache(maxsize=20_000)
def _unit_tokens(text: str) -> frozenset[str]:
    return frozenset(content_tokens(text))


def _strength(
    claim: str, cvec: Vector, unit: Unit, uvec: Vector, utokens: frozenset[str], story: bool
) -> float:
    """How fully one unit makes one claim, 0-1, before its credit is shared among the claims it supports."""
    if unit.weight <= 0:
        return 0.0
    low, high = (STORY_LOW, STORY_HIGH) if story else (SUPPORT_LOW, SUPPORT_HIGH)
    ctokens, claim_negated = _claim_facts(claim)
    sim = cosine(cvec, uvec)
    if sim >= CONTRADICTION and unit.negated != claim_negated:
        return 0.0
    closeness = (1 - LEXICAL_SHARE) * sim + LEXICAL_SHARE * max(sim, _lexical(ctokens, utokens))
    strength = min(1.0, max(0.0, (closeness - low) / (high - low))) * unit.weight
    # A claim of twelve content words is not made in three: naming its subject is not saying it.
    if ctokens:
        strength *= min(1.0, len(utokens) / (BREVITY * len(ctokens)))
    if story and not unit.concrete:
        strength *= GENERIC_STORY
    return strength


def misconception_hits(
    misconceptions: Sequence[tuple[str, str]],
    claim_vectors: Sequence[Vector],
    truths: Sequence[Sequence[Vector]],
    truth_tokens: Sequence[frozenset[str]],
    units: Sequence[Unit],
    unit_vectors: Sequence[Vector],
) -> list[MisconceptionHit]:
    """The misconceptions (claim, correction) some sentence asserts.

    A sentence asserts one when it is near the wrong claim, with the same polarity, and nearer to
    it by a margin than to anything true (`truths`: the correction's sentences and the rubric's claims):
    "lookups are O(1) on average" is near "lookups are always O(1)" but nearer to the correct claim.
    """
    hits = []
    for (claim, correction), mvec, true_vectors, true_tokens in zip(
        misconceptions, claim_vectors, truths, truth_tokens, strict=True
    ):
        claim_tokens, claim_negated = _claim_facts(claim)
        # What only the wrong claim says ("always", "never deadlocks"): the sentence must say it too.
        distinctive = claim_tokens - true_tokens
        for unit, uvec in zip(units, unit_vectors, strict=True):
            if unit.weight < 0.4:
                continue
            to_claim = cosine(mvec, uvec)
            if to_claim < MISCONCEPTION_FLOOR or unit.negated != claim_negated:
                continue
            if to_claim - max((cosine(t, uvec) for t in true_vectors), default=0.0) < MISCONCEPTION_MARGIN:
                continue
            if distinctive and _lexical(distinctive, frozenset(content_tokens(unit.text))) < DISTINCTIVE:
                continue
            hits.append(MisconceptionHit(claim, correction, unit.text))
            break
    return hits
