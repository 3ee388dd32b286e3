"""Asking the current question: one writer per question, streamed to whoever listens, stored whole.

The writer claims the question row (unique per position) with a short lease it keeps
renewing, so a reconnecting client on any instance waits for it instead of asking a
second question; if the writer's instance dies, the lease lapses and another takes over.
An interviewer that fails before its first words is replaced by the offline bank at
once; one that fails mid-stream has its partial question withdrawn (`question.cancel`)
and a bank question follows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
import zlib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from coach import protocol as m
from coach.clock import utcnow
from coach.domain.followups import follow_up_for
from coach.domain.kinds import QUESTION_TYPES, QuestionType
from coach.domain.question_history import recent_oldest_first
from coach.domain.questions import FollowUp, QuestionMeta, QuestionRequest
from coach.domain.states import EvaluationStatus, QuestionStatus, SessionStatus
from coach.llm.port import Interviewer, QuestionStream
from coach.services.answers import RUBRIC_VERSION
from coach.services.events import EventBus
from coach.services.question_broadcast import QuestionBroadcast
from coach.services.snapshot import evaluation_of, question_meta, question_start
from coach.services.unit_of_work import Transactions
from coach.store import interviews as interview_rows
from coach.store.models import InterviewSession, User

log = logging.getLogger("coach.asking")

Outcome = Literal["ready", "asked", "busy", "closed"]
Spawn = Callable[[Coroutine[Any, Any, None], str], object]
"""Start a background task its owner waits for at shutdown (the runtime's `spawn`)."""


class _Interrupted(Exception):
    """The interviewer failed after some of the question was sent."""


@dataclass
class Asker:
    """Writes each session's current question once, however many sockets ask for it."""

    transactions: Transactions
    interviewer: Interviewer
    fallback: Interviewer
    bus: EventBus
    spawn: Spawn
    lease: timedelta = timedelta(seconds=15)
    first_token_timeout: float = 20.0
    clock: Callable[[], datetime] = utcnow
    coalesce_seconds: float = 0.025
    """Deltas written within this window are published as one."""
    runnable_bank_ids: tuple[str, ...] = field(default=())
    """Bank questions whose code this server can run: preferred when the bank picks a question."""

    def ask_in_background(
        self, session_id: uuid.UUID, *, delay: float = 0.0, wanted: Callable[[], bool] = lambda: True
    ) -> None:
        """Make sure the current question is (being) asked; keep checking while another writer holds it.

        The question streams on the session's channel, so every socket subscribed to it hears
        it, whichever instance writes it; `wanted` turning False (the socket closed) stops the
        checking.
        """

        async def ask() -> None:
            if delay:
                await asyncio.sleep(delay)
            while wanted():
                outcome = await self.ensure_current(session_id)
                if outcome != "busy":
                    return
                # Someone else is writing it; its end arrives on the channel. If that writer
                # died, its claim lapses and this loop takes over.
                await asyncio.sleep(self.lease.total_seconds() / 2)

        self.spawn(_logged(ask()), "ask-question")

    async def ensure_current(self, session_id: uuid.UUID) -> Outcome:
        """Make sure the session's current question exists; stream it on the channel if we write it."""
        now = self.clock()
        async with self.transactions() as tx:
            db = tx.db
            session = await interview_rows.get_session(db, session_id)
            if session is None or session.status != SessionStatus.ACTIVE or now >= session.ends_at:
                return "closed"
            existing = await interview_rows.question_at(db, session.id, session.position)
            until = now + self.lease
            if existing is not None:
                if existing.status == QuestionStatus.READY:
                    return "ready"
                if existing.claimed_until is not None and existing.claimed_until > now:
                    return "busy"
                if not await interview_rows.take_over_question(db, existing, now, until):
                    return "busy"
                question = existing
            else:
                kind = _kind_at(session)
                claimed = await interview_rows.insert_streaming_question(
                    db, session.id, session.position, kind, now, until
                )
                if claimed is None:
                    return "busy"
                question = claimed
            request = await self._request(db, session)
            place = (session.position, session.total_questions)
        await self._write(session_id, question.id, place, request)
        return "asked"

    async def _request(self, db: AsyncSession, session: InterviewSession) -> QuestionRequest:
        user = await db.get(User, session.user_id)
        level = user.experience_level if user is not None else None
        follow_up = await self._follow_up(db, session)
        history = await interview_rows.question_history(db, session.user_id, session_id=session.id)
        return QuestionRequest(
            type=follow_up.meta.kind if follow_up else _kind_at(session),
            difficulty=session.difficulty,  # type: ignore[arg-type]
            role=session.role,
            language=session.language,  # type: ignore[arg-type]
            level=level,  # type: ignore[arg-type]
            seen_bank_ids=history.seen_bank_ids,
            recent_questions=recent_oldest_first(history.recent_texts),
            follow_up=follow_up,
            seed=zlib.crc32(f"{session.id}:{session.position}".encode()),
            preferred_bank_ids=list(self.runnable_bank_ids),
            session_bank_ids=history.session_bank_ids,
        )

    async def _follow_up(self, db: AsyncSession, session: InterviewSession) -> FollowUp | None:
        """Probe the gap in the previous answer, if it has one and the plan and time box allow."""
        if session.position == 0:
            return None
        previous = await interview_rows.question_at(db, session.id, session.position - 1)
        answer = await interview_rows.answer_for(db, previous.id) if previous is not None else None
        if previous is None or answer is None or answer.submitted_at is None:
            return None
        evaluation = await interview_rows.evaluation_for(db, answer.id, RUBRIC_VERSION)
        if evaluation is None or evaluation.status != EvaluationStatus.DONE:
            return None  # the next question does not wait for a slow evaluation
        meta = question_meta(previous)
        total = session.total_questions
        return follow_up_for(
            meta,
            previous.text,
            answer.text or "",
            evaluation_of(evaluation),
            position=previous.position,
            remaining_questions=total - session.position,
            remaining_minutes=(session.ends_at - self.clock()).total_seconds() / 60,
            already_followed_up=meta.follow_up_of is not None,
        )

    async def _write(
        self,
        session_id: uuid.UUID,
        question_id: uuid.UUID,
        place: tuple[int, int],
        request: QuestionRequest,
    ) -> None:
        send = QuestionBroadcast(self.bus, session_id, self.coalesce_seconds)
        keeper = asyncio.create_task(self._keep_claim(question_id))
        try:
            try:
                question_id, meta, text = await self._stream(
                    question_id, place, request, self.interviewer, send
                )
            except _Interrupted as exc:
                await send(
                    m.QuestionCancel(
                        question_id=str(question_id),
                        reason="The interviewer stopped; here is another question.",
                    )
                )
                async with self.transactions() as tx:
                    question_id = await interview_rows.renumber_question(tx.db, question_id)
                log.warning("question stream interrupted (%s); falling back to the bank", exc)
                question_id, meta, text = await self._stream(question_id, place, request, self.fallback, send)
            async with self.transactions() as tx:
                stored = await interview_rows.finish_question(
                    tx.db, question_id, text=text, kind=meta.kind, data=msgspec.to_builtins(meta)
                )
                if stored:
                    await send.flush()
                    # Sockets that joined mid-stream (a reconnect, another tab) get the whole question from it.
                    tx.publish(session_id, m.QuestionEnd(question_id=str(question_id), text=text))
        finally:
            keeper.cancel()
            with contextlib.suppress(BaseException):
                await keeper
        if not stored:
            log.warning("question %s was taken over before it finished", question_id)

    async def _stream(
        self,
        question_id: uuid.UUID,
        place: tuple[int, int],
        request: QuestionRequest,
        interviewer: Interviewer,
        send: QuestionBroadcast,
    ) -> tuple[uuid.UUID, QuestionMeta, str]:
        stream, first = await self._open(request, interviewer)
        meta = stream.meta
        await send(question_start(str(question_id), place[0], place[1], meta))
        parts = [first]
        await send(m.QuestionDelta(question_id=str(question_id), text=first))
        try:
            async for piece in stream.deltas:
                if piece:
                    parts.append(piece)
                    await send(m.QuestionDelta(question_id=str(question_id), text=piece))
        except Exception as exc:
            if interviewer is self.fallback:
                raise
            raise _Interrupted(str(exc)) from exc
        return question_id, meta, "".join(parts)

    async def _open(self, request: QuestionRequest, interviewer: Interviewer) -> tuple[QuestionStream, str]:
        """Start a stream and wait for its first words; on failure before them, use the bank."""
        try:
            async with asyncio.timeout(self.first_token_timeout):
                stream = await interviewer.question(request)
                first = await _first(stream.deltas)
            return stream, first
        except Exception as exc:
            if interviewer is self.fallback:
                raise
            log.warning("interviewer failed before the first token (%s); asking from the bank", exc)
        stream = await self.fallback.question(request)
        return stream, await _first(stream.deltas)

    async def _keep_claim(self, question_id: uuid.UUID) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            async with self.transactions() as tx:
                await interview_rows.extend_question_claim(tx.db, question_id, self.clock() + self.lease)


async def _first(deltas: AsyncIterator[str]) -> str:
    async for piece in deltas:
        if piece:
            return piece
    raise RuntimeError("the interviewer returned an empty question")


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("background question writer failed")


def _kind_at(session: InterviewSession) -> QuestionType:
    kind = session.planned.kind_at(session.position) or session.type
    return kind if kind in QUESTION_TYPES else "technical"
