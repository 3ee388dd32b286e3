"""Build the `session.state` snapshot and the summary from stored rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import msgspec

from coach import protocol as m
from coach.domain.evaluation import CriterionScore, Evaluation
from coach.domain.questions import QuestionMeta
from coach.domain.scoring import aggregate, aggregate_skills
from coach.domain.states import EvaluationStatus, QuestionStatus, SessionStatus
from coach.store.models import AnswerEvaluation, InterviewAnswer, InterviewQuestion, InterviewSession


def question_meta(question: InterviewQuestion) -> QuestionMeta:
    """The stored metadata (rubric, skills, follow-ups…) of an asked question."""
    data = dict(question.data or {})
    data.setdefault("kind", question.kind)
    data.setdefault("title", "")
    data.setdefault("skills", [])
    data.setdefault("rubric", [])
    return msgspec.convert(data, QuestionMeta)


def question_start(question_id: str, index: int, total: int, meta: QuestionMeta) -> m.QuestionStart:
    """The `question.start` message that opens a question (streamed or sent whole)."""
    return m.QuestionStart(
        question_id=question_id,
        index=index,
        total=total,
        kind=meta.kind,
        title=meta.title,
        skills=list(meta.skills),
        language=meta.language,
        starter_code=meta.starter_code,
        starter_codes=dict(meta.starter_codes),
    )


def whole_question(question: InterviewQuestion, total: int) -> list[m.Message]:
    """A stored question as the start, delta and end a socket that missed its stream is sent."""
    question_id = str(question.id)
    return [
        question_start(question_id, question.position, total, question_meta(question)),
        m.QuestionDelta(question_id=question_id, text=question.text),
        m.QuestionEnd(question_id=question_id, text=question.text),
    ]


def evaluation_of(row: AnswerEvaluation) -> Evaluation:
    """A stored evaluation as the domain value the interviewer produced."""
    return Evaluation(
        score=row.score or 0.0,
        feedback=row.feedback or "",
        strengths=list(row.strengths or []),
        improvements=list(row.improvements or []),
        skill_scores={k: float(v) for k, v in (row.skill_scores or {}).items()},
        criteria=msgspec.convert(list(row.criteria or []), list[CriterionScore]),
        flags=list(row.flags or []),
        model=row.model or "",
    )


def session_view(session: InterviewSession) -> m.SessionView:
    plan = session.planned
    return m.SessionView(
        id=str(session.id),
        type=session.type,
        difficulty=session.difficulty,
        role=session.role,
        language=session.language,
        duration_minutes=session.duration_minutes,
        status=cast(Any, session.status),
        created_at=session.created_at,
        ends_at=session.ends_at,
        ended_at=session.ended_at,
        total_questions=plan.total,
        kinds=cast(Any, list(plan.kinds)),
        position=session.position,
        score=session.score,
        skill_scores={k: float(v) for k, v in (session.skill_scores or {}).items()},
    )


def answer_view(answer: InterviewAnswer) -> m.AnswerView:
    return m.AnswerView(
        text=answer.text,
        language=answer.language,
        submitted=answer.submitted_at is not None,
        submitted_at=answer.submitted_at,
        draft_text=answer.draft_text,
        draft_language=answer.draft_language,
        draft_seq=answer.draft_seq,
    )


def feedback_view(evaluation: AnswerEvaluation) -> m.FeedbackView:
    return m.FeedbackView(
        status=cast(Any, evaluation.status),
        score=evaluation.score,
        feedback=evaluation.feedback,
        strengths=list(evaluation.strengths or []),
        improvements=list(evaluation.improvements or []),
        skill_scores={k: float(v) for k, v in (evaluation.skill_scores or {}).items()},
        flags=list(evaluation.flags or []),
        error=evaluation.error,
        tests=msgspec.convert(evaluation.tests, m.TestsView) if evaluation.tests else None,
    )


def feedback_message(question_id: str, evaluation: AnswerEvaluation) -> m.Feedback:
    """The `feedback` event for a finished (done or failed) evaluation."""
    view = feedback_view(evaluation)
    return m.Feedback(
        question_id=question_id,
        status="done" if evaluation.status == EvaluationStatus.DONE else "failed",
        score=view.score,
        feedback=view.feedback,
        strengths=view.strengths,
        improvements=view.improvements,
        skill_scores=view.skill_scores,
        flags=view.flags,
        error=view.error,
        tests=view.tests,
    )


def question_view(
    question: InterviewQuestion, answer: InterviewAnswer | None, evaluation: AnswerEvaluation | None
) -> m.QuestionView:
    data: dict[str, Any] = question.data or {}
    return m.QuestionView(
        question_id=str(question.id),
        index=question.position,
        kind=question.kind,
        title=str(data.get("title", "")),
        text=question.text,
        skills=list(data.get("skills", [])),
        language=data.get("language"),
        starter_code=data.get("starter_code"),
        status="ready" if question.status == QuestionStatus.READY else "streaming",
        answer=answer_view(answer) if answer else None,
        evaluation=feedback_view(evaluation) if evaluation else None,
        starter_codes=dict(data.get("starter_codes") or {}),
    )


def with_runs(state: m.SessionState, runs: dict[str, m.RunView]) -> m.SessionState:
    """The snapshot with each question's last Run-button result."""
    if not runs:
        return state
    questions = [
        msgspec.structs.replace(q, last_run=runs[q.question_id]) if q.question_id in runs else q
        for q in state.questions
    ]
    return msgspec.structs.replace(state, questions=questions)


def summary_of(
    session: InterviewSession, answers: Sequence[InterviewAnswer], evaluations: Sequence[AnswerEvaluation]
) -> m.SessionScores:
    done = [e for e in evaluations if e.status == EvaluationStatus.DONE and e.score is not None]
    return m.SessionScores(
        score=aggregate(e.score for e in done if e.score is not None),
        skill_scores=aggregate_skills(e.skill_scores or {} for e in done),
        answered=sum(1 for a in answers if a.submitted_at is not None),
        evaluated=len(done),
        total=session.total_questions,
    )


def build_state(
    session: InterviewSession,
    questions: Sequence[InterviewQuestion],
    answers: Sequence[InterviewAnswer],
    evaluations: Sequence[AnswerEvaluation],
    now: datetime,
) -> m.SessionState:
    """The whole transcript: questions (ready ones with text), answers, drafts and feedback."""
    by_question = {a.question_id: a for a in answers}
    by_answer = {e.answer_id: e for e in evaluations}
    views = []
    current: str | None = None
    for q in questions:
        answer = by_question.get(q.id)
        evaluation = by_answer.get(answer.id) if answer else None
        view = question_view(q, answer, evaluation)
        if q.status != QuestionStatus.READY:
            # A question still being written is sent whole once it is done, never in part.
            view = msgspec.structs.replace(view, text="")
        views.append(view)
        if q.position == session.position and session.status == SessionStatus.ACTIVE:
            current = str(q.id)
    pending = any(e.status in (EvaluationStatus.PENDING, EvaluationStatus.RUNNING) for e in evaluations)
    summary = (
        summary_of(session, answers, evaluations)
        if session.status == SessionStatus.COMPLETED and not pending
        else None
    )
    return m.SessionState(
        session=session_view(session),
        questions=views,
        current_question_id=current,
        evaluation_pending=pending,
        summary=summary,
        server_time=now,
    )
