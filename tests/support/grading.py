"""The offline grader as the app builds it (real bank, real sentence model), shared by the tests."""

from __future__ import annotations

from functools import lru_cache

from coach.domain.bank_index import answer_request
from coach.domain.evaluation import Evaluation
from coach.domain.evaluator import Grader
from coach.domain.evaluator.analysis import Analysis
from coach.embeddings.minilm import shared_embedder
from coach.llm.bank_loader import load_bank


@lru_cache(maxsize=1)
def grader() -> Grader:
    return Grader(load_bank(), shared_embedder())


def evaluate(question_id: str, answer: str, language: str | None = None) -> Evaluation:
    """Grade an answer to a bank question."""
    return grader().evaluate(answer_request(load_bank().by_id(question_id), answer, language))


def analyse(question_id: str, answer: str, language: str | None = None) -> Analysis:
    """Everything the grader measured about an answer to a bank question."""
    return grader().analyse(answer_request(load_bank().by_id(question_id), answer, language))
