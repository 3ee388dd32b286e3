"""What to practise next: the weakest ranked skills, each with a session that exercises it."""

from __future__ import annotations

from collections.abc import Iterable

from coach.domain.analytics.models import (
    MIN_SAMPLES,
    Recommendation,
    SessionRecord,
    SessionSuggestion,
    SkillStat,
)
from coach.domain.kinds import Difficulty, QuestionType

DEFAULT_ROLE = "software engineer"
DURATION_MINUTES = 30

_BEHAVIORAL = (
    "adaptability collaboration communication conflict_resolution customer_focus decision_making "
    "growth_mindset incident_response influence leadership mentoring ownership prioritization "
    "quality_focus stakeholder_management strategic_thinking teamwork"
)
_CODING = (
    "algorithms complexity_analysis data_structures dynamic_programming graphs hashing problem_solving "
    "recursion strings trees"
)
# The bank tags most design-only skills this way; reliability and api_design lean design too.
_SYSTEM_DESIGN = (
    "api_design availability caching consistency data_modeling data_pipelines distributed_systems "
    "fan_out latency load_balancing observability queues rate_limiting real_time reliability "
    "replication scalability sharding streaming system_design"
)

SKILL_TYPES: dict[str, QuestionType] = {
    **dict.fromkeys(_BEHAVIORAL.split(), "behavioral"),
    **dict.fromkeys(_CODING.split(), "coding"),
    **dict.fromkeys(_SYSTEM_DESIGN.split(), "system_design"),
}
"""The interview type that best exercises a skill tag; unlisted skills go to `technical`."""


def session_type_for(skill: str) -> QuestionType:
    """The interview type that best exercises `skill`."""
    return SKILL_TYPES.get(skill.strip().lower().replace("-", "_").replace(" ", "_"), "technical")


def difficulty_for(average: float) -> Difficulty:
    """Easy below 4/10, medium below 7/10, else hard: stretch without drowning."""
    if average < 4:
        return "easy"
    if average < 7:
        return "medium"
    return "hard"


def _answers(n: int) -> str:
    return f"{n} answer" if n == 1 else f"{n} answers"


def _reason(stat: SkillStat, rank: int, ranked: int, lower_unranked: bool) -> str:
    label = stat.skill.replace("_", " ")
    if ranked == 1:
        tail = "the only skill with enough answers to rank yet."
    elif rank == 0 and lower_unranked:
        # The page lists every skill; one with too few answers may sit lower without being ranked.
        tail = f"the lowest of the skills with {MIN_SAMPLES} or more answers."
    elif rank == 0:
        tail = "the lowest of your skills."
    else:
        tail = "one of your weakest skills."
    return f"Your {label} answers average {stat.average:.1f}/10 over {_answers(stat.samples)} — {tail}"


def recommendations(
    skill_stats: Iterable[SkillStat],
    sessions: Iterable[SessionRecord],
    profile_role: str | None,
    limit: int = 3,
) -> list[Recommendation]:
    """Up to `limit` sessions for the weakest skills with enough data, weakest first.

    With no skill ranked yet, a single mixed medium session to establish a baseline.
    """
    if limit <= 0:
        return []
    role = (profile_role or "").strip() or DEFAULT_ROLE
    stats = list(skill_stats)
    ranked = sorted((s for s in stats if s.enough_data), key=lambda s: (s.average, s.skill))
    lower_unranked = bool(ranked) and any(not s.enough_data and s.average < ranked[0].average for s in stats)
    if not ranked:
        started = any(True for _ in sessions)
        reason = (
            "You have not answered enough questions for any skill to be ranked yet — "
            "a mixed session covers every kind of question."
            if started
            else "Start with a mixed session: it covers every kind of question and gives a baseline to improve on."
        )
        return [
            Recommendation(
                skill=None,
                average=None,
                reason=reason,
                session=SessionSuggestion(
                    type="mixed", difficulty="medium", duration_minutes=DURATION_MINUTES, role=role
                ),
            )
        ]
    return [
        Recommendation(
            skill=stat.skill,
            average=stat.average,
            reason=_reason(stat, rank, len(ranked), lower_unranked),
            session=SessionSuggestion(
                type=session_type_for(stat.skill),
                difficulty=difficulty_for(stat.average),
                duration_minutes=DURATION_MINUTES,
                role=role,
            ),
        )
        for rank, stat in enumerate(ranked[:limit])
    ]
