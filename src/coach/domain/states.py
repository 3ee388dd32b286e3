"""The states a session, a question and an evaluation move through, and the roles an account has."""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    """An interview is active until it is completed (all answered, ended, or time up)."""

    ACTIVE = "active"
    COMPLETED = "completed"


class QuestionStatus(StrEnum):
    """A question is streaming while its writer holds the claim, then ready (stored whole)."""

    STREAMING = "streaming"
    READY = "ready"


class EvaluationStatus(StrEnum):
    """An evaluation waits (pending), is worked on under a lease (running), then is done or failed."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AccountRole(StrEnum):
    """Who an account is: a candidate, or an admin who also sees the admin pages."""

    CANDIDATE = "candidate"
    ADMIN = "admin"
