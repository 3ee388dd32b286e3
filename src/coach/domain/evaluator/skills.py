"""Per-skill scores: each skill takes the criteria that speak to it, else the overall score."""

from __future__ import annotations

from coach.domain.evaluation import clamp_score
from coach.domain.evaluator.scoring import Analysis
from coach.domain.evaluator.text import content_tokens
from coach.domain.questions import QuestionMeta

__all__ = ["skill_scores"]


def skill_scores(meta: QuestionMeta, analysis: Analysis, overall: float) -> dict[str, float]:
    """A 0-10 score for every skill in `meta.skills`, never above the overall score plus one."""
    out: dict[str, float] = {}
    for skill in meta.skills:
        words = set(content_tokens(skill.replace("_", " ").replace("-", " ")))
        related = [
            c
            for c in analysis.coverage
            if words & set(content_tokens(f"{c.criterion.name} {' '.join(c.criterion.key_points)}"))
        ]
        if related:
            mean = sum(10.0 * c.coverage for c in related) / len(related)
            # Blend with the overall score so one criterion cannot swing a skill far from the answer's grade.
            out[skill] = clamp_score(min(overall + 1.0, 0.5 * mean + 0.5 * overall))
        else:
            out[skill] = clamp_score(overall)
    return out
