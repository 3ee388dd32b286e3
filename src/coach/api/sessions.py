"""Interview sessions over REST: create, list, read the transcript, answer, move on, end."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from coach import protocol as m
from coach.api.deps import InterviewsDep
from coach.api.envelope import Envelope, Page, Pagination
from coach.api.errors import error_responses
from coach.domain.kinds import Difficulty, Language, SessionType
from coach.domain.model_answer import ModelAnswerCard
from coach.domain.plan import SessionSpec
from coach.domain.session_filter import SessionFilter
from coach.store.models import User


class SessionCreate(msgspec.Struct, forbid_unknown_fields=True):
    type: SessionType
    difficulty: Difficulty
    duration_minutes: Annotated[int, msgspec.Meta(ge=10, le=90)]
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=m.NO_NUL)] = "software engineer"
    language: Language | None = None


class SessionCreated(msgspec.Struct, frozen=True):
    session: m.SessionView
    websocket: str


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    question_id: m.Id
    text: m.Text
    idempotency_key: m.IdempotencyKey
    language: m.LanguageName | None = None


class AnswerAccepted(msgspec.Struct, frozen=True):
    answer_id: str
    question_id: str
    submitted: bool
    duplicate: bool
    evaluation: m.FeedbackView


class SessionController(Controller):
    path = "/api/sessions"
    tags = ["sessions"]

    @post("/", status_code=201, responses=error_responses(400, 401, 413, 422))
    async def create(
        self, request: Request[User, Any, Any], data: JSONBody[SessionCreate], interviews: InterviewsDep
    ) -> Envelope[SessionCreated]:
        """Start an interview; its plan (how many questions of which kind) comes back with it."""
        spec = SessionSpec(
            data.type,
            data.difficulty,
            data.duration_minutes,
            data.role,
            data.language or request.user.preferred_language,
        )
        view = await interviews.start(request.user.id, spec)
        return Envelope(SessionCreated(view, f"/ws/sessions/{view.id}"), message="Interview created.")

    @get("/", responses=error_responses(400, 401))
    async def list_sessions(
        self,
        request: Request[User, Any, Any],
        interviews: InterviewsDep,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        type: FromQuery[SessionType | None] = None,
        difficulty: FromQuery[Difficulty | None] = None,
        status: Annotated[str | None, QueryParameter(pattern="^(active|completed)$")] = None,
        created_from: Annotated[date | None, QueryParameter(name="from")] = None,
        created_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Page[m.SessionView]:
        """Your sessions, newest first, with filters (type, difficulty, status, from/to dates)."""
        where = SessionFilter(
            type=type,
            difficulty=difficulty,
            status=status,
            created_from=datetime.combine(created_from, time.min, UTC) if created_from else None,
            created_to=datetime.combine(created_to, time.max, UTC) if created_to else None,
        )
        views, total = await interviews.list_sessions(
            request.user.id, page=page, per_page=per_page, where=where
        )
        return Page(views, Pagination(page=page, per_page=per_page, total=total))

    @get("/{session_id:uuid}", responses=error_responses(401, 404))
    async def transcript(
        self, request: Request[User, Any, Any], session_id: FromPath[uuid.UUID], interviews: InterviewsDep
    ) -> Envelope[m.SessionState]:
        """The whole transcript: plan, questions, answers, drafts, feedback and status."""
        return Envelope(await interviews.transcript(request.user.id, session_id))

    @post(
        "/{session_id:uuid}/answers", status_code=201, responses=error_responses(400, 401, 404, 409, 413, 422)
    )
    async def answer(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        data: JSONBody[AnswerIn],
        interviews: InterviewsDep,
    ) -> Envelope[AnswerAccepted]:
        """Submit the current question's answer (idempotent by key, same as the socket's `answer.submit`)."""
        accepted = await interviews.submit(
            request.user.id,
            session_id,
            question_id=data.question_id,
            text=data.text,
            language=data.language,
            idempotency_key=data.idempotency_key,
        )
        body = AnswerAccepted(
            answer_id=accepted.answer_id,
            question_id=data.question_id,
            submitted=True,
            duplicate=accepted.duplicate,
            evaluation=accepted.evaluation,
        )
        return Envelope(
            body,
            message="Answer received; feedback follows." if not accepted.duplicate else "Already received.",
        )

    @post("/{session_id:uuid}/next", status_code=200, responses=error_responses(401, 404, 409))
    async def next_question(
        self, request: Request[User, Any, Any], session_id: FromPath[uuid.UUID], interviews: InterviewsDep
    ) -> Envelope[m.SessionView]:
        """Move on to the next question (the socket's `question.next`); ends the session after the last one."""
        return Envelope(await interviews.next(request.user.id, session_id))

    @post("/{session_id:uuid}/end", status_code=200, responses=error_responses(401, 404))
    async def end(
        self, request: Request[User, Any, Any], session_id: FromPath[uuid.UUID], interviews: InterviewsDep
    ) -> Envelope[m.SessionView]:
        """End the interview now; the summary follows once every answer is evaluated."""
        return Envelope(await interviews.end(request.user.id, session_id), message="Interview ended.")

    @get(
        "/{session_id:uuid}/questions/{question_id:str}/model-answer",
        responses=error_responses(401, 404, 409),
    )
    async def model_answer(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        question_id: FromPath[str],
        interviews: InterviewsDep,
    ) -> Envelope[ModelAnswerCard]:
        """What a good answer covers: the outline and each criterion's strong answer (after you have answered)."""
        return Envelope(await interviews.model_answer(request.user.id, session_id, question_id))

    @post(
        "/{session_id:uuid}/questions/{question_id:str}/retry-evaluation",
        status_code=200,
        responses=error_responses(401, 404, 409),
    )
    async def retry(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        question_id: FromPath[str],
        interviews: InterviewsDep,
    ) -> Envelope[m.FeedbackView]:
        """Queue a failed evaluation again."""
        evaluation = await interviews.retry(request.user.id, session_id, question_id)
        return Envelope(evaluation, message="Evaluation queued again.")
