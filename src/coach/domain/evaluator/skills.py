"""Per-skill scores from the criteria that carry each skill, not a copy of the overall score (pure)."""

from __future__ import annotations

from coach.domain.evaluation import clamp_score
from coach.domain.evaluator.analysis import Analysis, CriterionResult, scale
from coach.domain.evaluator.text import content_tokens
from coach.domain.questions import QuestionMeta

__all__ = ["skill_scores"]


def _carrying(skill: str, analysis: Analysis) -> list[CriterionResult]:
    tagged = [r for r in analysis.criteria if skill in r.criterion.skills]
    if tagged or any(r.criterion.skills for r in analysis.criteria):
        return tagged
    # A rubric without skill tags (an LLM-written one): criteria whose name shares a word with the skill.
    words = set(content_tokens(skill.replace("_", " ").replace("-", " ")))
    return [r for r in analysis.criteria if words & set(content_tokens(r.criterion.name))]


def skill_scores(meta: QuestionMeta, analysis: Analysis, overall: float) -> dict[str, float]:
    """A 0-10 score per skill of the question: its criteria's coverage, under the answer's caps."""
    out: dict[str, float] = {}
    for skill in meta.skills:
        results = _carrying(skill, analysis)
        weight = sum(r.criterion.weight for r in results)
        if not results or weight <= 0:
            out[skill] = clamp_score(overall)
            continue
        coverage = sum(r.criterion.weight * r.coverage for r in results) / weight
        # The answer's measure in the proportion of this skill's coverage to the whole rubric's, on the
        # same per-kind scale as the overall score: a skill every criterion carries scores the answer.
        share = coverage / analysis.coverage if analysis.coverage > 0 else 0.0
        raw = scale(analysis.base * share, meta.kind)
        whole = scale(analysis.base, meta.kind)
        # The same penalties as the whole answer (padding, misconceptions, caps), scaled to this skill.
        ratio = overall / whole if whole > 0 else 0.0
        out[skill] = clamp_score(min(raw * min(1.0, ratio), analysis.cap))
    return out
