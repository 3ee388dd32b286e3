"""Per-skill averages and trends for the radar chart."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from coach.domain.analytics.models import MIN_SAMPLES, ScoredAnswer, SkillStat, mean, round1

TREND_MIN_SAMPLES = 4
"""Below this a half is one or two answers, too few to call a direction."""


def skill_samples(answers: Iterable[ScoredAnswer]) -> dict[str, list[float]]:
    """Each skill's scores, oldest first."""
    # Sorting on the session id too keeps the order stable when two answers share a timestamp.
    ordered = sorted(answers, key=lambda a: (a.evaluated_at, a.session_id))
    samples: dict[str, list[float]] = {}
    for answer in ordered:
        for skill, score in answer.skill_scores.items():
            samples.setdefault(skill, []).append(float(score))
    return samples


def trend(scores: list[float]) -> float:
    """Mean of the newer half minus the older half, one decimal; 0.0 below TREND_MIN_SAMPLES.

    With an odd count the middle score belongs to neither half.
    """
    if len(scores) < TREND_MIN_SAMPLES:
        return 0.0
    half = len(scores) // 2
    return round1(mean(scores[-half:]) - mean(scores[:half]))


def skills(answers: Iterable[ScoredAnswer], today: date, min_samples: int = MIN_SAMPLES) -> list[SkillStat]:
    """Every assessed skill's average, sample count and trend, sorted by skill name.

    `today` is accepted for a stable signature; the trend is ordered by answer, not by calendar.
    """
    return [
        SkillStat(
            skill=skill,
            average=round1(mean(scores)),
            samples=len(scores),
            trend=trend(scores),
            enough_data=len(scores) >= min_samples,
        )
        for skill, scores in sorted(skill_samples(answers).items())
    ]
