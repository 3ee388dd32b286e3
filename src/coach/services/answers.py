"""Answer use cases: drafts, idempotent submission with its pending evaluation, moving on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.domain.errors import Conflict, InvalidInput, InvalidState, NotFound
from coach.domain.model_answer import ModelAnswerCard, model_answer_card, model_answer_earned
from coach.domain.states import QuestionStatus, SessionStatus
from coach.services.interviews import is_over
from coach.services.snapshot import question_meta
from coach.store import evaluations as eval_store
from coach.store import interviews as interview_rows
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion, InterviewSession

RUBRIC_VERSION = "v1"
TIME_UP_KEY = "time-up"
"""The idempotency key of a draft submitted because the time box ran out (its feedback says so)."""
TIME_UP_FLAG = "submitted_at_time_up"


@dataclass(slots=True)
class Submitted:
    answer: InterviewAnswer
    evaluation: AnswerEvaluation
    duplicate: bool


def _parse_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise InvalidInput("question_id is not a valid id.", field="question_id") from exc


async def current_question(
    db: AsyncSession, session: InterviewSession, question_id: str, now: datetime
) -> InterviewQuestion:
    """The question if it is the session's current, fully asked question; a clear error otherwise."""
    return _ensure_current(
        session, await interview_rows.get_question(db, session.id, _parse_id(question_id)), now
    )


def _ensure_current(
    session: InterviewSession, question: InterviewQuestion | None, now: datetime
) -> InterviewQuestion:
    if session.status != SessionStatus.ACTIVE or is_over(session, now):
        raise InvalidState("This interview has ended.")
    if question is None:
        raise NotFound("No such question in this session.", field="question_id")
    if question.position != session.position or question.status != QuestionStatus.READY:
        raise InvalidState("That question is not the current one.", field="question_id")
    return question


async def _answer_row(
    db: AsyncSession,
    session: InterviewSession,
    question: InterviewQuestion,
    known: InterviewAnswer | None = None,
) -> InterviewAnswer:
    answer = known or await interview_rows.answer_for(db, question.id)
    if answer is not None:
        return answer
    answer = InterviewAnswer(session_id=session.id, question_id=question.id)
    try:
        async with db.begin_nested():
            db.add(answer)
    except IntegrityError:  # a concurrent draft or submit created it first
        found = await interview_rows.answer_for(db, question.id)
        assert found is not None
        return found
    return answer


async def save_draft(
    db: AsyncSession,
    session: InterviewSession,
    *,
    question_id: str,
    seq: int,
    text: str,
    language: str | None,
    now: datetime,
) -> int:
    """Keep the draft if its seq is the newest; return the stored seq (the latest wins)."""
    question = await current_question(db, session, question_id, now)
    answer = await _answer_row(db, session, question)
    if answer.submitted_at is not None:
        raise InvalidState("This question was already answered.", field="question_id")
    if seq > answer.draft_seq or answer.draft_updated_at is None:
        answer.draft_text = text
        answer.draft_language = language
        answer.draft_seq = seq
        answer.draft_updated_at = now
        db.add(answer)
        await db.flush()
    return answer.draft_seq


async def submit_answer(
    db: AsyncSession,
    session: InterviewSession,
    *,
    question_id: str,
    text: str,
    language: str | None,
    idempotency_key: str,
    now: datetime,
) -> Submitted:
    """Store the final answer and its pending evaluation in the caller's transaction.

    The same idempotency key again returns the same answer and evaluation; another key
    for an answered question is a conflict.
    """
    found = await interview_rows.get_question(db, session.id, _parse_id(question_id))
    prior = await interview_rows.answer_for(db, found.id) if found is not None else None
    if prior is not None and prior.submitted_at is not None:
        # A repeat is answered even after the session ended: the client may be resending after a drop.
        return await _replay(db, prior, idempotency_key)
    if not text.strip():
        raise InvalidInput("The answer is empty.", field="text")
    question = _ensure_current(session, found, now)
    answer = await _answer_row(db, session, question, prior)
    if not await interview_rows.mark_submitted(
        db, answer.id, text=text, language=language, key=idempotency_key, now=now
    ):
        await db.refresh(answer)
        return await _replay(db, answer, idempotency_key)
    await db.refresh(answer)
    evaluation = AnswerEvaluation(answer_id=answer.id, session_id=session.id, rubric_version=RUBRIC_VERSION)
    db.add(evaluation)
    await db.flush()
    return Submitted(answer, evaluation, duplicate=False)


