""" "Show me a good answer": the card built from a question's metadata."""

from __future__ import annotations

import msgspec

from coach.domain.bank_index import to_meta
from coach.domain.model_answer import ModelAnswerCard, model_answer_card, model_answer_earned
from coach.llm.bank_loader import load_bank


def test_the_card_has_the_outline_and_every_criterion_strong_description() -> None:
    question = next(q for q in load_bank().questions if q.type == "system_design")
    card = model_answer_card(to_meta(question, None))
    assert card.outline == question.model_answer.strip()
    assert card.title == question.title
    assert [(c.id, c.name, c.strong) for c in card.criteria] == [
        (c.id, c.name, c.strong.strip()) for c in question.rubric
    ]
    assert card.criteria[0].key_points == question.rubric[0].key_points
    assert not card.approximate


def test_a_coding_card_carries_the_language() -> None:
    question = next(q for q in load_bank().questions if q.type == "coding")
    assert model_answer_card(to_meta(question, "java")).language == "java"


def test_cards_of_llm_written_questions_are_marked_approximate() -> None:
    meta = to_meta(load_bank().questions[0], None)
    for source in ("llm", "cache"):
        assert model_answer_card(msgspec.structs.replace(meta, source=source)).approximate


def test_the_card_encodes_to_json_for_rest_and_websocket() -> None:
    card = model_answer_card(to_meta(load_bank().questions[0], None))
    assert msgspec.json.decode(msgspec.json.encode(card), type=ModelAnswerCard) == card


def test_a_model_answer_is_earned_by_answering_or_by_time_running_out_on_a_question_seen_whole() -> None:
    assert model_answer_earned(submitted=True, current=False, ready=True, timed_out=False)
    assert model_answer_earned(submitted=False, current=True, ready=True, timed_out=True)
    assert not model_answer_earned(submitted=False, current=True, ready=True, timed_out=False)
    assert not model_answer_earned(submitted=False, current=False, ready=True, timed_out=True)
    assert not model_answer_earned(submitted=False, current=True, ready=False, timed_out=True)
