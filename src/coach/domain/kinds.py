"""The vocabulary of an interview: types, difficulties, role tracks, languages."""

from __future__ import annotations

from typing import Literal, get_args

QuestionType = Literal["behavioral", "technical", "coding", "system_design"]
"""The kind of a single question."""

SessionType = Literal["behavioral", "technical", "coding", "system_design", "mixed"]
"""The kind of a whole session; `mixed` draws questions of every kind."""

Difficulty = Literal["easy", "medium", "hard"]

Role = Literal["backend", "frontend", "data_ml", "devops_sre"]
"""Role tracks the bank covers. A question may serve several tracks."""

Language = Literal["python", "javascript", "java", "go"]
"""Languages with starter code in the bank."""

Level = Literal["junior", "mid", "senior", "staff"]

QUESTION_TYPES: tuple[QuestionType, ...] = get_args(QuestionType)
SESSION_TYPES: tuple[SessionType, ...] = get_args(SessionType)
DIFFICULTIES: tuple[Difficulty, ...] = get_args(Difficulty)
ROLES: tuple[Role, ...] = get_args(Role)
LANGUAGES: tuple[Language, ...] = get_args(Language)
LEVELS: tuple[Level, ...] = get_args(Level)


def role_track(role: str) -> Role:
    """Map a free-text role ("Senior Backend Engineer") to the closest bank track."""
    text = role.lower()
    if any(w in text for w in ("front", "ui", "web", "react", "mobile")):
        return "frontend"
    if any(w in text for w in ("data", "ml", "machine", "analyt", "scien", "ai ")):
        return "data_ml"
    if any(w in text for w in ("devops", "sre", "reliab", "platform", "infra", "ops", "cloud")):
        return "devops_sre"
    return "backend"
