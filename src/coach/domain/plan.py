"""The interview asked for, and its plan: how many questions of which kind fit the session's time box."""

from __future__ import annotations

from typing import cast

import msgspec

from coach.domain.errors import InvalidInput
from coach.domain.kinds import (
    DIFFICULTIES,
    LANGUAGES,
    SESSION_TYPES,
    Difficulty,
    Language,
    QuestionType,
    SessionType,
)

MIN_MINUTES = 10
MAX_MINUTES = 90
MAX_QUESTIONS = 12

# Minutes a candidate needs per question, by kind and difficulty (answer plus feedback reading).
MINUTES_PER_QUESTION: dict[QuestionType, dict[Difficulty, int]] = {
    "behavioral": {"easy": 5, "medium": 6, "hard": 8},
    "technical": {"easy": 4, "medium": 5, "hard": 7},
    "coding": {"easy": 10, "medium": 15, "hard": 22},
    "system_design": {"easy": 15, "medium": 20, "hard": 30},
}
MIXED_ROTATION: tuple[QuestionType, ...] = ("behavioral", "technical", "coding", "system_design")


class SessionSpec(msgspec.Struct, frozen=True):
    """What a candidate asks for when starting an interview."""

    type: str
    difficulty: str
    duration_minutes: int
    role: str
    language: str | None = None

    def checked(self) -> SessionSpec:
        """The same spec with the role's whitespace tidied; InvalidInput naming the first bad field."""
        if self.type not in SESSION_TYPES:
            raise InvalidInput(f"type must be one of {', '.join(SESSION_TYPES)}.", field="type")
        if self.difficulty not in DIFFICULTIES:
            raise InvalidInput(f"difficulty must be one of {', '.join(DIFFICULTIES)}.", field="difficulty")
        if not MIN_MINUTES <= self.duration_minutes <= MAX_MINUTES:
            raise InvalidInput(
                f"duration_minutes must be between {MIN_MINUTES} and {MAX_MINUTES}.", field="duration_minutes"
            )
        role = " ".join(self.role.split())
        if not role or len(role) > 100:
            raise InvalidInput("role must be 1 to 100 characters, e.g. 'backend engineer'.", field="role")
        if self.language is not None and self.language not in LANGUAGES:
            raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}.", field="language")
        return msgspec.structs.replace(self, role=role)

    def plan(self) -> Plan:
        """The plan for a checked spec."""
        return make_plan(
            cast(SessionType, self.type), cast(Difficulty, self.difficulty), self.duration_minutes
        )

    @property
    def language_or_default(self) -> Language:
        return cast(Language, self.language or "python")


class Plan(msgspec.Struct, frozen=True):
    """The question kinds in order; its length is the number of questions."""

    kinds: list[QuestionType]
    minutes_per_question: list[int]

    @property
    def total(self) -> int:
        return len(self.kinds)


class StoredPlan(msgspec.Struct, frozen=True):
    """A session's plan as its JSON column holds it (`{"total", "kinds", "minutes"}`)."""

    total: int = 0
    kinds: list[str] = msgspec.field(default_factory=list)
    minutes: list[int] = msgspec.field(default_factory=list)

    @classmethod
    def of(cls, plan: Plan) -> StoredPlan:
        return cls(total=plan.total, kinds=list(plan.kinds), minutes=list(plan.minutes_per_question))

    def kind_at(self, position: int) -> str | None:
        """The kind planned at `position` (None past the end)."""
        return self.kinds[position] if 0 <= position < len(self.kinds) else None


def make_plan(session_type: SessionType, difficulty: Difficulty, duration_minutes: int) -> Plan:
    """Fill the time box with questions; always at least one, never more than MAX_QUESTIONS."""
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise ValueError(f"duration must be {MIN_MINUTES}-{MAX_MINUTES} minutes")
    rotation = MIXED_ROTATION if session_type == "mixed" else (session_type,)
    kinds: list[QuestionType] = []
    minutes: list[int] = []
    budget, index = duration_minutes, 0
    while len(kinds) < MAX_QUESTIONS:
        # The next kind in the rotation that still fits the remaining time.
        ordered = [rotation[(index + i) % len(rotation)] for i in range(len(rotation))]
        fitting = [k for k in ordered if MINUTES_PER_QUESTION[k][difficulty] <= budget]
        if not fitting:
            break
        kind = fitting[0]
        cost = MINUTES_PER_QUESTION[kind][difficulty]
        kinds.append(kind)
        minutes.append(cost)
        budget -= cost
        index = rotation.index(kind) + 1
    if not kinds:
        # A short box for a long kind: one question that gets the whole time.
        kinds, minutes = [rotation[0]], [duration_minutes]
    return Plan(kinds=kinds, minutes_per_question=minutes)
