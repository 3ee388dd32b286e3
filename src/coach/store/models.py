"""The tables. Alembic owns the schema; these models must match it (a test checks)."""

import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from coach.clock import utcnow
from coach.domain.plan import StoredPlan
from coach.domain.states import AccountRole, EvaluationStatus, QuestionStatus, SessionStatus
from coach.store.types import JSONVariant, StateText, UTCDateTime

# Stable constraint names, so migrations can drop and alter them on both dialects.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


def _json(default: Any = None) -> Any:
    factory = (lambda: dict(default)) if isinstance(default, dict) else (lambda: list(default or []))
    return Field(default_factory=factory, sa_column=Column(JSONVariant, nullable=False))


def _fk(target: str, index: bool = True) -> Any:
    return Field(sa_column=Column(ForeignKey(target, ondelete="CASCADE"), nullable=False, index=index))


class User(SQLModel, table=True):
    """A candidate or an admin."""

    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    role: AccountRole = Field(
        default=AccountRole.CANDIDATE, sa_column=Column(StateText(AccountRole), nullable=False)
    )
    target_role: str | None = Field(default=None, sa_column=Column(String(100)))
    experience_level: str | None = Field(default=None, sa_column=Column(String(20)))
    preferred_types: list[str] = _json()
    preferred_language: str | None = Field(default=None, sa_column=Column(String(20)))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class InterviewSession(SQLModel, table=True):
    """One interview: its configuration, plan, progress and aggregate score."""

    __tablename__ = "interview_sessions"
    __table_args__ = (
        Index("ix_interview_sessions_user_created", "user_id", "created_at"),
        Index("ix_interview_sessions_created", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = _fk("users.id", index=False)
    type: str = Field(sa_column=Column(String(20), nullable=False))
    difficulty: str = Field(sa_column=Column(String(10), nullable=False))
    role: str = Field(sa_column=Column(String(100), nullable=False))
    language: str | None = Field(default=None, sa_column=Column(String(20)))
    duration_minutes: int = Field(sa_column=Column(Integer, nullable=False))
    status: SessionStatus = Field(
        default=SessionStatus.ACTIVE, sa_column=Column(StateText(SessionStatus), nullable=False, index=True)
    )
    plan: dict[str, Any] = _json({})
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    score: float | None = Field(default=None)
    skill_scores: dict[str, Any] = _json({})
    created_at: datetime = _ts()
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = _ts(nullable=True)

    @property
    def planned(self) -> StoredPlan:
        """The plan column, decoded (the one place that reads it)."""
        return msgspec.convert(self.plan or {}, StoredPlan)

    @property
    def total_questions(self) -> int:
        """How many questions the plan holds."""
        return self.planned.total


class InterviewQuestion(SQLModel, table=True):
    """A question as asked in a session, with its metadata (rubric, skills, starter code) as JSON."""

    __tablename__ = "interview_questions"
    __table_args__ = (UniqueConstraint("session_id", "position", name="uq_interview_questions_position"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    session_id: uuid.UUID = _fk("interview_sessions.id", index=False)
    position: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    data: dict[str, Any] = _json({})
    status: QuestionStatus = Field(
        default=QuestionStatus.READY,
        sa_column=Column(StateText(QuestionStatus), nullable=False, server_default="ready"),
    )
    claimed_until: datetime | None = _ts(nullable=True)
    """While streaming: the writer's lease; another instance may take over once it has passed."""
    created_at: datetime = _ts()


class InterviewAnswer(SQLModel, table=True):
    """The candidate's answer to one question: the latest draft, then the submitted text."""

    __tablename__ = "interview_answers"
    __table_args__ = (
        UniqueConstraint("question_id", name="uq_interview_answers_question"),
        Index("ix_interview_answers_session", "session_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    session_id: uuid.UUID = _fk("interview_sessions.id", index=False)
    question_id: uuid.UUID = _fk("interview_questions.id", index=False)
    text: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, sa_column=Column(String(20)))
    draft_text: str | None = Field(default=None, sa_column=Column(Text))
    draft_language: str | None = Field(default=None, sa_column=Column(String(20)))
    draft_seq: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    draft_updated_at: datetime | None = _ts(nullable=True)
    idempotency_key: str | None = Field(default=None, sa_column=Column(String(100)))
    submitted_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()


class AnswerEvaluation(SQLModel, table=True):
    """The evaluation of one submitted answer: a durable job with a lease, then its result."""

    __tablename__ = "answer_evaluations"
    __table_args__ = (
        UniqueConstraint("answer_id", "rubric_version", name="uq_answer_evaluations_answer_rubric"),
        Index("ix_answer_evaluations_session", "session_id"),
        Index("ix_answer_evaluations_claim", "status", "lease_until"),
        Index("ix_answer_evaluations_status_completed", "status", "completed_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    answer_id: uuid.UUID = _fk("interview_answers.id", index=False)
    session_id: uuid.UUID = _fk("interview_sessions.id", index=False)
    rubric_version: str = Field(default="v1", sa_column=Column(String(40), nullable=False))
    status: EvaluationStatus = Field(
        default=EvaluationStatus.PENDING, sa_column=Column(StateText(EvaluationStatus), nullable=False)
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    lease_until: datetime | None = _ts(nullable=True)
    lease_owner: str | None = Field(default=None, sa_column=Column(String(100)))
    score: float | None = Field(default=None)
    feedback: str | None = Field(default=None, sa_column=Column(Text))
    strengths: list[str] = _json()
    improvements: list[str] = _json()
    skill_scores: dict[str, Any] = _json({})
    criteria: list[Any] = _json()
    flags: list[str] = _json()
    model: str | None = Field(default=None, sa_column=Column(String(100)))
    prompt_tokens: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    completion_tokens: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text))
    tests: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONVariant, nullable=True))
    """A coding answer's test results (`protocol.TestsView`), when its code was judged."""
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    completed_at: datetime | None = _ts(nullable=True)


class UserHourlyStats(SQLModel, table=True):
    """Evaluated answers of one user in one UTC hour and session type: the progress chart and streak."""

    __tablename__ = "user_hourly_stats"

    user_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    hour: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False, autoincrement=False))
    """Whole hours since 1970-01-01 00:00 UTC of the evaluations' completion."""
    session_type: str = Field(sa_column=Column(String(20), primary_key=True, nullable=False))
    answers: int = Field(sa_column=Column(Integer, nullable=False))
    score_sum: float = Field(sa_column=Column(Float, nullable=False))


class UserSkillDaily(SQLModel, table=True):
    """One user's scores of one skill on one UTC day: skill averages and their trend."""

    __tablename__ = "user_skill_daily"

    user_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    skill: str = Field(sa_column=Column(Text, primary_key=True, nullable=False))
    day: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False, autoincrement=False))
    """Whole days since 1970-01-01 UTC of the evaluations' completion."""
    samples: int = Field(sa_column=Column(Integer, nullable=False))
    score_sum: float = Field(sa_column=Column(Float, nullable=False))


metadata = SQLModel.metadata
