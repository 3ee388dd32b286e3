"""Bank-wide rules: every question in a known family with a difficulty note, no near-duplicates,
no two live coding questions with one entry point."""

from __future__ import annotations

import msgspec

from coach.commands.bank_rules import bank_wide_problems
from coach.domain.bank import BankQuestion, Family
from coach.domain.bank_similarity import DUPLICATE_AT, similar_pairs
from coach.judge.specs import load_specs
from coach.llm.bank_loader import load_bank, load_families
from tests.unit.test_bank import make_question

FAMILIES = [Family("caching", "Caching"), Family("queues", "Queues")]


def tagged(**overrides: object) -> BankQuestion:
    fields: dict[str, object] = {"family": "caching", "level_note": "Medium: 30 minutes of trade-offs."}
    fields.update(overrides)
    return make_question(**fields)


def test_the_shipped_bank_breaks_no_bank_wide_rule() -> None:
    assert bank_wide_problems(load_bank().questions, load_families(), load_specs()) == []


def test_a_question_without_a_known_family_or_a_difficulty_note_is_named() -> None:
    questions = [
        tagged(id="a", family=""),
        tagged(id="b", family="astrology", prompt="Design a horoscope feed."),
        tagged(id="c", level_note=" ", prompt="Design a parking garage."),
    ]
    problems = bank_wide_problems(questions, FAMILIES, {})
    assert problems == [
        "a: no topic family",
        "b: family 'astrology' is not in bank/meta/families.toml",
        "c: no level_note saying why it is medium",
    ]


def test_the_same_problem_reworded_slightly_is_a_near_duplicate_and_retiring_one_clears_it() -> None:
    prompt = (
        "Given a list of meeting start and end times, return the minimum number of conference rooms "
        "needed so that no two overlapping meetings share a room."
    )
    first = tagged(id="rooms", title="Minimum number of rooms", prompt=prompt)
    copy = tagged(
        id="rooms-2", title="Minimum Number of Meeting Rooms", prompt=prompt.replace("list", "array")
    )
    other = tagged(
        id="lru", title="LRU cache", prompt="Implement a least-recently-used cache with get and put."
    )
    pairs = similar_pairs([first, copy, other])
    assert [(a, b) for _, a, b in pairs] == [("rooms", "rooms-2")]
    assert pairs[0][0] >= DUPLICATE_AT
    retired = msgspec.structs.replace(copy, retired=True)
    assert similar_pairs([first, retired, other]) == []


def test_topics_that_merely_share_a_subject_are_not_duplicates() -> None:
    bank = load_bank()
    by_id = {q.id: q for q in bank.questions}
    pair = [by_id["code-e-merge-sorted-lists-01"], by_id["code-h-merge-k-sorted-01"]]
    assert similar_pairs(pair) == []


def test_two_live_coding_questions_with_one_entry_point_are_one_problem() -> None:
    specs = load_specs()
    spec = specs["code-m-group-anagrams-01"]
    questions = [
        tagged(id="x", title="Group anagrams", prompt="Group words by their letters."),
        tagged(id="y", title="Anagram families", prompt="Bucket strings whose letters match."),
    ]
    same = {"x": spec, "y": spec}
    problems = bank_wide_problems(questions, FAMILIES, same)
    assert problems == [f"x, y: one entry point {spec.entry['python'].name!r} for several questions"]
