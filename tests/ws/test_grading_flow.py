"""Grading seen through a real socket, on both backends: the criteria come from the asked question's
rubric, skill scores from the criteria that carry each skill, and a follow-up is graded on its own rubric.

The offline interviewer picks the question from a seed (the session id), so the test reads which bank
question was asked and writes its answers from that question's rubric. Criterion scores are stored
with the evaluation (the `feedback` message carries the words built from them, not the list), so they
are read from the database; everything else is what the socket pushed.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.domain.bank import BankQuestion, Criterion, FollowUpRubric
from coach.domain.bank_index import answer_request
from coach.domain.evaluator import Grader
from coach.domain.followups import GAP_HIGH, GAP_LOW, MIN_MINUTES, follow_up_meta
from coach.domain.questions import AnswerRequest, QuestionMeta
from coach.llm.bank_loader import load_bank
from coach.store.models import AnswerEvaluation, InterviewAnswer
from tests.support.factories import Account
from tests.support.http import new_session
from tests.support.server import ServerThread
from tests.support.wsclient import Client

FOLLOW_UP_ID = "follow_up"
FOLLOW_UP_NAME = "Answer to the follow-up"
# Technical questions take 4 minutes each at easy: 10 minutes plan two, so a follow-up has a place
# (a question left in the plan) and time (well over MIN_MINUTES left after the first answer).
DURATION_MINUTES = 10
QUOTED_WORDS = 22
"""Feedback quotes up to this many words of a sentence; the sentences written here stay shorter."""


def grader_of(server: ServerThread) -> Grader:
    """The grader the running app scores answers with (the offline interviewer's)."""
    grader: Grader = server.app.state.runtime.fallback.grader
    return grader


def asked_bank_question(title: str) -> BankQuestion:
    [asked] = [q for q in load_bank().questions if q.title == title and q.type == "technical"]
    return asked


def claims_text(claims: list[str]) -> str:
    return " ".join(c.strip() if c.strip().endswith(".") else c.strip() + "." for c in claims)


def gap_answer(question: BankQuestion, grader: Grader) -> tuple[Criterion, str]:
    """An answer that makes one criterion's claims and none of the others', scored in the gap band.

    The criterion is one that does not carry every skill of the question, so its skills and the
    others must score apart. Candidates come in a fixed order; the first the grader puts in
    [GAP_LOW, GAP_HIGH) without a flag is used, so the pick is deterministic for every question.
    """
    criteria = sorted(
        (c for c in question.rubric if set(c.skills) != set(question.skills)),
        key=lambda c: (len(c.skills), -c.weight),
    )
    for criterion in criteria:
        for count in (len(criterion.claims), 2):
            text = claims_text(criterion.claims[:count])
            evaluation = grader.evaluate(answer_request(question, text))
            if GAP_LOW <= evaluation.score < GAP_HIGH and not evaluation.flags:
                return criterion, text
    pytest.fail(f"no answer from one criterion of {question.id} lands in the follow-up gap band")


def follow_up_sentence(parent: QuestionMeta, rubric: FollowUpRubric, grader: Grader) -> str:
    """One claim of the follow-up's rubric, said as a sentence the grader credits to the follow-up."""
    meta = follow_up_meta(parent, rubric.question, 0, "bank")
    for claim in rubric.claims:
        sentence = claims_text([claim])
        if len(sentence.split()) > QUOTED_WORDS:
            continue
        evaluation = grader.evaluate(AnswerRequest(question=rubric.question, meta=meta, answer=sentence))
        if any(quoted(sentence) in c.comment for c in evaluation.criteria):
            return sentence
    pytest.fail(f"no claim of the follow-up {rubric.question!r} is credited when said on its own")


def quoted(sentence: str) -> str:
    return f"“{sentence.rstrip('.')}”"


def criterion_prefixes(feedback: dict[str, Any]) -> set[str]:
    """The criterion each Strengths / To improve line is about ("Name: …")."""
    return {line.split(":", 1)[0] for line in [*feedback["strengths"], *feedback["improvements"]]}


async def stored_criteria(db: async_sessionmaker[AsyncSession], question_id: str) -> list[dict[str, Any]]:
    """The criterion scores stored with the evaluation of the answer to this question."""
    async with db() as session:
        evaluation = (
            await session.execute(
                select(AnswerEvaluation)
                .join(InterviewAnswer)
                .where(InterviewAnswer.question_id == uuid.UUID(question_id))  # type: ignore[arg-type]
            )
        ).scalar_one()
    return list(evaluation.criteria)


async def submit(client: Client, question_id: str, text: str) -> dict[str, Any]:
    """Submit an answer and wait for its feedback."""
    await client.send(
        {
            "type": "answer.submit",
            "question_id": question_id,
            "text": text,
            "idempotency_key": uuid.uuid4().hex,
        }
    )
    assert (await client.until("answer.ack"))["submitted"] is True
    feedback = await client.until("feedback")
    assert feedback["question_id"] == question_id
    assert feedback["status"] == "done", feedback
    return feedback


async def test_a_partial_answer_is_scored_per_criterion_and_per_skill_and_its_follow_up_on_its_own_rubric(
    server: ServerThread,
    http: httpx.AsyncClient,
    account: Account,
    db: async_sessionmaker[AsyncSession],
) -> None:
    assert DURATION_MINUTES - 1 > MIN_MINUTES
    session = await new_session(http, account, duration_minutes=DURATION_MINUTES)
    assert session["total_questions"] >= 2
    grader = grader_of(server)
    client = await Client.open(server.ws, session["id"], account.token)

    # 1. The first answer: one criterion's claims, the others left out.
    first = await client.question()
    question = asked_bank_question(first.start["title"])
    covered, answer = gap_answer(question, grader)
    feedback = await submit(client, first.id, answer)
    score = feedback["score"]
    assert GAP_LOW <= score < GAP_HIGH
    assert feedback["flags"] == []

    criteria = await stored_criteria(db, first.id)
    assert [(c["id"], c["name"]) for c in criteria] == [(c.id, c.name) for c in question.rubric]
    by_id = {c["id"]: c["score"] for c in criteria}
    assert by_id[covered.id] == max(by_id.values())
    names = {c.name for c in question.rubric}
    about = criterion_prefixes(feedback)
    assert about
    assert about <= names

    skills = feedback["skill_scores"]
    assert sorted(skills) == sorted(question.skills)  # a JSON object: PostgreSQL keeps no key order
    assert any(value != score for value in skills.values()), skills
    for skill in question.skills:
        carried_by = {c.id for c in question.rubric if skill in c.skills}
        if carried_by == {c.id for c in question.rubric}:
            # Every criterion carries it: the same evidence as the whole answer, the same score.
            assert skills[skill] == score, (skill, skills, score)

    # 2. The gap gets a follow-up, graded on the follow-up's own rubric.
    await client.send({"type": "question.next"})
    follow_up = await client.question()
    assert follow_up.start["title"] == f"Follow-up: {question.title}"
    assert follow_up.end is not None
    prompt = follow_up.end["text"]
    [rubric] = [r for r in question.follow_up_rubrics if r.question == prompt]
    sentence = follow_up_sentence(answer_request(question, answer).meta, rubric, grader)
    follow_up_feedback = await submit(client, follow_up.id, sentence)

    [criterion] = await stored_criteria(db, follow_up.id)
    assert criterion["id"] == FOLLOW_UP_ID
    assert criterion["name"] == FOLLOW_UP_NAME
    assert quoted(sentence) in criterion["comment"]
    assert criterion_prefixes(follow_up_feedback) == {FOLLOW_UP_NAME}
    assert not names & criterion_prefixes(follow_up_feedback)
    # The one criterion carries every skill of the question: each skill scores what the answer scored.
    assert follow_up_feedback["skill_scores"] == dict.fromkeys(question.skills, follow_up_feedback["score"])
    await client.close()
