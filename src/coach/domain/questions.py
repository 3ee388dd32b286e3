"""What the conversation knows about a question and asks of the interviewer."""

from __future__ import annotations

from typing import Literal

import msgspec

from coach.domain.bank import Criterion, FollowUpRubric, Misconception
from coach.domain.kinds import Difficulty, Language, Level, QuestionType

QuestionSource = Literal["bank", "llm", "cache", "fallback"]


class QuestionMeta(msgspec.Struct, frozen=True):
    """A question's metadata, stored with it (JSON column) and sent in `question.start`."""

    kind: QuestionType
    title: str
    skills: list[str]
    rubric: list[Criterion]
    model_answer: str = ""
    follow_ups: list[str] = []
    bank_id: str | None = None
    language: str | None = None
    starter_code: str | None = None
    starter_codes: dict[str, str] = {}
    """Starter code in every language the bank has it in (the editor switches between them)."""
    source: QuestionSource = "bank"
    follow_up_of: int | None = None
    """Position of the question this one follows up on, if it is a follow-up."""
    misconceptions: list[Misconception] = []
    follow_up_rubrics: list[FollowUpRubric] = []


class FollowUp(msgspec.Struct, frozen=True):
    """Ask about the gap in an earlier answer instead of a new topic."""

    position: int
    question: str
    answer: str
    gaps: list[str]
    prompts: list[str]
    meta: QuestionMeta


class QuestionRequest(msgspec.Struct, frozen=True):
    """Everything the interviewer needs to choose or write the next question."""

    type: QuestionType
    difficulty: Difficulty
    role: str
    language: Language | None = None
    level: Level | None = None
    seen_bank_ids: list[str] = []
    recent_questions: list[str] = []
    follow_up: FollowUp | None = None
    seed: int = 0
    """Deterministic choice for the offline interviewer (e.g. derived from session id and position)."""
    preferred_bank_ids: list[str] = []
    """Bank questions to prefer among equally fitting ones (coding questions whose code can be run)."""
    session_bank_ids: list[str] = []
    """Bank questions already asked in this session: the next one is of another topic family."""


class AnswerRequest(msgspec.Struct, frozen=True):
    """An answer to evaluate, with the question it answers."""

    question: str
    meta: QuestionMeta
    answer: str
    language: str | None = None
    difficulty: Difficulty = "medium"
    test_results: str = ""
    """For a coding answer whose code was run: what the tests found (they decide correctness)."""
