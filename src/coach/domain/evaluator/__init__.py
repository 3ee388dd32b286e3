"""The offline evaluator: deterministic rubric scoring of an answer, no model needed."""

from __future__ import annotations

from coach.domain.evaluation import Evaluation, clamp_score
from coach.domain.evaluator.feedback import criterion_scores, feedback_text, improvements, strengths
from coach.domain.evaluator.scoring import Analysis, analyse
from coach.domain.evaluator.skills import skill_scores
from coach.domain.injection import detect_injection
from coach.domain.questions import AnswerRequest

__all__ = ["INJECTION_PENALTY", "MODEL_NAME", "evaluate_answer"]

MODEL_NAME = "offline-rubric"
INJECTION_PENALTY = 1.0
"""Points taken off an answer that tried to steer the grader (after its injected text is removed)."""


def evaluate_answer(request: AnswerRequest) -> Evaluation:
    """Score an answer against its question's rubric, deterministically; injected text is cut first."""
    report = detect_injection(request.answer)
    analysis: Analysis = analyse(request, report.cleaned if report.flagged else request.answer)
    score = analysis.score
    flags = list(analysis.flags)
    if report.flagged:
        # Score the cleaned text, then deduct: extra text addressed to the grader can only cost.
        score = max(0.0, score - INJECTION_PENALTY)
        flags.append("prompt_injection")
    score = clamp_score(score)
    return Evaluation(
        score=score,
        feedback=feedback_text(analysis, score, report.flagged),
        strengths=strengths(analysis),
        improvements=improvements(analysis, report.flagged),
        skill_scores=skill_scores(request.meta, analysis, score),
        criteria=criterion_scores(analysis),
        flags=flags,
        model=MODEL_NAME,
    )
