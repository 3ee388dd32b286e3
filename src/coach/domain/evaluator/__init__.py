"""The grader: scores the claims an answer makes and explains, from evidence, no LLM needed.

`Grader(bank, embedder).evaluate(request)` is the offline interviewer's evaluation and the
findings an LLM judge works within (see docs/evaluator.md).
"""

from __future__ import annotations

import threading

from coach.domain.bank import Criterion
from coach.domain.bank_index import Bank
from coach.domain.evaluation import Evaluation, clamp_score
from coach.domain.evaluator.analysis import Analysis, analyse
from coach.domain.evaluator.feedback import criterion_scores, feedback_text, improvements, strengths
from coach.domain.evaluator.semantic import Embedder
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
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def warm(self) -> None:
        """Embed the bank's titles now rather than on the first answer."""
        self._index()

    def _index(self) -> TopicIndex:
        with self._lock:
            if self._topics is None:
                questions = list(self._bank.questions)
                # Titles, not whole prompts: short to embed at start-up; the rubric check decides anyway.
                vectors = self._embedder.embed([q.title for q in questions])
                self._topics = TopicIndex(
                    tuple(q.id for q in questions), tuple(q.title for q in questions), tuple(vectors)
                )
            return self._topics

    def analyse(self, request: AnswerRequest) -> Analysis:
        """Every measurement behind a score, for the feedback and for an LLM judge's findings."""
        return analyse(request, self._embedder, self._index(), self._rubric_of)

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
        criteria=criterion_scores(analysis, request.meta.kind),
        flags=list(analysis.flags),
        model=MODEL_NAME,
    )
