"""The interview WebSocket protocol: every message, both directions, tagged by "type".

docs/protocol.md documents these; a test keeps the two in step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

MAX_ANSWER_CHARS = 60_000
NO_NUL = r"^[^\x00]*$"
"""Every string a client sends: no NUL character (PostgreSQL text cannot hold one)."""
Text = Annotated[str, msgspec.Meta(max_length=MAX_ANSWER_CHARS, pattern=NO_NUL)]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NO_NUL)]
LanguageName = Annotated[str, msgspec.Meta(max_length=20, pattern=NO_NUL)]
IdempotencyKey = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NO_NUL)]
MAX_SEQ = 2**31 - 1
"""The largest draft `seq`: what the 32-bit integer column storing it holds."""


class Message(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, omit_defaults=False):
    """Base of every socket message."""


# ---- client -> server ---------------------------------------------------------------------------


class AnswerDraft(Message, tag="answer.draft"):
    """The editor's current text; the highest `seq` wins."""

    question_id: Id
    seq: Annotated[int, msgspec.Meta(ge=0, le=MAX_SEQ)]
    text: Text
    language: LanguageName | None = None


class AnswerSubmit(Message, tag="answer.submit"):
    """The final answer; sending the same `idempotency_key` again changes nothing."""

    question_id: Id
    text: Text
    idempotency_key: IdempotencyKey
    language: LanguageName | None = None


class QuestionNext(Message, tag="question.next"):
    """Move on to the next question (skipping the current one if it is unanswered)."""


class SessionEnd(Message, tag="session.end"):
    """End the interview now."""


class Ping(Message, tag="ping"):
    """Keepalive; answered with `pong`."""


MAX_CUSTOM_INPUT_CHARS = 8_000


class CodeRun(Message, tag="code.run"):
    """Run this code against the question's visible examples (and an optional custom input)."""

    question_id: Id
    language: LanguageName
    code: Text
    input: Annotated[str, msgspec.Meta(max_length=MAX_CUSTOM_INPUT_CHARS, pattern=NO_NUL)] | None = None
    """Custom arguments as a JSON array, e.g. `[[1,2,3], 4]`; the expected output is the reference's."""


ClientMessage = AnswerDraft | AnswerSubmit | QuestionNext | SessionEnd | Ping | CodeRun


# ---- server -> client ---------------------------------------------------------------------------


class AnswerView(msgspec.Struct, frozen=True):
    text: str | None
    language: str | None
    submitted: bool
    submitted_at: datetime | None
    draft_text: str | None
    draft_language: str | None
    draft_seq: int


RunStatus = Literal["passed", "failed", "compile_error", "unavailable", "busy", "invalid_input"]
CaseOutcome = Literal["passed", "wrong_answer", "error", "timeout", "limit", "not_run"]


class RunCase(msgspec.Struct, frozen=True):
    """One case of a run: a visible example (or the custom input) in full."""

    index: int
    status: CaseOutcome
    input: str | None = None
    expected: str | None = None
    actual: str | None = None
    message: str = ""
    stdout: str = ""
    time_ms: float = 0.0
    custom: bool = False
    limit: str | None = None


class RunView(msgspec.Struct, frozen=True):
    """The result of the Run button: the examples (and custom input) against the candidate's code."""

    run_id: str
    language: str
    status: RunStatus
    passed: int = 0
    total: int = 0
    cases: list[RunCase] = []
    compile_error: str = ""
    stderr: str = ""
    message: str = ""
    retry_after_seconds: int | None = None
    finished_at: datetime | None = None
    memory_kb: int = 0
    """Peak memory of the program while it ran the cases (0 when it did not run or was not measured)."""


class TestsView(msgspec.Struct, frozen=True):
    """What the judge found on submit: every test, hidden ones described, never shown."""

    language: str
    status: Literal["passed", "failed", "compile_error", "unavailable"]
    passed: int
    total: int
    summary: str
    first_failing: RunCase | None = None
    failing_behaviours: list[str] = []
    large_case_timeout: bool = False
    large_case_ms: float | None = None
    limits: list[str] = []
    compile_error: str = ""


class FeedbackView(msgspec.Struct, frozen=True):
    status: Literal["pending", "running", "done", "failed"]
    score: float | None = None
    feedback: str | None = None
    strengths: list[str] = []
    improvements: list[str] = []
    skill_scores: dict[str, float] = {}
    flags: list[str] = []
    error: str | None = None
    tests: TestsView | None = None


