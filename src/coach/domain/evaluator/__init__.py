"""The grader: scores the claims an answer makes and explains, from evidence, no LLM needed.

`Grader(bank, embedder).evaluate(request)` is the offline interviewer's evaluation and the
findings an LLM judge works within (see docs/evaluator.md).
"""

from __future__ import annotations

import threading

import msgspec

from coach.domain.bank import Criterion
from coach.domain.bank_index import Bank
from coach.domain.evaluation import Evaluation, clamp_score
from coach.domain.evaluator.address import PROTOTYPES
from coach.domain.evaluator.analysis import Analysis, analyse
from coach.domain.evaluator.feedback import criterion_scores, feedback_text, improvements, strengths
from coach.domain.evaluator.semantic import Embedder, Vector
from coach.domain.evaluator.skills import skill_scores
from coach.domain.evaluator.topic import TopicIndex
from coach.domain.questions import AnswerRequest

__all__ = ["MODEL_NAME", "Grader"]

MODEL_NAME = "offline-claims"


class Grader:
    """Scores answers against bank rubrics; the bank also tells when an answer is about another question."""

    def __init__(self, bank: Bank, embedder: Embedder) -> None:
        self._bank = bank
        self._embedder = embedder
        self._topics: TopicIndex | None = None
        self._prototypes: list[Vector] | None = None
        self._lock = threading.Lock()
        self._full: dict[str, float] = {}

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def warm(self) -> None:
        """Embed the bank and the grader-address prototypes now rather than on the first answer."""
        self._index()

    def _index(self) -> tuple[TopicIndex, list[Vector]]:
        with self._lock:
            if self._topics is None or self._prototypes is None:
                questions = list(self._bank.questions)
                vectors = self._embedder.embed([f"{q.title}. {q.prompt.strip()}" for q in questions])
                self._topics = TopicIndex(
                    tuple(q.id for q in questions), tuple(q.title for q in questions), tuple(vectors)
                )
                self._prototypes = self._embedder.embed(list(PROTOTYPES))
            return self._topics, self._prototypes

    def analyse(self, request: AnswerRequest) -> Analysis:
        """Every measurement behind a score, for the feedback and for an LLM judge's findings."""
        topics, prototypes = self._index()
        full = self._reference(request)
        return analyse(request, self._embedder, topics, prototypes, self._rubric_of, full)

    def _reference(self, request: AnswerRequest) -> float | None:
        """How much of its rubric the question's own model answer covers: the mark of a full answer."""
        meta = request.meta
        if not meta.model_answer.strip():
            return None
        key = f"{meta.bank_id}|{meta.title}|{len(meta.rubric)}"
        with self._lock:
            cached = self._full.get(key)
        if cached is None:
            model = msgspec.structs.replace(request, answer=meta.model_answer)
            cached = analyse(model, self._embedder, None, [], None, None).base
            with self._lock:
                self._full[key] = cached
        return cached

    def _rubric_of(self, question_id: str) -> list[Criterion]:
        return list(self._bank.by_id(question_id).rubric)

    def evaluate(self, request: AnswerRequest) -> Evaluation:
        """Score an answer 0-10 with feedback quoting the sentences that earned it."""
        analysis = self.analyse(request)
        return evaluation_of(request, analysis)


def evaluation_of(request: AnswerRequest, analysis: Analysis) -> Evaluation:
    """The stored evaluation of an analysed answer."""
    score = clamp_score(analysis.score)
    return Evaluation(
        score=score,
        feedback=feedback_text(analysis, score),
        strengths=strengths(analysis),
        improvements=improvements(analysis),
        skill_scores=skill_scores(request.meta, analysis, score),
        criteria=criterion_scores(analysis),
        flags=list(analysis.flags),
        model=MODEL_NAME,
    )
