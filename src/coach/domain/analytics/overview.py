"""The dashboard summary and the score-over-time chart."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from coach.domain.analytics.models import (
    MIN_SAMPLES,
    Bucket,
    Progress,
    ProgressPoint,
    ScoredAnswer,
    Series,
    SessionRecord,
    SkillAverage,
    SkillStat,
    Summary,
    bucket_start,
    local_date,
    mean,
    round1,
)
from coach.domain.analytics.skills import skills

TOP_SKILLS = 3
ALL_TYPES = "all"
"""The series combining every interview type."""


def streak(practice_days: set[date], today: date) -> int:
    """Consecutive practice days ending today, or yesterday when today has none yet."""
    # A streak survives until the user's day is over, so one ending yesterday still counts.
    day = today if today in practice_days else today - timedelta(days=1)
    count = 0
    while day in practice_days:
        count += 1
        day -= timedelta(days=1)
    return count


def _ranked(stats: list[SkillStat]) -> tuple[list[SkillAverage], list[SkillAverage]]:
    """The strongest and weakest ranked skills, never the same skill in both."""
    ranked = sorted((s for s in stats if s.enough_data), key=lambda s: (-s.average, s.skill))
    # Share the ranked skills out so a user with few skills never sees one named both best and worst.
    n_strong = min(TOP_SKILLS, (len(ranked) + 1) // 2)
    n_weak = min(TOP_SKILLS, len(ranked) // 2)
    strong = ranked[:n_strong]
    weak = sorted(ranked[len(ranked) - n_weak :], key=lambda s: (s.average, s.skill))
    return (
        [SkillAverage(skill=s.skill, average=s.average, samples=s.samples) for s in strong],
        [SkillAverage(skill=s.skill, average=s.average, samples=s.samples) for s in weak],
    )


def summary(
    sessions: Iterable[SessionRecord],
    answers: Iterable[ScoredAnswer],
    today: date,
    tz_offset_minutes: int = 0,
) -> Summary:
    """Headline numbers; `today` is the user's local date, the offset is minutes east of UTC."""
    session_list = list(sessions)
    answer_list = list(answers)
    completed = [s for s in session_list if s.status == "completed"]
    best = [s.score for s in completed if s.score is not None]
    practice_days = {local_date(a.evaluated_at, tz_offset_minutes) for a in answer_list}
    practice_days |= {local_date(s.created_at, tz_offset_minutes) for s in session_list}
    strongest, weakest = _ranked(skills(answer_list, today, MIN_SAMPLES))
    return Summary(
        sessions_completed=len(completed),
        questions_answered=len(answer_list),
        average_score=round1(mean([a.score for a in answer_list])) if answer_list else None,
        best_score=round1(max(best)) if best else None,
        streak_days=streak(practice_days, today),
        strongest_skills=strongest,
        weakest_skills=weakest,
    )


def _points(answers: list[ScoredAnswer], bucket: Bucket, tz_offset_minutes: int) -> list[ProgressPoint]:
    groups: dict[date, list[float]] = {}
    for answer in answers:
        groups.setdefault(bucket_start(answer.evaluated_at, bucket, tz_offset_minutes), []).append(
            answer.score
        )
    return [
        ProgressPoint(bucket=start.isoformat(), average_score=round1(mean(scores)), count=len(scores))
        for start, scores in sorted(groups.items())
    ]


def progress(
    answers: Iterable[ScoredAnswer],
    bucket: Bucket,
    type: str | None = None,
    tz_offset_minutes: int = 0,
) -> Progress:
    """Average score per bucket for each interview type, sorted by type.

    With `type` given only that type's series (none if it has no answers); otherwise an "all"
    series combining every type comes first.
    """
    by_type: dict[str, list[ScoredAnswer]] = {}
    every: list[ScoredAnswer] = []
    for answer in answers:
        if type is None or answer.session_type == type:
            by_type.setdefault(answer.session_type, []).append(answer)
            every.append(answer)
    series = [
        Series(type=name, points=_points(group, bucket, tz_offset_minutes))
        for name, group in sorted(by_type.items())
    ]
    if type is None and every:
        series.insert(0, Series(type=ALL_TYPES, points=_points(every, bucket, tz_offset_minutes)))
    return Progress(bucket=bucket, series=series)
