"""The same reports from running totals instead of raw answers, so a request reads tens of rows.

Totals are kept per user: answers per UTC hour and session type (the progress chart and streak)
and skill scores per UTC day (averages and trend). Two approximations, both documented in the API:
an hour's answers fall on the local day of the hour's start, exact for whole-hour UTC offsets; and
the skill trend splits the older and newer half of a skill's scores by day, so the day straddling the
middle counts at its mean score, exact whenever the middle falls between two days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import msgspec

from coach.domain.analytics.models import (
    MIN_SAMPLES,
    Bucket,
    Progress,
    ProgressPoint,
    Scored,
    Series,
    SkillStat,
    Summary,
    round1,
)
from coach.domain.analytics.overview import ALL_TYPES, _ranked, streak
from coach.domain.analytics.skills import TREND_MIN_SAMPLES

EPOCH = date(1970, 1, 1)
EPOCH_MONDAY = -3
"""1970-01-01 was a Thursday: the Monday of its ISO week is day -3."""


class HourTotal(msgspec.Struct, frozen=True):
    """Answers of one session type evaluated in one UTC hour (hours since the epoch)."""

    hour: int
    session_type: str
    answers: int
    score_sum: float


class SkillDayTotal(msgspec.Struct, frozen=True):
    """Scores of one skill on one UTC day (days since the epoch)."""

    skill: str
    day: int
    samples: int
    score_sum: float


class BucketTotal(msgspec.Struct, frozen=True):
    """Answers of one session type in one progress bucket (a local day, or the Monday of a week)."""

    start: date
    session_type: str
    answers: int
    score_sum: float


class SkillTotal(msgspec.Struct, frozen=True):
    """A skill's samples and score sum, with the sums of its older and newer halves (samples // 2 each).

    Without the half sums (reports that show no trend read none) the trend is 0.0.
    """

    skill: str
    samples: int
    score_sum: float
    older_sum: float | None = None
    newer_sum: float | None = None


class SessionTotals(msgspec.Struct, frozen=True):
    """The user's sessions: how many started and completed, and the best completed score."""

    started: int
    completed: int
    best_score: float | None


def hour_index(moment: datetime) -> int:
    """Whole hours since 1970-01-01 00:00 UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return int(aware.timestamp() // 3600)


def day_index(moment: datetime) -> int:
    """Whole days since 1970-01-01 UTC."""
    return hour_index(moment) // 24


def local_day_index(hour: int, tz_offset_minutes: int) -> int:
    """The user's local day (days since the epoch) of an hour's start."""
    return (hour * 60 + tz_offset_minutes) // 1440


def bucket_index(day: int, bucket: Bucket) -> int:
    """The day itself, or the ISO week (Monday-based) counted from the epoch's."""
    return day if bucket == "day" else (day - EPOCH_MONDAY) // 7


def bucket_date(index: int, bucket: Bucket) -> date:
    """The first day of the bucket `bucket_index` returned."""
    return EPOCH + timedelta(days=index if bucket == "day" else index * 7 + EPOCH_MONDAY)


def totals_of(answers: Iterable[Scored]) -> tuple[list[HourTotal], list[SkillDayTotal]]:
    """The totals a history adds up to: what the store keeps as evaluations are stored."""
    hours: dict[tuple[int, str], tuple[int, float]] = {}
    days: dict[tuple[str, int], tuple[int, float]] = {}
    for a in answers:
        key = (hour_index(a.evaluated_at), a.session_type)
        n, total = hours.get(key, (0, 0.0))
        hours[key] = (n + 1, total + a.score)
        for skill, score in a.skill_scores.items():
            day = (skill, day_index(a.evaluated_at))
            n, total = days.get(day, (0, 0.0))
            days[day] = (n + 1, total + float(score))
    return (
        [HourTotal(h, t, n, s) for (h, t), (n, s) in sorted(hours.items())],
        [SkillDayTotal(k, d, n, s) for (k, d), (n, s) in sorted(days.items())],
    )


