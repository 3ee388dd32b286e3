"""The words a candidate reads, built from evidence: quotes for what earned credit, claims for gaps.

A criterion appears under Strengths (with the sentence that earned it) or under To improve (with
what was missing), never both; "missing" is said only of a claim no sentence supports; an
asserted misconception is quoted and corrected first.
"""

from __future__ import annotations

from coach.domain.evaluation import CriterionScore
from coach.domain.evaluator.analysis import Analysis, CriterionResult, scale
from coach.domain.kinds import QuestionType

__all__ = ["COVERED", "FLAG_SENTENCES", "criterion_scores", "feedback_text", "improvements", "strengths"]

COVERED = 0.55
"""A criterion from this coverage up is a strength; below it, something to improve."""
SUPPORTED = 0.5
"""A claim from this support up was made; below it (but above zero) it was only touched on."""
_QUOTE_WORDS = 22

FLAG_SENTENCES = {
    "empty": "No answer was given.",
    "gibberish": "The answer could not be read as a response to the question.",
    "no_answer": "Saying you don't know is honest; next time reason out loud from what you do know.",
    "echoes_question": "The answer mostly repeats the question instead of answering it.",
    "list_of_terms": (
        "It reads as a list of terms: terms alone earn nothing, so say in sentences what each does and why."
    ),
    "padded": "Repetition and filler make the answer longer without adding to it; cut them.",
}
INJECTION_NOTE = (
    "Part of the answer addressed the grader instead of the interviewer; it was ignored and cost a point."
)


def quote(text: str) -> str:
    """A sentence of the answer, shortened to a readable quote."""
    words = text.split()
    short = " ".join(words[:_QUOTE_WORDS]) + (" …" if len(words) > _QUOTE_WORDS else "")
    return f"“{short.rstrip('.')}”"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "”")) else text + "."


def _other_question(analysis: Analysis) -> str | None:
    if analysis.topic is None or analysis.topic.other_title is None:
        return None
    return (
        f"This answer is about another question (“{analysis.topic.other_title}”) rather than the one asked,"
        " so its score is capped."
    )


def _strong(analysis: Analysis) -> list[CriterionResult]:
    if analysis.cap < 3.0:
        return []
    ranked = sorted(analysis.criteria, key=lambda r: -r.coverage)
    return [r for r in ranked if r.coverage >= COVERED and any(e.quote for e in r.evidence)]


def _weak(analysis: Analysis) -> list[CriterionResult]:
    return sorted(
        (r for r in analysis.criteria if r.coverage < COVERED),
        key=lambda r: -(r.criterion.weight * (1.0 - r.coverage)),
    )


def strengths(analysis: Analysis) -> list[str]:
    """Each well-covered criterion with the candidate's sentence that earned it (at most four)."""
    out = []
    for result in _strong(analysis)[:4]:
        best = max(result.evidence, key=lambda e: e.support)
        out.append(f"{result.criterion.name}: {quote(best.quote or '')} ({best.label}).")
    return out


def _gap(result: CriterionResult) -> str:
    missing = [e for e in result.evidence if e.support < SUPPORTED]
    touched = [e for e in missing if e.support > 0]
    absent = [e for e in missing if e.support == 0]
    parts = []
    if absent:
        parts.append("missing " + _join([e.label for e in absent]))
    if touched:
        parts.append("only touched on " + _join([e.label for e in touched]))
    example = (absent or touched or result.evidence)[0].claim if result.evidence else ""
    head = f"{result.criterion.name}: " + "; ".join(parts) + "." if parts else f"{result.criterion.name}."
    return head + (f" For example: {_sentence(example)}" if example else "")


def _join(items: list[str], limit: int = 3) -> str:
    shown = items[:limit]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def improvements(analysis: Analysis) -> list[str]:
    """Misconceptions (quoted and corrected), then the biggest gaps, then the guards that capped the score."""
    out = [
        f"You said {quote(hit.quote)}, but {_lower_first(hit.correction)}" for hit in analysis.misconceptions
    ]
    other = _other_question(analysis)
    if other:
        out.append(other + " Answer the question that was asked.")
    out.extend(_gap(r) for r in _weak(analysis)[:3])
    if analysis.structure is not None and analysis.structure.missing and analysis.cap >= 3.0:
        out.append("Structure: " + "; ".join(e.advice for e in analysis.structure.missing[:2]) + ".")
    for flag in ("list_of_terms", "padded"):
        if flag in analysis.flags:
            out.append(FLAG_SENTENCES[flag])
    if analysis.injected:
        out.append(INJECTION_NOTE + " Only the answer to the question is scored.")
    return out[:6]


def _lower_first(text: str) -> str:
    text = _sentence(text)
    # Keep acronyms and names ("MVCC stops…", "PostgreSQL …") as written.
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and not any(c.isupper() for c in first[1:]):
        return text[0].lower() + text[1:]
    return text


def _verdict(score: float) -> str:
    if score >= 8.5:
        return "Excellent answer"
    if score >= 7:
        return "Good answer"
    if score >= 5:
        return "A reasonable answer with gaps"
    if score >= 2.5:
        return "A thin answer"
    return "This did not answer the question"


def feedback_text(analysis: Analysis, score: float) -> str:
    """Two to four sentences: the verdict, what earned it or why it was capped, the biggest gap."""
    out = [f"{_verdict(score)} ({score:.1f}/10)."]
    guard = next(
        (f for f in ("empty", "gibberish", "no_answer", "echoes_question") if f in analysis.flags), None
    )
    if guard:
        out.append(FLAG_SENTENCES[guard])
    other = _other_question(analysis)
    if other:
        out.append(other)
    elif "list_of_terms" in analysis.flags:
        out.append(FLAG_SENTENCES["list_of_terms"])
    strong = _strong(analysis)
    if strong and not guard:
        best = max(strong[0].evidence, key=lambda e: e.support)
        out.append(
            f"Strongest on {strong[0].criterion.name.lower()}, where you said {quote(best.quote or '')}."
        )
    if analysis.misconceptions:
        hit = analysis.misconceptions[0]
        out.append(f"One claim is wrong: {_sentence(hit.correction)}")
    weak = _weak(analysis)
    if weak and not guard and len(out) < 4:
        missing = [e.label for e in weak[0].evidence if e.support < SUPPORTED]
        if missing:
            out.append(f"The biggest gap is {weak[0].criterion.name.lower()}: add {_join(missing, 2)}.")
    if analysis.injected and len(out) < 4:
        out.append(INJECTION_NOTE)
    return " ".join(out[:4])


def criterion_scores(analysis: Analysis, kind: QuestionType) -> list[CriterionScore]:
    """Per-criterion 0-10 scores (never above the answer's cap) with what supported them."""
    out = []
    for result in analysis.criteria:
        made = [e for e in result.evidence if e.support >= SUPPORTED]
        missing = [e for e in result.evidence if e.support < SUPPORTED]
        parts = []
        if made:
            parts.append("Supported: " + "; ".join(f"{e.label} {quote(e.quote or '')}" for e in made) + ".")
        if missing:
            parts.append("Missing: " + _join([e.label for e in missing], 5) + ".")
        # On the overall score's scale (per kind), under the answer's cap.
        score = min(scale(result.coverage, kind), analysis.cap)
        out.append(
            CriterionScore(result.criterion.id, result.criterion.name, round(score, 1), " ".join(parts))
        )
    return out
