"""Session-level score math: aggregate the per-answer evaluations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def aggregate(scores: Iterable[float]) -> float | None:
    """The mean score, one decimal; None when nothing was evaluated."""
    values = list(scores)
    if not values:
        return None
    return round(sum(values) / len(values), 1)


def aggregate_skills(per_answer: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Each skill's mean over the answers that assessed it."""
    totals: dict[str, list[float]] = {}
    for skills in per_answer:
        for skill, score in skills.items():
            totals.setdefault(skill, []).append(float(score))
    return {skill: round(sum(v) / len(v), 1) for skill, v in sorted(totals.items())}