def skill_totals(rows: Iterable[SkillDayTotal]) -> list[SkillTotal]:
    """Fold a skill's days, oldest first, into its totals and half sums (what the store's query computes)."""
    by_skill: dict[str, list[SkillDayTotal]] = {}
    for row in sorted(rows, key=lambda r: (r.skill, r.day)):
        by_skill.setdefault(row.skill, []).append(row)
    result = []
    for skill, days in by_skill.items():
        samples = sum(d.samples for d in days)
        half = samples // 2
        older = newer = 0.0
        seen = 0
        for d in days:
            mean_of_day = d.score_sum / d.samples
            older += max(0, min(d.samples, half - seen)) * mean_of_day
            newer += max(0, min(d.samples, seen + d.samples - (samples - half))) * mean_of_day
            seen += d.samples
        result.append(SkillTotal(skill, samples, sum(d.score_sum for d in days), older, newer))
    return result


def skills_from_totals(totals: Iterable[SkillTotal], min_samples: int = MIN_SAMPLES) -> list[SkillStat]:
    """Every assessed skill's average, samples and trend (newer half minus older half), by skill name."""
    stats = []
    for t in sorted(totals, key=lambda t: t.skill):
        if t.samples <= 0:
            continue
        half = t.samples // 2
        trend = 0.0
        if t.samples >= TREND_MIN_SAMPLES and t.older_sum is not None and t.newer_sum is not None:
            trend = round1(t.newer_sum / half - t.older_sum / half)
        stats.append(
            SkillStat(
                skill=t.skill,
                average=round1(t.score_sum / t.samples),
                samples=t.samples,
                trend=trend,
                enough_data=t.samples >= min_samples,
            )
        )
    return stats


def summary_from_totals(
    sessions: SessionTotals,
    answers: int,
    score_sum: float,
    practice_days: set[date],
    skills: Iterable[SkillTotal],
    today: date,
) -> Summary:
    """Headline numbers; `practice_days` are the user's local days with an answer or a started session."""
    strongest, weakest = _ranked(skills_from_totals(skills, MIN_SAMPLES))
    return Summary(
        sessions_completed=sessions.completed,
        questions_answered=answers,
        average_score=round1(score_sum / answers) if answers else None,
        best_score=round1(sessions.best_score) if sessions.best_score is not None else None,
        streak_days=streak(practice_days, today),
        strongest_skills=strongest,
        weakest_skills=weakest,
    )


def progress_from_totals(totals: Iterable[BucketTotal], bucket: Bucket, type: str | None = None) -> Progress:
    """Average score per bucket for each session type, sorted by type, "all" first unless `type`."""
    by_type: dict[str, dict[date, tuple[int, float]]] = {}
    every: dict[date, tuple[int, float]] = {}
    for t in totals:
        if t.answers <= 0 or (type is not None and t.session_type != type):
            continue
        for group in (by_type.setdefault(t.session_type, {}), every):
            n, s = group.get(t.start, (0, 0.0))
            group[t.start] = (n + t.answers, s + t.score_sum)

    def points(group: dict[date, tuple[int, float]]) -> list[ProgressPoint]:
        return [
            ProgressPoint(bucket=start.isoformat(), average_score=round1(s / n), count=n)
            for start, (n, s) in sorted(group.items())
        ]

    series = [Series(type=name, points=points(group)) for name, group in sorted(by_type.items())]
    if type is None and every:
        series.insert(0, Series(type=ALL_TYPES, points=points(every)))
    return Progress(bucket=bucket, series=series)


def buckets_from_hours(
    hours: Iterable[HourTotal], bucket: Bucket, tz_offset_minutes: int = 0
) -> list[BucketTotal]:
    """Hour totals grouped into the user's local buckets (the store does the same in SQL)."""
    grouped: dict[tuple[int, str], tuple[int, float]] = {}
    for h in hours:
        key = (bucket_index(local_day_index(h.hour, tz_offset_minutes), bucket), h.session_type)
        n, s = grouped.get(key, (0, 0.0))
        grouped[key] = (n + h.answers, s + h.score_sum)
    return [BucketTotal(bucket_date(i, bucket), t, n, s) for (i, t), (n, s) in sorted(grouped.items())]
