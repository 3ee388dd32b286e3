"""The question-generation prompt uses everything the request knows, and lists what not to repeat."""

from __future__ import annotations

import pytest

from coach.domain.bank import BankQuestion
from coach.domain.prompts import MAX_RECENT, build_question_messages
from coach.domain.question_history import recent_oldest_first
from coach.domain.questions import QuestionRequest
from coach.llm.bank_loader import load_bank

REQUEST = QuestionRequest(
    type="system_design",
    difficulty="hard",
    role="Staff Platform Engineer",
    language="java",
    level="staff",
    recent_questions=["Design a URL shortener.", "Design a rate limiter for a public API."],
)


def exemplar(request: QuestionRequest = REQUEST) -> BankQuestion:
    return load_bank().pick(request)


def user_text(request: QuestionRequest, exemplars: list[BankQuestion] | None = None) -> str:
    messages = build_question_messages(request, [exemplar(request)] if exemplars is None else exemplars)
    return messages[1]["content"]


def lines(request: QuestionRequest) -> list[str]:
    return user_text(request).splitlines()


def test_the_candidates_role_level_and_language_are_stated() -> None:
    got = lines(REQUEST)
    assert "- Role: Staff Platform Engineer" in got
    assert "- Level: staff" in got
    assert "- Preferred language: java" in got


def test_missing_level_and_language_are_stated_as_such() -> None:
    got = lines(QuestionRequest(type="technical", difficulty="easy", role="backend"))
    assert "- Level: unspecified" in got
    assert "- Preferred language: any" in got


@pytest.mark.parametrize("kind", ["behavioral", "technical", "coding", "system_design"])
def test_the_type_with_its_guide_and_the_difficulty_are_stated(kind: str) -> None:
    request = QuestionRequest(type=kind, difficulty="medium", role="backend")  # type: ignore[arg-type]
    got = lines(request)
    assert any(line.startswith(f"Question type: {kind} (") for line in got)
    assert "Difficulty: medium" in got


def test_the_bank_exemplar_is_given_without_its_answer_or_rubric() -> None:
    example = exemplar()
    text = user_text(REQUEST)
    assert f"Example question 1: {example.title}" in text
    assert example.prompt.strip() in text
    assert f"Skills it tests: {', '.join(example.skills)}" in text
    assert example.model_answer.strip() not in text
    assert all(c.strong not in text for c in example.rubric)


def test_every_exemplar_given_is_numbered() -> None:
    bank = load_bank()
    pair = [bank.questions[0], bank.questions[1]]
    text = user_text(REQUEST, pair)
    assert f"Example question 1: {pair[0].title}" in text
    assert f"Example question 2: {pair[1].title}" in text


def test_recent_questions_are_listed_as_already_asked_and_forbidden() -> None:
    messages = build_question_messages(REQUEST, [exemplar()])
    assert 'Never repeat or rephrase any question listed under "Already asked"' in messages[0]["content"]
    asked = messages[1]["content"].split("Already asked (do not repeat):\n", 1)[1]
    assert asked.startswith("- Design a URL shortener.\n- Design a rate limiter for a public API.")


def test_no_already_asked_section_without_history() -> None:
    text = user_text(
        QuestionRequest(type="technical", difficulty="easy", role="backend", recent_questions=[" "])
    )
    assert "Already asked" not in text


def test_long_recent_questions_are_collapsed_and_cut() -> None:
    long_question = "Design   a\nnews feed " + "with many constraints " * 40
    text = user_text(
        QuestionRequest(type="technical", difficulty="easy", role="b", recent_questions=[long_question])
    )
    listed = next(line for line in text.splitlines() if line.startswith("- Design a news feed"))
    assert len(listed) <= 2 + 300


def test_only_the_last_max_recent_are_listed_so_the_newest_must_come_last() -> None:
    oldest_first = [f"Question number {i:02d}?" for i in range(MAX_RECENT + 5)]
    text = user_text(
        QuestionRequest(type="technical", difficulty="easy", role="b", recent_questions=oldest_first)
    )
    assert f"Question number {MAX_RECENT + 4:02d}?" in text
    assert "Question number 04?" not in text


def test_store_order_is_turned_oldest_first_so_the_newest_questions_are_listed() -> None:
    newest_first = [f"Question number {i:02d}?" for i in reversed(range(MAX_RECENT + 5))]
    request = QuestionRequest(
        type="technical", difficulty="easy", role="b", recent_questions=recent_oldest_first(newest_first)
    )
    text = user_text(request)
    assert "Question number 14?" in text  # the question asked last
    assert "Question number 04?" not in text


def test_recent_oldest_first_drops_blanks_and_repeats_keeping_the_newest_sighting() -> None:
    assert recent_oldest_first(["Q3", "q2", " ", "Q1", "Q2  "]) == ["Q1", "q2", "Q3"]
