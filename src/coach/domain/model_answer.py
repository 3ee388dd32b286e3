""" "Show me a good answer": the outline of a strong answer and what the rubric calls strong (pure)."""

from __future__ import annotations

import msgspec

from coach.domain.kinds import QuestionType
from coach.domain.questions import QuestionMeta

__all__ = ["ModelAnswerCard", "StrongCriterion", "model_answer_card", "model_answer_earned"]


class StrongCriterion(msgspec.Struct, frozen=True):
    """One rubric criterion as a strong answer meets it."""

    id: str
    name: str
    weight: float
    strong: str
    key_points: list[str]


class ModelAnswerCard(msgspec.Struct, frozen=True):
    """What a good answer to a question looks like, for the candidate to read after answering.

    `approximate` is true when the question was written by the LLM (or reused from its cache):
    the outline and rubric then belong to the bank question it was modelled on.
    """

    title: str
    kind: QuestionType
    outline: str
    criteria: list[StrongCriterion]
    language: str | None = None
    approximate: bool = False


def model_answer_card(meta: QuestionMeta) -> ModelAnswerCard:
    """The card for a question: its model answer outline and each criterion's `strong` description."""
    return ModelAnswerCard(
        title=meta.title,
        kind=meta.kind,
        outline=meta.model_answer.strip(),
        criteria=[
            StrongCriterion(
                id=c.id, name=c.name, weight=c.weight, strong=c.strong.strip(), key_points=list(c.key_points)
            )
            for c in meta.rubric
        ],
        language=meta.language,
        approximate=meta.source in ("llm", "cache"),
    )


def model_answer_earned(*, submitted: bool, current: bool, ready: bool, timed_out: bool) -> bool:
    """Whether the candidate may read a question's model answer (and its key points).

    Only for a question they answered (submitted), or, when the time box ran out, the
    question they were on and had seen to the end. Ending or skipping never reveals one:
    otherwise starting and ending sessions would harvest the bank's answers.
    """
    if submitted:
        return True
    return timed_out and current and ready
