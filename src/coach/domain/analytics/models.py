"""Analytics inputs and outputs, plus the calendar helpers every report shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal, Protocol

import msgspec

from coach.domain.kinds import Difficulty, SessionType

MIN_SAMPLES = 3
"""Answers a skill needs before it is ranked, charted as reliable or recommended."""

Bucket = Literal["day", "week"]


class Scored(Protocol):
    """What the running totals need from an evaluated answer."""

    @property
    def session_type(self) -> str: ...
    @property
    def evaluated_at(self) -> datetime: ...
    @property
    def score(self) -> float: ...
    @property
    def skill_scores(self) -> dict[str, float]: ...


class EvaluationScore(msgspec.Struct, frozen=True):
    """One stored evaluation as the totals count it, before it is part of any history read."""

    session_type: str
    evaluated_at: datetime
    score: float
    skill_scores: dict[str, float]


class ScoredAnswer(msgspec.Struct, frozen=True):
    """One evaluated answer of the user, with its session's type and difficulty."""

    session_id: str
    session_type: str
    difficulty: str
    evaluated_at: datetime
    score: float
    skill_scores: dict[str, float]


class SessionRecord(msgspec.Struct, frozen=True):
    """One interview session of the user; `score` is set once it is completed."""

    session_id: str
    type: str
    difficulty: str
    status: str
    created_at: datetime
    score: float | None


class SkillAverage(msgspec.Struct, frozen=True):
    """A skill's mean score over the answers that assessed it."""

    skill: str
    average: float
    samples: int


class Summary(msgspec.Struct, frozen=True):
    """The dashboard headline numbers."""

    sessions_completed: int
    questions_answered: int
    average_score: float | None
    best_score: float | None
    streak_days: int
    strongest_skills: list[SkillAverage]
    weakest_skills: list[SkillAverage]


class ProgressPoint(msgspec.Struct, frozen=True):
    """The mean score of the answers evaluated in one bucket."""

    bucket: str
    average_score: float
    count: int


class Series(msgspec.Struct, frozen=True):
    """One line of the progress chart: an interview type, or "all"."""

    type: str
    points: list[ProgressPoint]


class Progress(msgspec.Struct, frozen=True):
    """Average score over time, one series per interview type."""

    bucket: Bucket
    series: list[Series]


class SkillStat(msgspec.Struct, frozen=True):
    """One spoke of the skills radar chart."""

    skill: str
    average: float
    samples: int
    trend: float
    enough_data: bool


class SessionSuggestion(msgspec.Struct, frozen=True):
    """The settings of a session to start, ready to prefill the new-session form."""

    type: SessionType
    difficulty: Difficulty
    duration_minutes: int
    role: str


class Recommendation(msgspec.Struct, frozen=True):
    """What to practise next; `skill` and `average` are None for the first-session suggestion."""

    skill: str | None
    average: float | None
    reason: str
    session: SessionSuggestion


def local_date(moment: datetime, tz_offset_minutes: int = 0) -> date:
    """The calendar day of `moment` for a user `tz_offset_minutes` east of UTC (CET is +60)."""
    # Rows from some drivers come back naive; the store writes UTC, so read them as UTC.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware.astimezone(UTC) + timedelta(minutes=tz_offset_minutes)).date()


def bucket_start(moment: datetime, bucket: Bucket, tz_offset_minutes: int = 0) -> date:
    """The first day of the bucket holding `moment`: its local day, or the Monday of its ISO week."""
    day = local_date(moment, tz_offset_minutes)
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day


def round1(value: float) -> float:
    """Round to one decimal for display, never yielding -0.0."""
    # Adding 0.0 turns -0.0 into 0.0, so a flat trend never serialises as "-0.0".
    return round(value, 1) + 0.0


def mean(values: list[float]) -> float:
    """The arithmetic mean of a non-empty list."""
    return sum(values) / len(values)
