"""Turn an analysis into the words a candidate reads: feedback, strengths, improvements."""

from __future__ import annotations

from coach.domain.evaluation import CriterionScore
from coach.domain.evaluator.coverage import CriterionCoverage
from coach.domain.evaluator.scoring import Analysis

__all__ = ["INJECTION_NOTE", "criterion_scores", "feedback_text", "improvements", "strengths"]

INJECTION_NOTE = "Part of this answer addressed the grader; it was ignored."
_COVERED = 0.6


def _join(items: list[str], limit: int = 3) -> str:
    shown = items[:limit]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else text


def criterion_scores(analysis: Analysis) -> list[CriterionScore]:
    """Per-criterion 0-10 scores, each with what was covered and what was missing."""
    out: list[CriterionScore] = []
    for c in analysis.coverage:
        parts = []
        if c.covered:
            parts.append(f"Covered {_join(c.covered)}.")
        if c.missing:
            parts.append(f"Missing {_join(c.missing)}.")
        # The answer's overall score caps each criterion, so a non-answer cannot shine on one.
        score = min(10.0 * c.coverage, analysis.score + 2.0) if analysis.flags else 10.0 * c.coverage
        out.append(CriterionScore(c.criterion.id, c.criterion.name, round(score, 1), " ".join(parts)))
    return out


def strengths(analysis: Analysis) -> list[str]:
    """What the answer did well, by rubric criterion and structure."""
    if analysis.score < 1.5:
        return []
    out = [
        f"{c.criterion.name}: you covered {_join(c.covered)}."
        for c in sorted(analysis.coverage, key=lambda c: -c.coverage)
        if c.coverage >= _COVERED and c.covered
    ]
    if analysis.structure.score >= 0.75:
        out.append(f"Well structured: the answer has {_join(analysis.structure.present, 5)}.")
    return out[:4]


def _gap(c: CriterionCoverage) -> str:
    missing = _join(c.missing) or "the key points"
    return f"{c.criterion.name}: missing {missing}. A strong answer {_lower_first(c.criterion.strong)}."


def improvements(analysis: Analysis, injected: bool) -> list[str]:
    """What to add next time: missing key points (with why, from the rubric) and missing structure."""
    out: list[str] = []
    if injected:
        out.append(INJECTION_NOTE + " Answer the question itself; only that is scored.")
    gaps = sorted(
        (c for c in analysis.coverage if c.coverage < _COVERED or c.missing), key=lambda c: c.coverage
    )
    out.extend(_gap(c) for c in gaps[:3])
    if analysis.structure.missing:
        advice = [e.advice for e in analysis.structure.missing[:2]]
        out.append("Structure: " + "; ".join(advice) + ".")
    if "padded" in analysis.flags:
        out.append("Cut repetition and filler: a concise answer that covers the points scores higher.")
    return out


def _verdict(score: float) -> str:
    if score >= 8.5:
        return "Excellent answer"
    if score >= 7:
        return "Good answer"
    if score >= 5:
        return "A reasonable start"
    if score >= 2.5:
        return "A thin answer"
    return "This did not answer the question"


_FLAG_SENTENCE = {
    "empty": "No answer was given.",
    "no_answer": "Saying you don't know is honest, but try to reason out loud from what you do know.",
    "gibberish": "The answer could not be read as a response to the question.",
    "off_topic": "The answer does not address the question that was asked.",
    "echoes_question": "The answer mostly repeats the question instead of answering it.",
}


def feedback_text(analysis: Analysis, score: float, injected: bool) -> str:
    """Two or three sentences: verdict with the best-covered area, the biggest gap, any integrity note."""
    sentences: list[str] = []
    flag = next((f for f in analysis.flags if f in _FLAG_SENTENCE), None)
    best = max(analysis.coverage, key=lambda c: c.coverage, default=None)
    worst = min(analysis.coverage, key=lambda c: c.coverage, default=None)
    if flag:
        sentences.append(f"{_verdict(score)} ({score:.1f}/10). {_FLAG_SENTENCE[flag]}")
    elif best is not None and best.coverage >= _COVERED:
        sentences.append(f"{_verdict(score)} ({score:.1f}/10): strongest on {best.criterion.name.lower()}.")
    else:
        sentences.append(f"{_verdict(score)} ({score:.1f}/10).")
    if worst is not None and worst.coverage < _COVERED:
        sentences.append(
            f"The biggest gap is {worst.criterion.name.lower()}: a strong answer"
            f" {_lower_first(worst.criterion.strong)}."
        )
    elif worst is not None and worst.missing:
        sentences.append(
            f"To make it complete, add {_join(worst.missing)} under {worst.criterion.name.lower()}."
        )
    elif analysis.structure.missing:
        sentences.append(f"To round it off, {analysis.structure.missing[0].advice}.")
    else:
        sentences.append("It covers every point the rubric looks for.")
    if injected:
        sentences.append(INJECTION_NOTE)
    return " ".join(sentences[:3])
