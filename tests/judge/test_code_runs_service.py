"""The interview's view of the judge: a missing toolchain or an unknown question is reported as not run,
never as a compile error that would sink the score."""

from __future__ import annotations

import uuid

import msgspec
import pytest
from litestar.stores.memory import MemoryStore

from coach.domain.bank_index import to_meta
from coach.domain.evaluation import Evaluation
from coach.domain.judge.grading import NOT_RUN_FLAG, apply_tests
from coach.domain.questions import QuestionMeta
from coach.llm.bank_loader import load_bank
from coach.sandbox import toolchains
from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.services.code_runs import CodeRuns

CORRECT_GO = "func twoSum(nums []int, target int) []int {\n\tseen := map[int]int{}\n\tfor i, n := range nums {\n\t\tif j, ok := seen[target-n]; ok {\n\t\t\treturn []int{j, i}\n\t\t}\n\t\tseen[n] = i\n\t}\n\treturn nil\n}\n"


def two_sum_meta(language: str = "go") -> QuestionMeta:
    [question] = [q for q in load_bank().questions if q.id == "code-e-two-sum-01"]
    return to_meta(question, language)


async def test_a_language_without_its_toolchain_is_not_run_and_the_feedback_says_so(
    sandbox: BubblewrapSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr(toolchains, "SYSTEM_PATH", str(tmp_path))
    runs = CodeRuns(sandbox, MemoryStore())
    meta = two_sum_meta()
    view = await runs.run(uuid.uuid4(), "q", meta, "go", CORRECT_GO, None, run_id="r")
    assert view.status == "unavailable"
    assert "go is not installed" in view.message
    report = await runs.test(meta, "go", CORRECT_GO)
    assert report is not None
    assert report.status == "unavailable"
    reader = Evaluation(score=6.0, feedback="Good.", strengths=[], improvements=[], skill_scores={})
    out = apply_tests(reader, report)
    assert out.score == 6.0
    assert NOT_RUN_FLAG in out.flags


async def test_with_the_toolchain_the_same_code_runs(sandbox: BubblewrapSandbox) -> None:
    runs = CodeRuns(sandbox, MemoryStore())
    report = await runs.test(two_sum_meta(), "go", CORRECT_GO)
    assert report is not None
    assert report.status == "passed"


async def test_a_follow_up_or_a_question_without_tests_is_not_judged(sandbox: BubblewrapSandbox) -> None:
    runs = CodeRuns(sandbox, MemoryStore())
    meta = two_sum_meta()
    assert await runs.test(msgspec.structs.replace(meta, follow_up_of=0), "go", CORRECT_GO) is None
    assert (
        await runs.test(msgspec.structs.replace(meta, bank_id="no-such-question"), "go", CORRECT_GO) is None
    )
