"""The result of evaluating one answer, whoever evaluated it."""

from __future__ import annotations

import msgspec


class CriterionScore(msgspec.Struct, frozen=True):
    """How an answer did on one rubric criterion (0-10) and why."""

    id: str
    name: str
    score: float
    comment: str = ""


class Evaluation(msgspec.Struct, frozen=True):
    """A structured evaluation: overall score 0-10, feedback and per-skill scores.

    `flags` carries findings such as "prompt_injection" (the answer addressed the
    grader) or "offline_fallback" (the LLM failed and the offline evaluator scored).
    """

    score: float
    feedback: str
    strengths: list[str]
    improvements: list[str]
    skill_scores: dict[str, float]
    criteria: list[CriterionScore] = []
    flags: list[str] = []
    model: str = "offline"
    prompt_tokens: int = 0
    completion_tokens: int = 0


def clamp_score(value: float) -> float:
    """Clamp a score to the 0-10 scale, rounded to one decimal."""
    if value != value:  # NaN
        return 0.0
    return round(min(10.0, max(0.0, value)), 1)
