"""The interview plan fills the time box with questions of the right kinds."""

from __future__ import annotations

import pytest

from coach.domain.kinds import DIFFICULTIES, SESSION_TYPES
from coach.domain.plan import MAX_QUESTIONS, MINUTES_PER_QUESTION, make_plan


@pytest.mark.parametrize("session_type", SESSION_TYPES)
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
@pytest.mark.parametrize("minutes", [10, 25, 45, 90])
def test_every_plan_fits_its_time_box(session_type: str, difficulty: str, minutes: int) -> None:
    plan = make_plan(session_type, difficulty, minutes)  # type: ignore[arg-type]
    assert 1 <= plan.total <= MAX_QUESTIONS
    assert len(plan.minutes_per_question) == plan.total
    if plan.total > 1 or plan.minutes_per_question[0] != minutes:
        assert sum(plan.minutes_per_question) <= minutes
    if session_type != "mixed":
        assert set(plan.kinds) == {session_type}


def test_counts_follow_minutes_per_question() -> None:
    assert make_plan("technical", "easy", 10).total == 2  # 4 minutes each
    assert make_plan("coding", "medium", 45).total == 3  # 15 minutes each
    assert make_plan("behavioral", "hard", 30).total == 3  # 8 minutes each
    assert make_plan("technical", "easy", 90).total == MAX_QUESTIONS


def test_a_short_box_for_a_long_kind_still_asks_one_question() -> None:
    plan = make_plan("system_design", "hard", 10)
    assert plan.kinds == ["system_design"]
    assert plan.minutes_per_question == [10]
    assert MINUTES_PER_QUESTION["system_design"]["hard"] > 10


def test_mixed_rotates_through_kinds_and_skips_what_no_longer_fits() -> None:
    assert make_plan("mixed", "medium", 30).kinds == ["behavioral", "technical", "coding"]
    hard = make_plan("mixed", "hard", 30).kinds
    assert hard == ["behavioral", "technical", "behavioral", "technical"]
    assert "system_design" in make_plan("mixed", "easy", 45).kinds


@pytest.mark.parametrize("minutes", [9, 91, 0])
def test_durations_outside_10_to_90_are_refused(minutes: int) -> None:
    with pytest.raises(ValueError, match="duration"):
        make_plan("technical", "easy", minutes)
