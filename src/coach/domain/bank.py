"""The question bank's shape: what every curated question carries."""

from __future__ import annotations

import msgspec

from coach.domain.kinds import Difficulty, QuestionType, Role


class Criterion(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One weighted rubric criterion, with what weak, fair and strong answers look like."""

    id: str
    name: str
    weight: float
    key_points: list[str]
    weak: str
    fair: str
    strong: str


class BankQuestion(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A curated question: prompt, rubric, model answer outline and follow-ups.

    Coding questions also carry examples, constraints, starter code for at least
    python, javascript, java and go, solution notes and the expected complexity.
    """

    id: str
    type: QuestionType
    difficulty: Difficulty
    roles: list[Role]
    skills: list[str]
    title: str
    prompt: str
    rubric: list[Criterion]
    model_answer: str
    follow_ups: list[str]
    examples: list[str] = []
    constraints: list[str] = []
    starter_code: dict[str, str] = {}
    solution_notes: str = ""
    complexity: str = ""


class BankFile(msgspec.Struct, forbid_unknown_fields=True):
    """The top level of one bank TOML file: `[[questions]]` tables."""

    questions: list[BankQuestion]