class QuestionView(msgspec.Struct, frozen=True):
    question_id: str
    index: int
    kind: str
    title: str
    text: str
    skills: list[str]
    language: str | None
    starter_code: str | None
    status: Literal["streaming", "ready"]
    answer: AnswerView | None
    evaluation: FeedbackView | None
    last_run: RunView | None = None
    """The last Run-button result for this question (kept across reconnects)."""
    starter_codes: dict[str, str] = {}
    """Starter code per language, so switching language in the editor shows the right one."""


class SessionView(msgspec.Struct, frozen=True):
    id: str
    type: str
    difficulty: str
    role: str
    language: str | None
    duration_minutes: int
    status: Literal["active", "completed"]
    created_at: datetime
    ends_at: datetime
    ended_at: datetime | None
    total_questions: int
    kinds: list[str]
    position: int
    score: float | None
    skill_scores: dict[str, float]


class SessionScores(msgspec.Struct, frozen=True):
    """A session's scores so far: overall, per skill, and how many answers they rest on."""

    score: float | None
    skill_scores: dict[str, float]
    answered: int
    evaluated: int
    total: int


class SessionState(Message, tag="session.state"):
    """Everything so far; sent on every connect and whenever the client must resync."""

    session: SessionView
    questions: list[QuestionView]
    current_question_id: str | None
    evaluation_pending: bool
    summary: SessionScores | None
    server_time: datetime


class QuestionStart(Message, tag="question.start"):
    question_id: str
    index: int
    total: int
    kind: str
    title: str
    skills: list[str]
    language: str | None
    starter_code: str | None
    starter_codes: dict[str, str] = {}


class QuestionDelta(Message, tag="question.delta"):
    question_id: str
    text: str


class QuestionEnd(Message, tag="question.end"):
    """The whole question text: the joined deltas equal it."""

    question_id: str
    text: str


class QuestionCancel(Message, tag="question.cancel"):
    """A question that was streaming is withdrawn (the interviewer failed); another follows."""

    question_id: str
    reason: str


class AnswerAck(Message, tag="answer.ack"):
    question_id: str
    seq: int | None = None
    submitted: bool = False
    answer_id: str | None = None


class Feedback(Message, tag="feedback"):
    question_id: str
    status: Literal["done", "failed"]
    score: float | None
    feedback: str | None
    strengths: list[str]
    improvements: list[str]
    skill_scores: dict[str, float]
    flags: list[str] = []
    error: str | None = None
    tests: TestsView | None = None


class SessionEnded(Message, tag="session.ended"):
    reason: Literal["completed", "time_up", "ended_by_candidate"]


class SessionSummary(Message, tag="session.summary"):
    score: float | None
    skill_scores: dict[str, float]
    answered: int
    evaluated: int
    total: int


class Error(Message, tag="error"):
    code: str
    message: str
    question_id: str | None = None


class Pong(Message, tag="pong"):
    server_time: datetime


class RunStarted(Message, tag="run.started"):
    """A run was accepted and is queued or running; its `run.result` follows."""

    question_id: str
    run_id: str
    language: str


class RunResult(Message, tag="run.result"):
    """The run's outcome, per case."""

    question_id: str
    result: RunView


ServerMessage = (
    SessionState
    | QuestionStart
    | QuestionDelta
    | QuestionEnd
    | QuestionCancel
    | AnswerAck
    | Feedback
    | SessionEnded
    | SessionSummary
    | Error
    | Pong
    | RunStarted
    | RunResult
)

_encoder = msgspec.json.Encoder()
_client_decoder = msgspec.json.Decoder(ClientMessage)
_server_decoder = msgspec.json.Decoder(ServerMessage)


def encode(message: Message) -> bytes:
    """Serialise a message to JSON bytes."""
    return _encoder.encode(message)


def decode_client(data: bytes | str) -> ClientMessage:
    """Parse a client message; raises msgspec.DecodeError/ValidationError with a readable reason."""
    return _client_decoder.decode(data)


def decode_server(data: bytes | str) -> ServerMessage:
    """Parse a server message (for clients and tests)."""
    return _server_decoder.decode(data)
