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

import msgspec

from coach.broker.wakeup import Wakeup
from coach.clock import utcnow
from coach.domain.evaluation import Evaluation
from coach.domain.judge.grading import apply_tests
from coach.domain.judge.report import JudgeReport, summary
from coach.domain.questions import AnswerRequest
from coach.llm.port import Interviewer
from coach.sandbox.pool import Busy
from coach.sandbox.remote import RunnerAway
from coach.services import evaluation_outcomes as outcomes
from coach.services.answers import TIME_UP_FLAG, TIME_UP_KEY
from coach.services.code_runs import CodeRuns
from coach.services.unit_of_work import Transactions
from coach.store.models import AnswerEvaluation

log = logging.getLogger("coach.worker")


RUNNER_RETRY_SECONDS = 5.0
"""First wait before testing an answer again while no code runner is up (then 10 s, 15 s, …, 60 s)."""


class _GivenBack(Exception):
    """The job went back to the queue (the sandbox stayed busy); nothing more to do this round."""


@dataclass
class EvaluationWorker:
    """One worker loop. Many may run, in one process or many: the lease keeps each job single-owned."""

    transactions: Transactions
    interviewer: Interviewer
    fallback: Interviewer | None
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
        row = await outcomes.claim(self.transactions, self.owner, self.clock(), self.lease)
        if row is None:
            return False
        if row.attempts > self.max_attempts:
            await self._give_up(row, "The evaluation did not finish after several attempts.")
            return True
        job = await outcomes.load(self.transactions, row)
        if job is None:
            await self._give_up(row, "The answer to evaluate no longer exists.")
            return True
        heartbeat = asyncio.create_task(self._heartbeat(row.id))
        try:
            try:
                report = await self._test(job)
            except _GivenBack:
                return True
            request = AnswerRequest(
                question=job.question.text,
                meta=job.meta,
                answer=job.answer.text or "",
                language=job.answer.language,
                difficulty=job.difficulty,  # type: ignore[arg-type]
                test_results=summary(report) if report is not None else "",
            )
            evaluation = await self._evaluate(row, request)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await heartbeat
        if evaluation is None:
            return True
        if report is not None:
            # The tests decide correctness whoever read the answer: an LLM cannot override them.
            evaluation = apply_tests(evaluation, report)
        if job.answer.idempotency_key == TIME_UP_KEY:
            evaluation = msgspec.structs.replace(
                evaluation,
                feedback=f"Submitted when time ran out (your last saved draft). {evaluation.feedback}",
                flags=[*evaluation.flags, TIME_UP_FLAG],
            )
        await self._store(row, job.question.id, evaluation, report)
        return True

    async def _test(self, job: outcomes.Job) -> JudgeReport | None:
        """The answer's test results (None: not a judged question); a sandbox busy for long retries later."""
        if self.code_runs is None:
            return None
        # While attempts remain, a runner that is away (a restart) means "later", not "not run".
        row, answer = job.row, job.answer
        wait = row.attempts < self.max_attempts
        try:
            return await self.code_runs.test(
                job.meta, answer.language, answer.text or "", wait_for_runner=wait
            )
        except Busy as busy:
            await self._later(row, str(busy), busy.retry_after_seconds)
            raise _GivenBack from busy
        except RunnerAway as away:
            await self._later(row, str(away), min(60.0, RUNNER_RETRY_SECONDS * row.attempts))
            raise _GivenBack from away

    async def _later(self, job: AnswerEvaluation, reason: str, seconds: float) -> None:
        """Give the job back to the queue, due again in `seconds` (another attempt)."""
        now = self.clock()
        await outcomes.give_back(
            self.transactions, job.id, self.owner, now, reason, now + timedelta(seconds=seconds)
        )

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
        question_id: uuid.UUID,
        evaluation: Evaluation,
        report: JudgeReport | None = None,
    ) -> None:
        stored = await outcomes.record_result(
            self.transactions, job, question_id, self.owner, self.clock(), evaluation, report
        )
        if not stored:
            # Our lease expired and another worker owns the job now: its result counts, not ours.
            log.info("evaluation %s: lease lost, result discarded", job.id)

    async def _give_up(self, job: AnswerEvaluation, reason: str) -> None:
        await outcomes.record_failure(self.transactions, job, self.owner, self.clock(), reason)

    async def _heartbeat(self, job_id: uuid.UUID) -> None:
        interval = max(1.0, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(interval)
            await outcomes.extend(self.transactions, job_id, self.owner, self.clock() + self.lease)
