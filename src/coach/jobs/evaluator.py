"""The evaluation worker: claim a pending evaluation, call the interviewer, store once, publish feedback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.broker.wakeup import Wakeup
from coach.domain.evaluation import Evaluation
from coach.domain.judge.grading import apply_tests
from coach.domain.judge.report import JudgeReport, summary
from coach.domain.questions import AnswerRequest
from coach.llm.port import Interviewer
from coach.sandbox.pool import Busy
from coach.sandbox.remote import RunnerAway
from coach.services import interviews
from coach.services.answers import TIME_UP_FLAG, TIME_UP_KEY
from coach.services.code_runs import CodeRuns, tests_view
from coach.services.events import EventBus, publish
from coach.services.snapshot import feedback_message, question_meta
from coach.store import evaluations as eval_store
from coach.store import interviews as store
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion
from coach.store.types import utcnow

log = logging.getLogger("coach.worker")


RUNNER_RETRY_SECONDS = 5.0
"""First wait before testing an answer again while no code runner is up (then 10 s, 15 s, …, 60 s)."""


class _GivenBack(Exception):
    """The job went back to the queue (the sandbox stayed busy); nothing more to do this round."""


@dataclass
class EvaluationWorker:
    """One worker loop. Many may run, in one process or many: the lease keeps each job single-owned."""

    sessions: async_sessionmaker[AsyncSession]
    interviewer: Interviewer
    fallback: Interviewer | None
    bus: EventBus
    wakeup: Wakeup
    lease: timedelta = timedelta(seconds=90)
    call_deadline: float = 60.0
    max_attempts: int = 3
    poll_interval: float = 2.0
    clock: Callable[[], datetime] = utcnow
    code_runs: CodeRuns | None = None
    """Runs a coding answer's code against its tests before it is scored (None: code is only read)."""
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; an error in one job never stops the loop."""
        log.info("evaluation worker %s started", self.owner)
        while not stop.is_set():
            try:
                worked = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("evaluation worker iteration failed")
                worked = False
                await asyncio.sleep(1)
            if not worked:
                waiter = asyncio.create_task(self.wakeup.wait(self.poll_interval))
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                for task in (waiter, stopper):
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task

    async def run_once(self) -> bool:
        """Claim and process one evaluation; False when there was nothing to do."""
        now = self.clock()
        async with self.sessions() as db:
            job = await eval_store.claim_next(db, owner=self.owner, now=now, lease=self.lease)
            await db.commit()
        if job is None:
            return False
        if job.attempts > self.max_attempts:
            await self._give_up(job, "The evaluation did not finish after several attempts.")
            return True
        async with self.sessions() as db:
            answer = await db.get(InterviewAnswer, job.answer_id)
            question = await db.get(InterviewQuestion, answer.question_id) if answer else None
            session = await store.get_session(db, job.session_id)
        if answer is None or question is None or session is None:
            await self._give_up(job, "The answer to evaluate no longer exists.")
            return True
        meta = question_meta(question)
        heartbeat = asyncio.create_task(self._heartbeat(job.id))
        try:
            try:
                report = await self._test(job, meta, answer)
            except _GivenBack:
                return True
            request = AnswerRequest(
                question=question.text,
                meta=meta,
                answer=answer.text or "",
                language=answer.language,
                difficulty=session.difficulty,  # type: ignore[arg-type]
                test_results=summary(report) if report is not None else "",
            )
            evaluation = await self._evaluate(job, request)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await heartbeat
        if evaluation is None:
            return True
        if report is not None:
            # The tests decide correctness whoever read the answer: an LLM cannot override them.
            evaluation = apply_tests(evaluation, report)
        if answer.idempotency_key == TIME_UP_KEY:
            evaluation = msgspec.structs.replace(
                evaluation,
                feedback=f"Submitted when time ran out (your last saved draft). {evaluation.feedback}",
                flags=[*evaluation.flags, TIME_UP_FLAG],
            )
        await self._store(job, question, evaluation, report)
        return True

    async def _test(self, job: AnswerEvaluation, meta: Any, answer: InterviewAnswer) -> JudgeReport | None:
        """The answer's test results (None: not a judged question); a sandbox busy for long retries later."""
        if self.code_runs is None:
            return None
        # While attempts remain, a runner that is away (a restart) means "later", not "not run".
        wait = job.attempts < self.max_attempts
        try:
            return await self.code_runs.test(meta, answer.language, answer.text or "", wait_for_runner=wait)
        except Busy as busy:
            await self._later(job, str(busy), busy.retry_after_seconds)
            raise _GivenBack from busy
        except RunnerAway as away:
            await self._later(job, str(away), min(60.0, RUNNER_RETRY_SECONDS * job.attempts))
            raise _GivenBack from away

    async def _later(self, job: AnswerEvaluation, reason: str, seconds: float) -> None:
        """Give the job back to the queue, due again in `seconds` (another attempt)."""
        async with self.sessions() as db:
            await eval_store.give_back(
                db,
                job.id,
                owner=self.owner,
                now=self.clock(),
                error=reason,
                retry_at=self.clock() + timedelta(seconds=seconds),
            )
            await db.commit()

    async def _evaluate(self, job: AnswerEvaluation, request: AnswerRequest) -> Evaluation | None:
        try:
            async with asyncio.timeout(self.call_deadline):
                return await self.interviewer.evaluate(request)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("evaluation %s attempt %d failed: %s", job.id, job.attempts, reason)
        if job.attempts < self.max_attempts:
            delay = min(30.0, 2.0**job.attempts) * (0.5 + random.random() / 2)
            await self._later(job, reason, delay)
            return None
        if self.fallback is not None and self.fallback is not self.interviewer:
            fallback = await self.fallback.evaluate(request)
            return msgspec.structs.replace(
                fallback,
                flags=[*fallback.flags, "offline_fallback"],
                feedback=f"{fallback.feedback} (Scored by the offline rubric evaluator: the AI grader was unavailable.)",
            )
        await self._give_up(job, f"The evaluation failed after {job.attempts} attempts ({reason}).")
        return None

    async def _store(
        self,
        job: AnswerEvaluation,
        question: InterviewQuestion,
        evaluation: Evaluation,
        report: JudgeReport | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "score": evaluation.score,
            "feedback": evaluation.feedback,
            "strengths": list(evaluation.strengths),
            "improvements": list(evaluation.improvements),
            "skill_scores": dict(evaluation.skill_scores),
            "criteria": [msgspec.to_builtins(c) for c in evaluation.criteria],
            "flags": list(evaluation.flags),
            "model": evaluation.model[:100],
            "prompt_tokens": evaluation.prompt_tokens,
            "completion_tokens": evaluation.completion_tokens,
            "tests": msgspec.to_builtins(tests_view(report)) if report is not None else None,
        }
        async with self.sessions() as db:
            if not await eval_store.complete(db, job.id, owner=self.owner, now=self.clock(), values=values):
                # Our lease expired and another worker owns the job now: its result counts, not ours.
                await db.rollback()
                log.info("evaluation %s: lease lost, result discarded", job.id)
                return
            stored = await db.get(AnswerEvaluation, job.id, populate_existing=True)
            session = await store.get_session(db, job.session_id)
            summary = await interviews.refresh_scores(db, session) if session else None
            if (
                session is not None
                and stored is not None
                and stored.score is not None
                and stored.completed_at
            ):
                # The analytics totals count this answer in the same transaction that stores it.
                from coach.store.analytics import add_evaluation

                await add_evaluation(
                    db, session.user_id, session.type, stored.completed_at, stored.score, stored.skill_scores
                )
            await db.commit()
        assert stored is not None
        await self._announce(job.session_id, str(question.id), stored, summary)

    async def _give_up(self, job: AnswerEvaluation, reason: str) -> None:
        async with self.sessions() as db:
            if not await eval_store.give_back(
                db, job.id, owner=self.owner, now=self.clock(), error=reason, retry_at=None
            ):
                await db.rollback()
                return
            stored = await db.get(AnswerEvaluation, job.id, populate_existing=True)
            answer = await db.get(InterviewAnswer, job.answer_id)
            session = await store.get_session(db, job.session_id)
            summary = await interviews.refresh_scores(db, session) if session else None
            await db.commit()
        if stored is not None and answer is not None:
            await self._announce(job.session_id, str(answer.question_id), stored, summary)

    async def _announce(
        self, session_id: uuid.UUID, question_id: str, stored: AnswerEvaluation, summary: Any
    ) -> None:
        try:
            await publish(self.bus, session_id, feedback_message(question_id, stored))
            if summary is not None:
                await publish(self.bus, session_id, interviews.summary_message(summary))
        except Exception as exc:  # stored is what matters; a reconnecting client reads it from the snapshot
            log.warning("could not publish feedback for %s: %s", session_id, exc)

    async def _heartbeat(self, job_id: uuid.UUID) -> None:
        interval = max(1.0, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(interval)
            async with self.sessions() as db:
                await eval_store.extend_lease(db, job_id, owner=self.owner, until=self.clock() + self.lease)
                await db.commit()
