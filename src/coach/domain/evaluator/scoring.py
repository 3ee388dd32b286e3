"""Combine coverage, structure and quality signals into one 0-10 score."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from coach.domain.evaluator.coverage import (
    AnswerVocabulary,
    CriterionCoverage,
    criterion_coverage,
    rubric_frequency,
)
from coach.domain.evaluator.quality import Quality, assess_quality
from coach.domain.evaluator.structure import StructureResult, looks_like_code, structure_of
from coach.domain.evaluator.text import content_tokens, normalise
from coach.domain.kinds import QuestionType
from coach.domain.questions import AnswerRequest

__all__ = ["Analysis", "analyse"]

# Distinct content words at which an answer of each kind has said "enough" (~63% of the substance credit).
_SATURATION: dict[QuestionType, float] = {
    "behavioral": 45,
    "technical": 30,
    "coding": 30,
    "system_design": 55,
}

# Weights of the four signals; coverage of the rubric dominates as it does for a human interviewer.
W_COVERAGE = 0.62
W_STRUCTURE = 0.18
W_SUBSTANCE = 0.10
W_RELEVANCE = 0.10
# Below 1, partial coverage earns more than its share: naming half the points is worth more than half marks.
COVERAGE_CURVE = 0.75
_STRUCTURE_CRITERION = re.compile(r"\bstar\b|\bstructure\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the evaluator measured about one answer, and the resulting score."""

    coverage: list[CriterionCoverage]
    weighted_coverage: float
    structure: StructureResult
    quality: Quality
    score: float
    flags: list[str]


def _with_structure(cov: CriterionCoverage, structure: StructureResult) -> CriterionCoverage:
    """A criterion about structure ("STAR structure") also counts the structure cues found."""
    if not _STRUCTURE_CRITERION.search(cov.criterion.name) or structure.score <= cov.coverage:
        return cov
    return replace(cov, coverage=structure.score, covered=[*cov.covered, *structure.present])


def _topic_tokens(request: AnswerRequest) -> frozenset[str]:
    meta = request.meta
    parts = [request.question, meta.title, meta.model_answer, *meta.follow_ups]
    for c in meta.rubric:
        parts.extend([c.name, c.weak, c.fair, c.strong, *c.key_points])
    return frozenset(content_tokens(" ".join(parts)))


def analyse(request: AnswerRequest, answer: str) -> Analysis:
    """Measure `answer` (already cleaned of injected text) against the request's rubric."""
    meta = request.meta
    question_tokens = frozenset(content_tokens(f"{request.question} {meta.title}"))
    vocab = AnswerVocabulary.of(answer)
    structure = structure_of(meta.kind, normalise(answer))
    frequency = rubric_frequency(meta.rubric)
    coverage = [
        _with_structure(criterion_coverage(c, vocab, question_tokens, frequency), structure)
        for c in meta.rubric
    ]
    total_weight = sum(max(0.0, c.criterion.weight) for c in coverage)
    weighted = sum(max(0.0, c.criterion.weight) * c.coverage for c in coverage)
    weighted = weighted / total_weight if total_weight else 0.0
    quality = assess_quality(
        answer,
        f"{meta.title}. {request.question}",
        content_tokens(answer),
        question_tokens,
        _topic_tokens(request),
        saturation=_SATURATION[meta.kind],
        is_code=looks_like_code(answer),
    )
    relevance = min(1.0, quality.relevance / 0.5)
    raw = 10.0 * (
        W_COVERAGE * weighted**COVERAGE_CURVE
        + W_STRUCTURE * structure.score
        + W_SUBSTANCE * quality.substance
        + W_RELEVANCE * relevance
    )
    # Padding and repetition lengthen an answer without improving it, so they cost more than they add.
    raw *= 1.0 - 0.6 * quality.repetition
    raw *= 1.0 - 0.3 * quality.filler
    flags: list[str] = []
    cap = 10.0
    if quality.empty:
        flags.append("empty")
        cap = 0.0
    elif quality.gibberish:
        flags.append("gibberish")
        cap = 0.5
    elif quality.idk:
        flags.append("no_answer")
        cap = 1.0
    elif quality.echo:
        flags.append("echoes_question")
        cap = 1.0
    elif quality.relevance < 0.2 and weighted < 0.15:
        flags.append("off_topic")
        cap = 1.0
    if quality.repetition >= 0.25 or quality.filler >= 0.35:
        flags.append("padded")
    return Analysis(coverage, weighted, structure, quality, min(raw, cap), flags)