async def submit_draft_at_time_up(db: AsyncSession, session: InterviewSession, now: datetime) -> bool:
    """At time-up, the current question's unsubmitted draft becomes the answer and is evaluated."""
    question = await interview_rows.question_at(db, session.id, session.position)
    answer = await interview_rows.answer_for(db, question.id) if question is not None else None
    if answer is None or answer.submitted_at is not None or not (answer.draft_text or "").strip():
        return False
    text = answer.draft_text or ""
    if not await interview_rows.mark_submitted(
        db, answer.id, text=text, language=answer.draft_language, key=TIME_UP_KEY, now=now
    ):
        return False
    db.add(AnswerEvaluation(answer_id=answer.id, session_id=session.id, rubric_version=RUBRIC_VERSION))
    await db.flush()
    return True


async def _replay(db: AsyncSession, answer: InterviewAnswer, key: str) -> Submitted:
    if answer.idempotency_key != key:
        raise Conflict("This question was already answered.", field="question_id")
    evaluation = await interview_rows.evaluation_for(db, answer.id, RUBRIC_VERSION)
    assert evaluation is not None, "a submitted answer always has its evaluation"
    return Submitted(answer, evaluation, duplicate=True)


async def advance(db: AsyncSession, session: InterviewSession, now: datetime) -> bool:
    """Move to the next question; False when the plan is finished (the caller ends the session)."""
    if session.status != SessionStatus.ACTIVE or is_over(session, now):
        raise InvalidState("This interview has ended.")
    question = await interview_rows.question_at(db, session.id, session.position)
    if question is None or question.status != QuestionStatus.READY:
        raise InvalidState("The current question is still being asked.")
    if session.position + 1 >= session.total_questions:
        return False
    session.position += 1
    db.add(session)
    await db.flush()
    return True


async def retry_evaluation(
    db: AsyncSession, session: InterviewSession, question_id: str, now: datetime
) -> AnswerEvaluation:
    """Queue a failed evaluation again."""
    question = await interview_rows.get_question(db, session.id, _parse_id(question_id))
    answer = await interview_rows.answer_for(db, question.id) if question else None
    evaluation = await interview_rows.evaluation_for(db, answer.id, RUBRIC_VERSION) if answer else None
    if evaluation is None:
        raise NotFound("No evaluation for that question.", field="question_id")
    if not await eval_store.reset_failed(db, evaluation.id, now):
        raise InvalidState("Only a failed evaluation can be retried.")
    await db.refresh(evaluation)
    return evaluation


async def model_answer(db: AsyncSession, session: InterviewSession, question_id: str) -> ModelAnswerCard:
    """The model answer card, only for a question answered, or seen to the end when time ran out.

    Ending the session (or skipping) never unlocks it: that would give the answers away.
    """
    question = await interview_rows.get_question(db, session.id, _parse_id(question_id))
    if question is None or question.status != QuestionStatus.READY:
        raise NotFound("No such question in this session.", field="question_id")
    answer = await interview_rows.answer_for(db, question.id)
    earned = model_answer_earned(
        submitted=answer is not None and answer.submitted_at is not None,
        current=question.position == session.position,
        ready=question.status == QuestionStatus.READY,
        timed_out=session.status == SessionStatus.COMPLETED
        and session.ended_at is not None
        and session.ended_at >= session.ends_at,
    )
    if not earned:
        raise InvalidState(
            "The model answer is shown once you have answered the question.", field="question_id"
        )
    return model_answer_card(question_meta(question))
