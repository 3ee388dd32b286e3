"""Folding the judge's test results into an evaluation: the tests decide correctness, not the prose.

Whoever read the answer (the offline grader or an LLM), its correctness verdict is replaced by the
tests': passing every test earns the correctness criterion and lifts the score; failing tests cap it
and the feedback names the failing behaviour; a timeout on the large input costs the complexity
criterion. Explanation and complexity discussion keep the reader's score, under those caps.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from coach.domain.evaluation import CriterionScore, Evaluation, clamp_score
from coach.domain.judge.report import JudgeReport, summary

CORRECTNESS = "correctness"
COMPLEXITY = "complexity"

PASSING_BASE = 7.0
PASSING_READER_SHARE = 0.3
"""Code passing every test scores 7 + 0.3 x the reader's score: correct bare code earns 7, a correct
solution explained with its complexity and trade-offs up to 10."""
TESTS_WEIGHT = 0.55
"""When tests fail: share of the score the passed tests carry; the rest is the reader's score."""
FAILING_CAP_FLOOR = 1.0
FAILING_CAP_SPAN = 3.0
"""Code that fails tests scores at most 1 + 3 * (share of tests passed): 4 at best, however well explained."""
COMPILE_ERROR_CAP = 2.0
SLOW_CAP = 6.5
"""Right answers but too slow on the large input: correct, not yet a good interview answer."""
NOT_RUN_FLAG = "code_not_run"
READER_WORDS_FROM = 5.0
"""Below this reader score its verdict is about missing prose, not the code: the feedback says so plainly."""


def apply_tests(evaluation: Evaluation, report: JudgeReport) -> Evaluation:
    """The evaluation with its correctness, score, feedback and skills set by the test results."""
    if report.status == "unavailable":
        note = f"Your code was not run ({summary(report)}); this score reads the code and explanation only."
        return msgspec.structs.replace(
            evaluation,
            feedback=f"{evaluation.feedback} {note}".strip(),
            flags=_with(evaluation.flags, NOT_RUN_FLAG),
        )
    reader = evaluation.score
    improvements = [i for i in evaluation.improvements if not _about_correctness(i, evaluation)]
    strengths = [s for s in evaluation.strengths if not _about_correctness(s, evaluation)]
    complexity_hit = report.large_case_timeout
    verdict = summary(report)
    flags = _with(evaluation.flags, "tests_failed")
    fold: Callable[[float], float]
    if report.status == "compile_error":
        correctness = 0.0
        improvements.insert(0, "Make the code compile and run: " + _first_line(report.compile_error) + ".")

        def fold(read: float) -> float:
            return min(read, COMPILE_ERROR_CAP)

    elif report.passed == report.total and report.total > 0:
        correctness = 10.0
        slowest = f" (the large input in {report.large_case_ms:.0f} ms)" if report.large_case_ms else ""
        strengths.insert(0, f"Correct: passes all {report.total} tests{slowest}.")
        flags = list(evaluation.flags)

        def fold(read: float) -> float:
            return PASSING_BASE + PASSING_READER_SHARE * read

    else:
        share = report.passed / report.total if report.total else 0.0
        only_slow = complexity_hit and all(c.passed for c in report.cases if not c.large)
        improvements[:0] = _failure_advice(report, only_slow)
        correctness = 10.0 if only_slow else round(10 * share * 0.5, 1)

        def fold(read: float) -> float:
            if only_slow:
                return min(PASSING_BASE + PASSING_READER_SHARE * read, SLOW_CAP)
            combined = TESTS_WEIGHT * 10 * share + (1 - TESTS_WEIGHT) * read
            return min(combined, FAILING_CAP_FLOOR + FAILING_CAP_SPAN * share)

    score = clamp_score(fold(reader))
    criteria = _criteria(evaluation.criteria, correctness, verdict, complexity_hit, score)
    return msgspec.structs.replace(
        evaluation,
        score=score,
        feedback=_feedback(verdict, evaluation.feedback, reader),
        strengths=strengths[:6],
        improvements=improvements[:6],
        # Each skill goes through the same fold as the whole answer: no skill outscores the tests.
        skill_scores={k: clamp_score(min(10.0, fold(v))) for k, v in evaluation.skill_scores.items()},
        criteria=criteria,
        flags=flags,
    )


def _feedback(verdict: str, reader_feedback: str, reader: float) -> str:
    """The tests' verdict first; the reader's words only where they judge the explanation, not the code."""
    explained = f"Explanation and complexity discussion: {reader:.1f}/10."
    if reader < READER_WORDS_FROM or not reader_feedback:
        # A low reader verdict ("this did not answer the question") would contradict code that runs.
        return f"{verdict} {explained} Say how the code works, why it is correct and what it costs."
    return f"{verdict} {explained} {reader_feedback}"


def _failure_advice(report: JudgeReport, only_slow: bool) -> list[str]:
    out: list[str] = []
    visible = report.first_failing_visible
    if visible is not None:
        detail = visible.message or visible.status.replace("_", " ")
        got = f", got {visible.actual}" if visible.actual is not None else ""
        want = f"expected {visible.expected}" if visible.expected is not None else detail
        out.append(f"Fails the example {visible.input}: {want}{got}.")
    behaviours = report.failing_behaviours()
    if behaviours:
        out.append("Fails when tested on: " + "; ".join(behaviours[:3]) + ".")
    if report.large_case_timeout:
        lead = "Right answers, but too slow" if only_slow else "Too slow"
        out.append(f"{lead} on the large input: the algorithm's time complexity is too high for the limits.")
    limits = sorted({c.limit for c in report.cases if c.limit and c.limit not in ("cpu", "wall")})
    if limits:
        out.append("The run hit the " + ", ".join(limits) + " limit.")
    return out


def _criteria(
    criteria: list[CriterionScore], correctness: float, verdict: str, slow: bool, cap: float
) -> list[CriterionScore]:
    out: list[CriterionScore] = []
    seen = False
    for c in criteria:
        if c.id == CORRECTNESS:
            seen = True
            out.append(CriterionScore(c.id, c.name, correctness, f"From the tests: {verdict}"))
        elif c.id == COMPLEXITY and slow:
            out.append(CriterionScore(c.id, c.name, min(c.score, 2.0), "Too slow on the large input."))
        else:
            out.append(msgspec.structs.replace(c, score=min(c.score, max(cap, correctness))))
    if not seen:
        out.insert(0, CriterionScore(CORRECTNESS, "Correctness", correctness, f"From the tests: {verdict}"))
    return out


def _about_correctness(text: str, evaluation: Evaluation) -> bool:
    names = {c.name for c in evaluation.criteria if c.id == CORRECTNESS} or {"Correctness"}
    return any(text.startswith(f"{name}:") or text.startswith(f"{name} ") for name in names)


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "it did not compile")
    return line[:200].rstrip(".")


def _with(flags: list[str], flag: str) -> list[str]:
    return flags if flag in flags else [*flags, flag]
