"""Reports from running totals: the same structs as from raw answers, with the documented approximations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coach.domain.analytics import SkillStat, progress, skills, summary
from coach.domain.analytics.totals import (
    HourTotal,
    SessionTotals,
    SkillDayTotal,
    SkillTotal,
    bucket_date,
    bucket_index,
    buckets_from_hours,
    day_index,
    hour_index,
    local_day_index,
    progress_from_totals,
    skill_totals,
    skills_from_totals,
    summary_from_totals,
    totals_of,
)
from tests.unit.test_analytics import ANSWERS, SESSIONS, TODAY, answer, at


def test_indexes_count_from_the_epoch_in_utc() -> None:
    assert hour_index(datetime(1970, 1, 2, 1, 30, tzinfo=UTC)) == 25
    assert day_index(datetime(1970, 1, 2, 1, 30, tzinfo=UTC)) == 1
    assert bucket_date(day_index(at(10, 7)), "day") == date(2026, 3, 10)


def test_local_day_of_an_hour_follows_the_offset() -> None:
    hour = hour_index(at(9, 22))  # 22:00 UTC on Monday 9 March
    assert bucket_date(local_day_index(hour, 0), "day") == date(2026, 3, 9)
    assert bucket_date(local_day_index(hour, 120), "day") == date(2026, 3, 10)
    assert bucket_date(local_day_index(hour_index(at(9, 10)), -660), "day") == date(2026, 3, 8)


@pytest.mark.parametrize("day", [date(2026, 3, d) for d in range(1, 16)])
def test_week_buckets_start_on_monday(day: date) -> None:
    index = (day - date(1970, 1, 1)).days
    monday = bucket_date(bucket_index(index, "week"), "week")
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days < 7


def test_totals_add_up_per_hour_type_and_skill_day() -> None:
    hours, days = totals_of(ANSWERS)
    assert sum(h.answers for h in hours) == len(ANSWERS)
    assert sum(h.score_sum for h in hours) == pytest.approx(47.5)
    algorithms = [d for d in days if d.skill == "algorithms"]
    assert [(d.samples, d.score_sum) for d in algorithms] == [(3, 22.0), (1, 3.0), (1, 4.0)]


@pytest.mark.parametrize("bucket", ["day", "week"])
@pytest.mark.parametrize("offset", [0, 60, -300, 540, -660])
@pytest.mark.parametrize("type", [None, "coding", "technical"])
def test_progress_from_totals_matches_progress_for_whole_hour_offsets(
    bucket: str, offset: int, type: str | None
) -> None:
    hours, _ = totals_of(ANSWERS)
    totals = buckets_from_hours(hours, bucket, offset)  # type: ignore[arg-type]
    assert progress_from_totals(totals, bucket, type) == progress(ANSWERS, bucket, type, offset)  # type: ignore[arg-type]


def test_skills_from_totals_split_a_straddling_day_at_its_mean() -> None:
    _, days = totals_of(ANSWERS)
    from_totals = {s.skill: s for s in skills_from_totals(skill_totals(days))}
    exact = {s.skill: s for s in skills(ANSWERS, TODAY)}
    assert {k: (s.average, s.samples, s.enough_data) for k, s in from_totals.items()} == {
        k: (s.average, s.samples, s.enough_data) for k, s in exact.items()
    }
    # algorithms: 8, 7, 7 on 5 March, then 3 and 4. The older half (two scores) takes two of 5 March's
    # three at their mean 22/3, so the trend is 3.5 - 7.33 = -3.8 instead of 3.5 - 7.5 = -4.0.
    assert from_totals["algorithms"].trend == -3.8
    assert exact["algorithms"].trend == -4.0


def test_trend_is_exact_when_the_middle_falls_between_days() -> None:
    scores = [2.0, 4.0, 7.0, 9.0]
    answers = [answer("x", "coding", at(1 + i, 9), 5.0, {"graphs": s}) for i, s in enumerate(scores)]
    _, days = totals_of(answers)
    assert skills_from_totals(skill_totals(days)) == skills(answers, TODAY)
    assert skills_from_totals(skill_totals(days))[0].trend == 5.0


def test_trend_needs_four_samples_and_odd_counts_skip_the_middle() -> None:
    rows = [SkillDayTotal("graphs", d, 1, s) for d, s in enumerate([2.0, 4.0, 9.0, 6.0, 8.0])]
    assert skills_from_totals(skill_totals(rows)) == [SkillStat("graphs", 5.8, 5, 4.0, True)]
    assert skills_from_totals([SkillTotal("graphs", 3, 15.0, 1.0, 9.0)])[0].trend == 0.0


def test_summary_from_totals_matches_summary_of_the_known_history() -> None:
    hours, days = totals_of(ANSWERS)
    practice = {bucket_date(local_day_index(h.hour, 0), "day") for h in hours}
    practice |= {s.created_at.date() for s in SESSIONS}
    totals = SessionTotals(started=3, completed=2, best_score=7.5)
    assert summary_from_totals(
        totals, len(ANSWERS), sum(h.score_sum for h in hours), practice, skill_totals(days), TODAY
    ) == summary(SESSIONS, ANSWERS, TODAY)


def test_empty_totals() -> None:
    empty = summary_from_totals(SessionTotals(0, 0, None), 0, 0.0, set(), [], TODAY)
    assert (empty.questions_answered, empty.average_score, empty.best_score, empty.streak_days) == (
        0,
        None,
        None,
        0,
    )
    assert progress_from_totals([], "day") == progress([], "day")
    assert skills_from_totals([]) == []
    assert (
        progress_from_totals(buckets_from_hours([HourTotal(0, "coding", 0, 0.0)], "day"), "day").series == []
    )
