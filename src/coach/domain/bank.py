"""The question bank's shape: what every curated question carries."""

from __future__ import annotations

import msgspec

from coach.domain.kinds import Difficulty, QuestionType, Role


class Misconception(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A wrong belief a candidate may assert about the topic, and what is true instead."""

    claim: str
    """The wrong statement, phrased as a candidate would say it ("MVCC means PostgreSQL cannot deadlock")."""
    correction: str
    """What is true, said to the candidate in the feedback when the claim is asserted."""


class Criterion(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One weighted rubric criterion: the claims a strong answer makes, and weak/fair/strong anchors.

    `claims` are short, checkable statements (what, why, when it breaks); `key_points` are
    their short labels, one per claim, in the same order. `skills` are the question's skills
    this criterion carries (per-skill scores come from them).
    """

    id: str
    name: str
    weight: float
    key_points: list[str]
    weak: str
    fair: str
    strong: str
    claims: list[str] = []
    skills: list[str] = []


class FollowUpRubric(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a good answer to one of a question's follow-ups says: it is graded on this, not the parent."""

    question: str
    """The follow-up, exactly as it appears in the question's `follow_ups`."""
    claims: list[str]
    key_points: list[str]
    misconceptions: list[Misconception] = []


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
    misconceptions: list[Misconception] = []
    follow_up_rubrics: list[FollowUpRubric] = []
    examples: list[str] = []
    constraints: list[str] = []
    starter_code: dict[str, str] = {}
    solution_notes: str = ""
    complexity: str = ""
    family: str = ""
    """The topic family (a slug from bank/meta/families.toml); a session never serves two of one family."""
    level_note: str = ""
    """Why the question sits at its difficulty: the time it takes and what makes it hard."""
    retired: bool = False
    """Never served again (a duplicate, say), but kept so old transcripts still resolve its id."""


class BankFile(msgspec.Struct, forbid_unknown_fields=True):
    """The top level of one bank TOML file: `[[questions]]` tables."""

    questions: list[BankQuestion]


class Family(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A topic family: one topic as an interviewer thinks of it, across kinds."""

    id: str
    name: str


class FamilyFile(msgspec.Struct, forbid_unknown_fields=True):
    """bank/meta/families.toml: the family vocabulary."""

    families: list[Family]
