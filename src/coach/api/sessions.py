"""Interview sessions over REST: create, list, read the transcript, answer, move on, end."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from coach import protocol as m
from coach.api.deps import DbSession, RuntimeDep
from coach.api.envelope import Envelope, Page, Pagination
from coach.api.errors import error_responses
from coach.domain.kinds import Difficulty, Language, SessionType
from coach.domain.model_answer import ModelAnswerCard
from coach.runtime import Runtime
from coach.services import answers, interviews
from coach.services.ending import end_and_announce, expire_if_over
from coach.services.events import EventBus
from coach.services.snapshot import feedback_view, session_view
from coach.store import interviews as store
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


REST_ASK_DELAY = 1.5
"""Seconds a polled transcript waits before writing the missing question itself.

A browser reads the transcript just before it opens its socket; the socket should be the
one writing (and so streaming) the question, so REST-only clients get theirs a moment later.
"""


def _bus(runtime: Runtime) -> EventBus:
    assert runtime.bus is not None, "the app attaches a bus before serving"
    return runtime.bus


def _ask_in_background(runtime: Runtime, session_id: uuid.UUID) -> None:
    # Clients without a socket poll the transcript; the next question is written for them meanwhile.
    asker = runtime.asker
    if asker is None:
        return

    async def ask_later() -> None:
        await asyncio.sleep(REST_ASK_DELAY)
        await asker.ensure_current(session_id, None)

    runtime.spawn(ask_later(), "ask-question-rest")


class SessionController(Controller):
    path = "/api/sessions"
    tags = ["sessions"]

    @post("/", status_code=201, responses=error_responses(400, 401, 413, 422))
    async def create(
        self,
        request: Request[User, Any, Any],
        data: JSONBody[SessionCreate],
        db: DbSession,
        runtime: RuntimeDep,
    ) -> Envelope[SessionCreated]:
        """Start an interview; its plan (how many questions of which kind) comes back with it."""
        session = await interviews.start_session(
            db,
            request.user.id,
            type=data.type,
            difficulty=data.difficulty,
            duration_minutes=data.duration_minutes,
            role=data.role,
            language=data.language or request.user.preferred_language,
            now=runtime.now(),
        )
        view = session_view(session)
        return Envelope(SessionCreated(view, f"/ws/sessions/{session.id}"), message="Interview created.")

    @get("/", responses=error_responses(400, 401))
    async def list_sessions(
        self,
        request: Request[User, Any, Any],
        db: DbSession,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
        type: FromQuery[SessionType | None] = None,
        difficulty: FromQuery[Difficulty | None] = None,
        status: Annotated[str | None, QueryParameter(pattern="^(active|completed)$")] = None,
        created_from: Annotated[date | None, QueryParameter(name="from")] = None,
        created_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Page[m.SessionView]:
        """Your sessions, newest first, with filters (type, difficulty, status, from/to dates)."""
        where = store.SessionFilter(
            type=type,
            difficulty=difficulty,
            status=status,
            created_from=datetime.combine(created_from, time.min, UTC) if created_from else None,
            created_to=datetime.combine(created_to, time.max, UTC) if created_to else None,
        )
        rows, total = await store.list_sessions(
            db, request.user.id, page=page, per_page=per_page, where=where
        )
        return Page([session_view(s) for s in rows], Pagination(page=page, per_page=per_page, total=total))

    @get("/{session_id:uuid}", responses=error_responses(401, 404))
    async def transcript(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        db: DbSession,
        runtime: RuntimeDep,
    ) -> Envelope[m.SessionState]:
        """The whole transcript: plan, questions, answers, drafts, feedback and status."""
        now = runtime.now()
        session = await interviews.owned_session(db, request.user.id, session_id)
        if await expire_if_over(runtime.sessions, _bus(runtime), session, now, runtime.wakeup):
            await db.refresh(session)
        state = await interviews.load_state(db, session, now)
        if session.status == "active" and state.current_question_id is None:
            _ask_in_background(runtime, session_id)
        return Envelope(state)

    @post(
        "/{session_id:uuid}/answers", status_code=201, responses=error_responses(400, 401, 404, 409, 413, 422)
    )
    async def answer(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        data: JSONBody[AnswerIn],
        db: DbSession,
        runtime: RuntimeDep,
    ) -> Envelope[AnswerAccepted]:
        """Submit the current question's answer (idempotent by key, same as the socket's `answer.submit`)."""
        session = await interviews.owned_session(db, request.user.id, session_id)
        result = await answers.submit_answer(
            db,
            session,
            question_id=data.question_id,
            text=data.text,
            language=data.language,
            idempotency_key=data.idempotency_key,
            now=runtime.now(),
        )
        # Publish after commit: workers and other instances must see the row before they hear of it.
        await db.commit()
        if not result.duplicate:
            await runtime.wakeup.notify()
        body = AnswerAccepted(
            answer_id=str(result.answer.id),
            question_id=data.question_id,
            submitted=True,
            duplicate=result.duplicate,
            evaluation=feedback_view(result.evaluation),
        )
        return Envelope(
            body,
            message="Answer received; feedback follows." if not result.duplicate else "Already received.",
        )

    @post("/{session_id:uuid}/next", status_code=200, responses=error_responses(401, 404, 409))
    async def next_question(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        db: DbSession,
        runtime: RuntimeDep,
    ) -> Envelope[m.SessionView]:
        """Move on to the next question (the socket's `question.next`); ends the session after the last one."""
        session = await interviews.owned_session(db, request.user.id, session_id, for_update=True)
        moved = await answers.advance(db, session, runtime.now())
        # Publish after commit: workers and other instances must see the row before they hear of it.
        await db.commit()
        if moved:
            _ask_in_background(runtime, session_id)
        else:
            await end_and_announce(runtime.sessions, _bus(runtime), session_id, "completed", runtime.now())
        await db.refresh(session)
        return Envelope(session_view(session))

    @post("/{session_id:uuid}/end", status_code=200, responses=error_responses(401, 404))
    async def end(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        db: DbSession,
        runtime: RuntimeDep,
    ) -> Envelope[m.SessionView]:
        """End the interview now; the summary follows once every answer is evaluated."""
        session = await interviews.owned_session(db, request.user.id, session_id)
        await end_and_announce(
            runtime.sessions, _bus(runtime), session_id, "ended_by_candidate", runtime.now()
        )
        await db.refresh(session)
        return Envelope(session_view(session), message="Interview ended.")

    @get(
        "/{session_id:uuid}/questions/{question_id:str}/model-answer",
        responses=error_responses(401, 404, 409),
    )
    async def model_answer(
        self,
        request: Request[User, Any, Any],
        session_id: FromPath[uuid.UUID],
        question_id: FromPath[str],
        db: DbSession,
    ) -> Envelope[ModelAnswerCard]:
        """What a good answer covers: the outline and each criterion's strong answer (after you have answered)."""
        session = await interviews.owned_session(db, request.user.id, session_id)
        card = await answers.model_answer(db, session, question_id)
        return Envelope(card)

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
        db: DbSession,
        runtime: RuntimeDep,
    ) -> Envelope[m.FeedbackView]:
        """Queue a failed evaluation again."""
        session = await interviews.owned_session(db, request.user.id, session_id)
        evaluation = await answers.retry_evaluation(db, session, question_id, runtime.now())
        # Publish after commit: workers and other instances must see the row before they hear of it.
        await db.commit()
        await runtime.wakeup.notify()
        return Envelope(feedback_view(evaluation), message="Evaluation queued again.")
