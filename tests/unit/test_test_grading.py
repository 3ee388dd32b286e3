"""The tests decide correctness: folding a judge report into whatever evaluation the reader produced."""

from __future__ import annotations

from coach.domain.evaluation import CriterionScore, Evaluation
from coach.domain.judge.grading import NOT_RUN_FLAG, apply_tests
from coach.domain.judge.report import CaseResult, JudgeReport

READER = Evaluation(
    score=5.0,
    feedback="A reasonable answer with gaps.",
    strengths=["Complexity: states O(n) time."],
    improvements=["Correctness: missing case-insensitive compare.", "Complexity: only touched on space."],
    skill_scores={"algorithms": 5.0, "communication": 4.0},
    criteria=[
        CriterionScore("correctness", "Correctness", 4.0, "Missing: case-insensitive compare."),
        CriterionScore("complexity", "Complexity", 6.0, "Supported: O(n)."),
    ],
)


def case(
    index: int, status: str = "passed", *, visible: bool = False, large: bool = False, **extra: object
) -> CaseResult:
    return CaseResult(index=index, visible=visible, status=status, large=large, **extra)  # type: ignore[arg-type]


def report(cases: list[CaseResult], status: str = "", compile_error: str = "") -> JudgeReport:
    chosen = status or ("passed" if all(c.passed for c in cases) else "failed")
    return JudgeReport("q", "python", chosen, cases=cases, compile_error=compile_error)  # type: ignore[arg-type]


PASSING = [
    case(0, visible=True),
    case(1, visible=True),
    *[case(i) for i in range(2, 12)],
    case(12, large=True, time_ms=40.0),
]


def test_passing_every_test_earns_correctness_and_drops_the_readers_correctness_gaps() -> None:
    out = apply_tests(READER, report(PASSING))
    assert out.score >= 8.0
    assert out.score > READER.score
    correctness = next(c for c in out.criteria if c.id == "correctness")
    assert correctness.score == 10.0
    assert out.strengths[0] == "Correct: passes all 13 tests (the large input in 40 ms)."
    # The tests proved the behaviour, so "missing case-insensitive compare" would be false feedback.
    assert not any(i.startswith("Correctness:") for i in out.improvements)
    assert "Complexity: only touched on space." in out.improvements


def test_bare_correct_code_scores_well_even_when_the_reader_gives_it_nothing() -> None:
    bare = Evaluation(score=0.0, feedback="", strengths=[], improvements=[], skill_scores={"algorithms": 0.0})
    out = apply_tests(bare, report(PASSING))
    assert out.score >= 7.0
    assert out.skill_scores["algorithms"] >= 7.0


def test_failing_tests_cap_the_score_and_name_the_failing_behaviour() -> None:
    expert = Evaluation(
        score=9.5, feedback="Excellent.", strengths=[], improvements=[], skill_scores={"algorithms": 9.5}
    )
    cases = [
        case(0, visible=True),
        case(
            1,
            "wrong_answer",
            visible=True,
            input="nums = [3,2,4], target = 6",
            expected="[1,2]",
            actual="[0,0]",
        ),
        *[case(i) for i in range(2, 11)],
        case(11, "wrong_answer", description="the target is twice a value that appears once"),
    ]
    out = apply_tests(expert, report(cases))
    assert out.score <= 4.0, "however well explained, code that fails tests is not a good answer"
    assert "tests_failed" in out.flags
    assert out.improvements[0] == "Fails the example nums = [3,2,4], target = 6: expected [1,2], got [0,0]."
    assert "Fails when tested on: the target is twice a value that appears once." in out.improvements
    assert out.skill_scores["algorithms"] <= 4.0
    assert out.feedback.startswith("Passed 10 of 12 tests.")


def test_more_tests_failed_means_a_lower_score() -> None:
    def with_failures(n: int) -> float:
        cases = [case(i, "wrong_answer" if i < n else "passed", description=f"case {i}") for i in range(12)]
        return apply_tests(READER, report(cases)).score

    assert with_failures(1) > with_failures(6) > with_failures(12)


def test_code_that_does_not_compile_scores_at_most_two() -> None:
    out = apply_tests(READER, report([], "compile_error", "line 3: error: ';' expected"))
    assert out.score <= 2.0
    assert out.improvements[0] == "Make the code compile and run: line 3: error: ';' expected."


def test_right_answers_too_slow_on_the_large_input_cost_the_complexity_criterion() -> None:
    slow = [*PASSING[:-1], case(12, "timeout", large=True, description="large input")]
    out = apply_tests(READER, report(slow))
    assert 5.0 <= out.score <= 6.5
    complexity = next(c for c in out.criteria if c.id == "complexity")
    assert complexity.score <= 2.0
    assert any("too slow on the large input" in i for i in out.improvements)


def test_code_that_was_not_run_keeps_the_readers_score_and_says_so() -> None:
    out = apply_tests(READER, JudgeReport("q", "go", "unavailable"))
    assert out.score == READER.score
    assert NOT_RUN_FLAG in out.flags
    assert "not run" in out.feedback
