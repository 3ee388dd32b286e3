"""The interview's use cases, as REST and the socket call them.

Each opens one unit of work: it checks ownership, changes the rows, queues what must
follow the commit (publish, wake the workers, ask the next question) and returns a view.
A transport makes one call and sends the result; it never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from coach import protocol as m
from coach.domain.errors import InvalidInput, NotFound
from coach.domain.model_answer import ModelAnswerCard
from coach.domain.plan import SessionSpec
from coach.domain.questions import QuestionMeta
from coach.domain.session_filter import SessionFilter
from coach.domain.states import SessionStatus
from coach.services import answers, interviews
from coach.services.asking import Asker
from coach.services.code_runs import CodeRuns
from coach.services.ending import end_in
from coach.services.interviews import EndReason
from coach.services.snapshot import feedback_view, question_meta, session_view, whole_question, with_runs
from coach.services.unit_of_work import Transactions
from coach.store import interviews as interview_rows

ASK_AFTER_START = 1.5
"""Seconds a new session waits before its first question is written in the background.

A browser opens its socket right after creating the session; the socket should be the one
writing (and so streaming) the question, so REST-only clients get theirs a moment later.
"""


@dataclass(frozen=True, slots=True)
class Accepted:
    """A submitted answer as the client is told of it."""

    answer_id: str
    duplicate: bool
    evaluation: m.FeedbackView


@dataclass(frozen=True, eq=False)
class InterviewCases:
    """Start, read, answer, move on, end and retry: one unit of work each."""

    transactions: Transactions
    asker: Asker
    code_runs: CodeRuns
    clock: Callable[[], datetime]

    async def start(self, user_id: uuid.UUID, spec: SessionSpec) -> m.SessionView:
        """Create a session and its plan; its first question is written for whoever connects."""
        async with self.transactions() as tx:
            session = await interviews.start_session(tx.db, user_id, spec, self.clock())
            session_id = session.id

            async def ask_later() -> None:
                self.asker.ask_in_background(session_id, delay=ASK_AFTER_START)

            tx.after_commit(ask_later)
            return session_view(session)

    async def list_sessions(
        self, user_id: uuid.UUID, *, page: int, per_page: int, where: SessionFilter
    ) -> tuple[list[m.SessionView], int]:
        """One page of the user's sessions, newest first, and how many match in all."""
        async with self.transactions.reading() as db:
            rows, total = await interview_rows.list_sessions(
                db, user_id, page=page, per_page=per_page, where=where
            )
            return [session_view(s) for s in rows], total

    async def check_owner(self, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
        """NotFound unless the session exists and is the user's."""
        async with self.transactions.reading() as db:
            await interviews.owned_session(db, user_id, session_id)

    async def transcript(self, user_id: uuid.UUID, session_id: uuid.UUID) -> m.SessionState:
        """The whole transcript; reading it changes nothing."""
        async with self.transactions.reading() as db:
            session = await interviews.owned_session(db, user_id, session_id)
            return await interviews.load_state(db, session, self.clock())

    async def open(self, user_id: uuid.UUID, session_id: uuid.UUID) -> m.SessionState:
        """A socket's snapshot: a time box that passed unwatched ends first; the last code runs are in it."""
        now = self.clock()
        async with self.transactions() as tx:
            session = await interviews.owned_session(tx.db, user_id, session_id)
            if session.status == SessionStatus.ACTIVE and interviews.is_over(session, now):
                # Ending refreshes this same row object (one identity map per unit of work).
                await end_in(tx, session_id, "time_up", now)
            state = await interviews.load_state(tx.db, session, now)
        coding = [q.question_id for q in state.questions if q.kind == "coding"]
        runs = await self.code_runs.last_runs(session_id, coding) if coding else {}
        return with_runs(state, runs)

    async def save_draft(
        self,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        *,
        question_id: str,
        seq: int,
        text: str,
        language: str | None,
    ) -> int:
        """Keep the draft if it is the newest; the stored seq comes back."""
        async with self.transactions() as tx:
            session = await interviews.owned_session(tx.db, user_id, session_id)
            return await answers.save_draft(
                tx.db,
                session,
                question_id=question_id,
                seq=seq,
                text=text,
                language=language,
                now=self.clock(),
            )

    async def submit(
        self,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        *,
        question_id: str,
        text: str,
        language: str | None,
        idempotency_key: str,
    ) -> Accepted:
        """Store the final answer and queue its evaluation (idempotent by key)."""
        async with self.transactions() as tx:
            session = await interviews.owned_session(tx.db, user_id, session_id)
            result = await answers.submit_answer(
                tx.db,
                session,
                question_id=question_id,
                text=text,
                language=language,
                idempotency_key=idempotency_key,
                now=self.clock(),
            )
            if not result.duplicate:
                tx.wake_workers()
            return Accepted(str(result.answer.id), result.duplicate, feedback_view(result.evaluation))

    async def next(
        self,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        *,
        wanted: Callable[[], bool] = lambda: True,
    ) -> m.SessionView:
        """Move on; the next question is written (streamed on the session's channel), or the session ends after the last."""
        now = self.clock()
        async with self.transactions() as tx:
            session = await interviews.owned_session(tx.db, user_id, session_id, for_update=True)
            if await answers.advance(tx.db, session, now):

                async def ask() -> None:
                    self.asker.ask_in_background(session_id, wanted=wanted)

                tx.after_commit(ask)
            else:
                await end_in(tx, session_id, "completed", now)
            return session_view(session)

    async def end(
        self, user_id: uuid.UUID, session_id: uuid.UUID, reason: EndReason = "ended_by_candidate"
    ) -> m.SessionView:
        """End the interview now (or at time-up); the summary follows once every answer is evaluated."""
        async with self.transactions() as tx:
            session = await interviews.owned_session(tx.db, user_id, session_id)
            await end_in(tx, session_id, reason, self.clock())
            return session_view(session)

    async def end_expired(self, limit: int = 100) -> int:
        """End sessions whose time box passed with nobody watching; how many were ended."""
        now = self.clock()
        async with self.transactions.reading() as db:
            due = await interview_rows.expired_sessions(db, now, limit)
        ended = 0
        for session_id in due:
            async with self.transactions() as tx:
                ended += await end_in(tx, session_id, "time_up", now)
        return ended

    async def retry(self, user_id: uuid.UUID, session_id: uuid.UUID, question_id: str) -> m.FeedbackView:
        """Queue a failed evaluation again."""
        async with self.transactions() as tx:
            session = await interviews.owned_session(tx.db, user_id, session_id)
            evaluation = await answers.retry_evaluation(tx.db, session, question_id, self.clock())
            tx.wake_workers()
            return feedback_view(evaluation)

    async def model_answer(
        self, user_id: uuid.UUID, session_id: uuid.UUID, question_id: str
    ) -> ModelAnswerCard:
        """What a good answer covers, once the candidate has answered the question."""
        async with self.transactions.reading() as db:
            session = await interviews.owned_session(db, user_id, session_id)
            return await answers.model_answer(db, session, question_id)

    async def whole_question(self, session_id: uuid.UUID, question_id: str) -> list[m.Message]:
        """A question written elsewhere, for a socket that did not see it stream (empty if unknown)."""
        async with self.transactions.reading() as db:
            question = await interview_rows.get_question(db, session_id, uuid.UUID(question_id))
            session = await interview_rows.get_session(db, session_id)
            if question is None or session is None:
                return []
            return whole_question(question, session.total_questions)

    async def coding_question(
        self, user_id: uuid.UUID, session_id: uuid.UUID, question_id: str
    ) -> QuestionMeta:
        """The coding question a Run press is for, or a clear error."""
        try:
            question_uuid = uuid.UUID(question_id)
        except ValueError:
            raise InvalidInput("question_id is not a question of this session.") from None
        async with self.transactions.reading() as db:
            await interviews.owned_session(db, user_id, session_id)
            question = await interview_rows.get_question(db, session_id, question_uuid)
            if question is None:
                raise NotFound("question_id is not a question of this session.")
            meta = question_meta(question)
        if meta.kind != "coding":
            raise InvalidInput("Only coding questions have code to run.")
        return meta
