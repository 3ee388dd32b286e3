"""Which evaluations the admin dashboard counts (and prices) as LLM calls."""

from __future__ import annotations

from coach.domain.admin import cost, is_llm
from coach.domain.evaluator import MODEL_NAME


def test_the_offline_grader_old_and_new_is_not_an_llm_and_costs_nothing() -> None:
    for model in (MODEL_NAME, "offline-rubric", "offline"):
        assert not is_llm(model)
        assert cost(model, 1000, 1000) == 0
    assert is_llm("gpt-4o-mini")
