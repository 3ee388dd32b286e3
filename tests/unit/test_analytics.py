"""Progress analytics: a hand-scored history, streaks, buckets, skills and recommendations."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import msgspec
import pytest

from coach.domain.analytics import (
    Progress,
    ProgressPoint,
    ScoredAnswer,
    Series,
    SessionRecord,
    SkillAverage,
    SkillStat,
    Summary,
    bucket_start,
    difficulty_for,
    local_date,
    progress,
    recommendations,
    session_type_for,
    skills,
    summary,
)

TODAY = date(2026, 3, 10)  # a Tuesday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC moment in March 2026."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def answer(
    session: str, kind: str, when: datetime, score: float, skill_scores: dict[str, float] | None = None
) -> ScoredAnswer:
    return ScoredAnswer(
        session_id=session,
        session_type=kind,
        difficulty="medium",
        evaluated_at=when,
        score=score,
        skill_scores=skill_scores or {},
    )


# Three sessions over ten days. 1 March is a Sunday, 5 March a Thursday, 9 March a Monday.
SESSIONS = [
    SessionRecord("s1", "behavioral", "medium", "completed", at(1, 9), 6.0),
    SessionRecord("s2", "coding", "easy", "completed", at(5, 18), 7.5),
    SessionRecord("s3", "coding", "medium", "active", at(9, 22), None),
]
ANSWERS = [
    answer("s1", "behavioral", at(1, 9, 10), 5.0, {"communication": 5.0, "ownership": 6.0}),
    answer(
        "s1", "behavioral", at(1, 9, 20), 7.0, {"communication": 7.0, "ownership": 7.0, "leadership": 8.0}
    ),
    answer("s1", "behavioral", at(1, 9, 30), 6.0, {"communication": 6.0, "ownership": 5.0}),
    answer(
        "s2",
        "coding",
        at(5, 18, 10),
        8.0,
        {"algorithms": 8.0, "complexity_analysis": 9.0, "problem_solving": 9.0},
    ),
    answer("s2", "coding", at(5, 18, 20), 7.0, {"algorithms": 7.0, "hashing": 6.0}),
    answer(
        "s2",
        "coding",
        at(5, 18, 30),
        7.5,
        {"algorithms": 7.0, "complexity_analysis": 8.0, "problem_solving": 8.0},
    ),
    answer("s3", "coding", at(9, 22, 10), 3.0, {"algorithms": 3.0, "recursion": 2.0}),
    answer("s3", "coding", at(10, 7), 4.0, {"algorithms": 4.0, "recursion": 4.0, "problem_solving": 4.0}),
]
# Per skill, oldest first:
#   algorithms          8, 7, 7, 3, 4  -> 29/5 = 5.8; trend: newest two 3.5 - oldest two 7.5 = -4.0
#   communication       5, 7, 6        -> 6.0
#   complexity_analysis 9, 8           -> 8.5 (2 samples, not enough)
#   hashing             6              -> 6.0 (1 sample)
#   leadership          8              -> 8.0 (1 sample: highest average, but never ranked)
#   ownership           6, 7, 5        -> 6.0
#   problem_solving     9, 8, 4        -> 7.0
#   recursion           2, 4           -> 3.0 (2 samples: lowest average, but never ranked)


def test_summary_of_the_known_history() -> None:
    # Scores 5+7+6+8+7+7.5+3+4 = 47.5 over 8 answers = 5.9375 -> 5.9.
    # Practice days (UTC): 1, 5, 9, 10 March -> today and yesterday -> streak 2.
    # Ranked (>= 3 samples), best first: problem_solving 7.0, communication 6.0, ownership 6.0
    # (tie broken by name), algorithms 5.8. Four ranked skills split two strong, two weak.
    assert summary(SESSIONS, ANSWERS, TODAY) == Summary(
        sessions_completed=2,
        questions_answered=8,
        average_score=5.9,
        best_score=7.5,
        streak_days=2,
        strongest_skills=[
            SkillAverage("problem_solving", 7.0, 3),
            SkillAverage("communication", 6.0, 3),
        ],
        weakest_skills=[
            SkillAverage("algorithms", 5.8, 5),
            SkillAverage("ownership", 6.0, 3),
        ],
    )


def test_summary_shifts_days_by_the_users_offset() -> None:
    # At UTC+2 session s3 (22:00 UTC on the 9th) and its first answer land on 10 March, so the
    # 9th is empty: the streak is today alone.
    assert summary(SESSIONS, ANSWERS, TODAY, tz_offset_minutes=120).streak_days == 1


def test_best_score_ignores_active_sessions() -> None:
    sessions = [
        SessionRecord("a", "coding", "hard", "active", at(2, 9), 9.9),
        SessionRecord("b", "coding", "hard", "completed", at(3, 9), 4.5),
        SessionRecord("c", "coding", "hard", "completed", at(4, 9), None),
    ]
    result = summary(sessions, [], TODAY)
    assert (result.sessions_completed, result.best_score) == (2, 4.5)


def test_top_three_at_most_and_never_both_strongest_and_weakest() -> None:
    # Seven ranked skills s0..s6 averaging 0..6: top three and bottom three, s3 in neither.
    answers = [
        answer("x", "technical", at(1, 9, i), 5.0, {f"s{k}": float(k) for k in range(7)}) for i in range(3)
    ]
    result = summary([], answers, TODAY)
    assert [s.skill for s in result.strongest_skills] == ["s6", "s5", "s4"]
    assert [s.skill for s in result.weakest_skills] == ["s0", "s1", "s2"]
    # A single ranked skill is a strength, not also a weakness.
    alone = [answer("x", "technical", at(1, 9, i), 5.0, {"testing": 4.0}) for i in range(3)]
    single = summary([], alone, TODAY)
    assert (single.strongest_skills, single.weakest_skills) == ([SkillAverage("testing", 4.0, 3)], [])


def test_skills_with_too_few_samples_are_never_ranked() -> None:
    answers = [
        answer("x", "coding", at(1, 9, 0), 5.0, {"graphs": 1.0, "trees": 9.0, "strings": 5.0}),
        answer("x", "coding", at(1, 9, 1), 5.0, {"graphs": 1.0, "trees": 9.0, "strings": 5.0}),
        answer("x", "coding", at(1, 9, 2), 5.0, {"strings": 5.0}),
    ]
    result = summary([], answers, TODAY)
    assert result.strongest_skills == [SkillAverage("strings", 5.0, 3)]
    assert result.weakest_skills == []


def days_ago(*offsets: int) -> list[ScoredAnswer]:
    """One answer at noon UTC on each of the given days before TODAY."""
    return [answer("x", "coding", at(TODAY.day - d, 12), 5.0) for d in offsets]


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ((0,), 1),  # practised today only
        ((0, 1, 2), 3),
        ((1,), 1),  # only yesterday: the streak is still alive until today ends
        ((1, 2, 3), 3),
        ((2, 3), 0),  # last practice the day before yesterday
        ((0, 1, 3, 4), 2),  # a gap on day 2 ends the run
        ((0, 0, 0), 1),  # several answers on one day count once
    ],
)
def test_streak(offsets: tuple[int, ...], expected: int) -> None:
    assert summary([], days_ago(*offsets), TODAY).streak_days == expected


def test_created_session_counts_as_practice() -> None:
    sessions = [SessionRecord("n", "mixed", "medium", "active", at(10, 6), None)]
    assert summary(sessions, days_ago(1), TODAY).streak_days == 2


def test_offset_moves_an_answer_across_midnight() -> None:
    answers = [answer("x", "coding", at(9, 23, 30), 5.0), answer("x", "coding", at(8, 12), 5.0)]
    # UTC: 8th and 9th -> 2. UTC+1: 23:30 becomes 00:30 on the 10th, leaving the 9th empty -> 1.
    assert summary([], answers, TODAY).streak_days == 2
    assert summary([], answers, TODAY, tz_offset_minutes=60).streak_days == 1
    # UTC-13: noon on the 8th is 23:00 on the 7th and 23:30 on the 9th is 10:30 on the 9th.
    assert summary([], answers, date(2026, 3, 9), tz_offset_minutes=-780).streak_days == 1


def test_local_date_and_bucket_start() -> None:
    assert local_date(at(1, 23, 30), 60) == date(2026, 3, 2)
    assert local_date(at(1, 0, 30), -60) == date(2026, 2, 28)
    # Naive datetimes are read as UTC.
    assert local_date(datetime(2026, 3, 1, 23, 30), 60) == date(2026, 3, 2)
    assert bucket_start(at(1, 12), "day", 0) == date(2026, 3, 1)
    # Sunday 1 March belongs to the week of Monday 23 February.
    assert bucket_start(at(1, 12), "week", 0) == date(2026, 2, 23)
    assert bucket_start(at(9, 12), "week", 0) == date(2026, 3, 9)  # a Monday starts its own week
    assert bucket_start(at(15, 12), "week", 0) == date(2026, 3, 9)  # the next Sunday still does
    # 00:30 UTC on Monday the 9th is still Sunday at UTC-1.
    assert bucket_start(at(9, 0, 30), "week", -60) == date(2026, 3, 2)


def test_progress_by_day_has_an_all_series_first() -> None:
    # 1 Mar: 5, 7, 6 -> 6.0; 5 Mar: 8, 7, 7.5 -> 7.5; 9 Mar: 3; 10 Mar: 4.
    assert progress(ANSWERS, "day") == Progress(
        bucket="day",
        series=[
            Series(
                "all",
                [
                    ProgressPoint("2026-03-01", 6.0, 3),
                    ProgressPoint("2026-03-05", 7.5, 3),
                    ProgressPoint("2026-03-09", 3.0, 1),
                    ProgressPoint("2026-03-10", 4.0, 1),
                ],
            ),
            Series("behavioral", [ProgressPoint("2026-03-01", 6.0, 3)]),
            Series(
                "coding",
                [
                    ProgressPoint("2026-03-05", 7.5, 3),
                    ProgressPoint("2026-03-09", 3.0, 1),
                    ProgressPoint("2026-03-10", 4.0, 1),
                ],
            ),
        ],
    )


def test_progress_by_week_starts_on_monday() -> None:
    # Sun 1 Mar -> week of 23 Feb; Thu 5 Mar -> 2 Mar; Mon 9 and Tue 10 Mar -> 9 Mar: (3+4)/2 = 3.5.
    result = progress(list(reversed(ANSWERS)), "week")
    assert result.series[0] == Series(
        "all",
        [
            ProgressPoint("2026-02-23", 6.0, 3),
            ProgressPoint("2026-03-02", 7.5, 3),
            ProgressPoint("2026-03-09", 3.5, 2),
        ],
    )


def test_progress_type_filter() -> None:
    assert progress(ANSWERS, "week", type="coding").series == [
        Series("coding", [ProgressPoint("2026-03-02", 7.5, 3), ProgressPoint("2026-03-09", 3.5, 2)])
    ]
    assert progress(ANSWERS, "day", type="system_design").series == []


def test_progress_offset_moves_an_answer_to_the_next_day() -> None:
    # At UTC+2 the 22:10 answer on the 9th joins the 10th: (3+4)/2 = 3.5 over 2.
    coding = progress(ANSWERS, "day", type="coding", tz_offset_minutes=120).series[0]
    assert coding.points[-1] == ProgressPoint("2026-03-10", 3.5, 2)


def test_progress_serialises_for_charts() -> None:
    decoded = msgspec.json.decode(msgspec.json.encode(progress(ANSWERS[:1], "day")))
    assert decoded == {
        "bucket": "day",
        "series": [
            {"type": "all", "points": [{"bucket": "2026-03-01", "average_score": 5.0, "count": 1}]},
            {"type": "behavioral", "points": [{"bucket": "2026-03-01", "average_score": 5.0, "count": 1}]},
        ],
    }


def test_skills_of_the_known_history() -> None:
    assert skills(ANSWERS, TODAY) == [
        SkillStat("algorithms", 5.8, 5, -4.0, True),
        SkillStat("communication", 6.0, 3, 0.0, True),
        SkillStat("complexity_analysis", 8.5, 2, 0.0, False),
        SkillStat("hashing", 6.0, 1, 0.0, False),
        SkillStat("leadership", 8.0, 1, 0.0, False),
        SkillStat("ownership", 6.0, 3, 0.0, True),
        SkillStat("problem_solving", 7.0, 3, 0.0, True),
        SkillStat("recursion", 3.0, 2, 0.0, False),
    ]


def test_min_samples_is_a_parameter() -> None:
    stats = {s.skill: s.enough_data for s in skills(ANSWERS, TODAY, min_samples=2)}
    assert (stats["complexity_analysis"], stats["hashing"]) == (True, False)


def trend_of(scores: list[float]) -> float:
    # Given newest first, so the result also proves answers are ordered by time, not input order.
    answers = [
        answer("x", "coding", at(1, 9, len(scores) - i), 5.0, {"graphs": s}) for i, s in enumerate(scores)
    ]
    [stat] = skills(answers, TODAY)
    return stat.trend


def test_trend_sign() -> None:
    assert trend_of([8.0, 7.0, 3.0, 2.0]) == 5.0  # newest first: 7.5 - 2.5, improving
    assert trend_of([2.0, 3.0, 7.0, 8.0]) == -5.0  # declining
    # Odd count: the middle score (9) is in neither half: (6+8)/2 - (2+4)/2 = 4.0.
    assert trend_of([8.0, 6.0, 9.0, 4.0, 2.0]) == 4.0
    assert trend_of([9.0, 1.0, 1.0]) == 0.0  # fewer than four samples


def test_flat_trend_is_positive_zero() -> None:
    # 5.02 - 5.06 rounds to -0.0, which must not reach the JSON as "-0.0".
    trend = trend_of([5.04, 5.0, 5.06, 5.06])
    assert trend == 0.0
    assert math.copysign(1.0, trend) == 1.0


def test_recommendations_of_the_known_history() -> None:
    recs = recommendations(skills(ANSWERS, TODAY), SESSIONS, None)
    # Ranked skills ascending: algorithms 5.8, communication 6.0, ownership 6.0, problem_solving 7.0.
    assert [(r.skill, r.average, r.session.type, r.session.difficulty) for r in recs] == [
        ("algorithms", 5.8, "coding", "medium"),
        ("communication", 6.0, "behavioral", "medium"),
        ("ownership", 6.0, "behavioral", "medium"),
    ]
    assert (
        # A skill with fewer answers averages lower, so "lowest" says which skills it ranks among.
        recs[0].reason
        == "Your algorithms answers average 5.8/10 over 5 answers — the lowest of the skills with 3 or more answers."
    )
    assert recs[1].reason.endswith("one of your weakest skills.")
    assert {(r.session.duration_minutes, r.session.role) for r in recs} == {(30, "software engineer")}


def stat(skill: str, average: float, samples: int = 5) -> SkillStat:
    return SkillStat(skill, average, samples, 0.0, samples >= 3)


def test_the_lowest_ranked_skill_says_so_when_a_less_answered_skill_sits_below_it() -> None:
    stats = [stat("sql", 5.8), stat("caching", 6.4), stat("adaptability", 3.8, samples=1)]
    recs = recommendations(stats, SESSIONS, None)
    assert [r.skill for r in recs] == ["sql", "caching"]
    alone = recommendations(stats[:2], SESSIONS, None)
    assert alone[0].reason.endswith("— the lowest of your skills.")
    assert (
        recs[0].reason
        == "Your sql answers average 5.8/10 over 5 answers — the lowest of the skills with 3 or more answers."
    )


def test_recommendations_map_skills_to_types_and_difficulties() -> None:
    stats = [
        stat("concurrency", 3.9),
        stat("distributed_systems", 4.0),
        stat("conflict_resolution", 6.9),
        stat("dynamic_programming", 7.0),
        stat("recursion", 1.0, samples=2),  # weakest, but too few answers
    ]
    recs = recommendations(stats, [], "Backend Engineer", limit=10)
    assert [(r.skill, r.session.type, r.session.difficulty) for r in recs] == [
        ("concurrency", "technical", "easy"),
        ("distributed_systems", "system_design", "medium"),
        ("conflict_resolution", "behavioral", "medium"),
        ("dynamic_programming", "coding", "hard"),
    ]
    assert recs[0].session.role == "Backend Engineer"
    assert len(recommendations(stats, [], None, limit=2)) == 2
    assert recommendations(stats, [], None, limit=0) == []


def test_type_and_difficulty_tables() -> None:
    skills_to_types = {
        "leadership": "behavioral",
        "Conflict-Resolution": "behavioral",  # tags are normalised before the lookup
        "graphs": "coding",
        "caching": "system_design",
        "security": "technical",  # unlisted skills
    }
    assert {s: session_type_for(s) for s in skills_to_types} == skills_to_types
    assert [difficulty_for(a) for a in (0.0, 3.99, 4.0, 6.99, 7.0, 10.0)] == [
        "easy",
        "easy",
        "medium",
        "medium",
        "hard",
        "hard",
    ]


def test_single_ranked_skill_reason() -> None:
    [rec] = recommendations([stat("caching", 8.2, samples=1), stat("testing", 5.0, samples=3)], [], None)
    assert (
        rec.reason
        == "Your testing answers average 5.0/10 over 3 answers — the only skill with enough answers to rank yet."
    )


def test_first_session_when_nothing_is_ranked() -> None:
    [first] = recommendations([stat("graphs", 2.0, samples=2)], [], "  ")
    assert (first.skill, first.average) == (None, None)
    assert first.session.type == "mixed"
    assert first.session.difficulty == "medium"
    assert first.session.role == "software engineer"  # a blank role falls back too
    assert "baseline" in first.reason
    [later] = recommendations([], SESSIONS, "data engineer")
    assert (later.session.type, later.session.role) == ("mixed", "data engineer")
    assert "not answered enough" in later.reason


def test_empty_inputs() -> None:
    assert summary([], [], TODAY) == Summary(0, 0, None, None, 0, [], [])
    assert progress([], "week") == Progress("week", [])
    assert progress([], "day", type="coding") == Progress("day", [])
    assert skills([], TODAY) == []
    assert [r.session.type for r in recommendations([], [], None)] == ["mixed"]
