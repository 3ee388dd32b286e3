"""What the evaluation worker does with a job: load it, store its result, give it back or up.

Each step is one unit of work; the feedback (and the session summary, once every answer is
scored) is published only after the result is committed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec

from coach.domain.evaluation import Evaluation
from coach.domain.judge.report import JudgeReport
from coach.domain.questions import QuestionMeta
from coach.services import interviews
from coach.services.code_runs import tests_view
from coach.services.snapshot import feedback_message, question_meta
from coach.services.unit_of_work import Transactions, UnitOfWork
from coach.store import evaluations as eval_store
from coach.store import interviews as interview_rows
from coach.store.analytics import add_evaluation
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed evaluation with what it grades."""

    row: AnswerEvaluation
    answer: InterviewAnswer
    question: InterviewQuestion
    meta: QuestionMeta
    difficulty: str


async def claim(
    transactions: Transactions, owner: str, now: datetime, lease: timedelta
) -> AnswerEvaluation | None:
    """Claim the next due evaluation for `owner` (None when the queue is empty)."""
    async with transactions() as tx:
        return await eval_store.claim_next(tx.db, owner=owner, now=now, lease=lease)


async def load(transactions: Transactions, row: AnswerEvaluation) -> Job | None:
    """The answer, question and session a claimed evaluation grades (None if they are gone)."""
    async with transactions.reading() as db:
        answer = await db.get(InterviewAnswer, row.answer_id)
        question = await db.get(InterviewQuestion, answer.question_id) if answer else None
        session = await interview_rows.get_session(db, row.session_id)
    if answer is None or question is None or session is None:
        return None
    return Job(row, answer, question, question_meta(question), session.difficulty)


async def extend(transactions: Transactions, job_id: uuid.UUID, owner: str, until: datetime) -> None:
    """Keep the lease on a job still being worked on."""
    async with transactions() as tx:
        await eval_store.extend_lease(tx.db, job_id, owner=owner, until=until)


async def give_back(
    transactions: Transactions, job_id: uuid.UUID, owner: str, now: datetime, reason: str, retry_at: datetime
) -> None:
    """Return the job to the queue, due again at `retry_at` (another attempt)."""
    async with transactions() as tx:
        await eval_store.give_back(tx.db, job_id, owner=owner, now=now, error=reason, retry_at=retry_at)


async def record_result(
    transactions: Transactions,
    row: AnswerEvaluation,
    question_id: uuid.UUID,
    owner: str,
    now: datetime,
    evaluation: Evaluation,
    report: JudgeReport | None,
) -> bool:
    """Store the result once; False if our lease was lost (another worker's result counts)."""
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
    async with transactions() as tx:
        if not await eval_store.complete(tx.db, row.id, owner=owner, now=now, values=values):
            await tx.discard()
            return False
        stored = await _announce(tx, row, question_id)
        session = await interview_rows.get_session(tx.db, row.session_id)
        if session is not None and stored.score is not None and stored.completed_at:
            # The analytics totals count this answer in the same transaction that stores it.
            await add_evaluation(
                tx.db, session.user_id, session.type, stored.completed_at, stored.score, stored.skill_scores
            )
    return True


async def record_failure(
    transactions: Transactions, row: AnswerEvaluation, owner: str, now: datetime, reason: str
) -> bool:
    """Mark the evaluation failed for good (the candidate may retry it); False if our lease was lost."""
    async with transactions() as tx:
        if not await eval_store.give_back(tx.db, row.id, owner=owner, now=now, error=reason, retry_at=None):
            await tx.discard()
            return False
        answer = await tx.db.get(InterviewAnswer, row.answer_id)
        if answer is not None:
            await _announce(tx, row, answer.question_id)
    return True


async def _announce(tx: UnitOfWork, row: AnswerEvaluation, question_id: uuid.UUID) -> AnswerEvaluation:
    stored = await tx.db.get(AnswerEvaluation, row.id, populate_existing=True)
    assert stored is not None, "the row was just updated"
    tx.publish(row.session_id, feedback_message(str(question_id), stored))
    session = await interview_rows.get_session(tx.db, row.session_id)
    summary = await interviews.refresh_scores(tx.db, session) if session else None
    if summary is not None:
        tx.publish(row.session_id, interviews.summary_message(summary))
    return stored
