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
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import protocol as m
from coach.domain.followups import follow_up_for
from coach.domain.kinds import QUESTION_TYPES, QuestionType
from coach.domain.question_history import recent_oldest_first
from coach.domain.questions import FollowUp, QuestionMeta, QuestionRequest
from coach.llm.port import Interviewer, QuestionStream
from coach.services.answers import RUBRIC_VERSION
from coach.services.events import EventBus, publish
from coach.services.snapshot import evaluation_of, question_meta
from coach.store import interviews as store
from coach.store.models import InterviewSession, User
from coach.store.types import utcnow

log = logging.getLogger("coach.asking")

Listener = Callable[[m.Message], None]
Outcome = Literal["ready", "asked", "busy", "closed"]


class _Interrupted(Exception):
    """The interviewer failed after some of the question was sent."""


@dataclass
class Asker:
    """Writes each session's current question once, however many sockets ask for it."""

    sessions: async_sessionmaker[AsyncSession]
    interviewer: Interviewer
    fallback: Interviewer
    bus: EventBus
    lease: timedelta = timedelta(seconds=15)
    first_token_timeout: float = 20.0
    clock: Callable[[], datetime] = utcnow
    runnable_bank_ids: tuple[str, ...] = ()
    """Bank questions whose code this server can run: preferred when the bank picks a question."""

    async def ensure_current(self, session_id: uuid.UUID, listener: Listener | None) -> Outcome:
        """Make sure the session's current question exists; stream it to `listener` if we write it."""
        now = self.clock()
        async with self.sessions() as db:
            session = await store.get_session(db, session_id)
            if session is None or session.status != "active" or now >= session.ends_at:
                return "closed"
            existing = await store.question_at(db, session.id, session.position)
            until = now + self.lease
            if existing is not None:
                if existing.status == "ready":
                    return "ready"
                if existing.claimed_until is not None and existing.claimed_until > now:
                    return "busy"
                if not await store.take_over_question(db, existing, now, until):
                    return "busy"
                question = existing
            else:
                kind = _kind_at(session)
                claimed = await store.insert_streaming_question(
                    db, session.id, session.position, kind, now, until
                )
                if claimed is None:
                    return "busy"
                question = claimed
            request = await self._request(db, session)
            place = (session.position, int((session.plan or {}).get("total", 0)))
            await db.commit()
        await self._write(session_id, question.id, place, request, listener or _ignore)
        return "asked"

    async def _request(self, db: AsyncSession, session: InterviewSession) -> QuestionRequest:
        user = await db.get(User, session.user_id)
        level = user.experience_level if user is not None else None
        follow_up = await self._follow_up(db, session)
        history = await store.question_history(db, session.user_id)
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
        )

    async def _follow_up(self, db: AsyncSession, session: InterviewSession) -> FollowUp | None:
        """Probe the gap in the previous answer, if it has one and the plan and time box allow."""
        if session.position == 0:
            return None
        previous = await store.question_at(db, session.id, session.position - 1)
        answer = await store.answer_for(db, previous.id) if previous is not None else None
        if previous is None or answer is None or answer.submitted_at is None:
            return None
        evaluation = await store.evaluation_for(db, answer.id, RUBRIC_VERSION)
        if evaluation is None or evaluation.status != "done":
            return None  # the next question does not wait for a slow evaluation
        meta = question_meta(previous)
        total = int((session.plan or {}).get("total", 0))
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
        send: Listener,
    ) -> None:
        keeper = asyncio.create_task(self._keep_claim(question_id))
        try:
            try:
                question_id, meta, text = await self._stream(
                    question_id, place, request, self.interviewer, send
                )
            except _Interrupted as exc:
                send(
                    m.QuestionCancel(
                        question_id=str(question_id),
                        reason="The interviewer stopped; here is another question.",
                    )
                )
                async with self.sessions() as db:
                    question_id = await store.renumber_question(db, question_id)
                    await db.commit()
                log.warning("question stream interrupted (%s); falling back to the bank", exc)
                question_id, meta, text = await self._stream(question_id, place, request, self.fallback, send)
            async with self.sessions() as db:
                stored = await store.finish_question(
                    db, question_id, text=text, kind=meta.kind, data=msgspec.to_builtins(meta)
                )
                await db.commit()
        finally:
            keeper.cancel()
            with contextlib.suppress(BaseException):
                await keeper
        if not stored:
            log.warning("question %s was taken over before it finished", question_id)
            return
        send(m.QuestionEnd(question_id=str(question_id), text=text))
        # Other sockets of this session (a reconnect, another tab) learn the question is ready.
        await publish(self.bus, session_id, m.QuestionEnd(question_id=str(question_id), text=text))

    async def _stream(
        self,
        question_id: uuid.UUID,
        place: tuple[int, int],
        request: QuestionRequest,
        interviewer: Interviewer,
        send: Listener,
    ) -> tuple[uuid.UUID, QuestionMeta, str]:
        stream, first = await self._open(request, interviewer)
        meta = stream.meta
        send(
            m.QuestionStart(
                question_id=str(question_id),
                index=place[0],
                total=place[1],
                kind=meta.kind,
                title=meta.title,
                skills=list(meta.skills),
                language=meta.language,
                starter_code=meta.starter_code,
                starter_codes=dict(meta.starter_codes),
            )
        )
        parts = [first]
        send(m.QuestionDelta(question_id=str(question_id), text=first))
        try:
            async for piece in stream.deltas:
                if piece:
                    parts.append(piece)
                    send(m.QuestionDelta(question_id=str(question_id), text=piece))
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
            async with self.sessions() as db:
                await store.extend_question_claim(db, question_id, self.clock() + self.lease)
                await db.commit()


async def _first(deltas: AsyncIterator[str]) -> str:
    async for piece in deltas:
        if piece:
            return piece
    raise RuntimeError("the interviewer returned an empty question")


def _kind_at(session: InterviewSession) -> QuestionType:
    kinds: list[Any] = list((session.plan or {}).get("kinds", []))
    kind = kinds[session.position] if session.position < len(kinds) else session.type
    return kind if kind in QUESTION_TYPES else "technical"


def _ignore(_: m.Message) -> None:
    return None
