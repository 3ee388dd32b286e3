"""Every pilot spec, in every language: the reference passes every case; starter and wrong code fail one."""

from __future__ import annotations

import pytest

from coach.domain.judge.spec import LANGUAGES
from coach.judge.runner import judge
from coach.judge.specs import load_specs
from coach.sandbox.bubblewrap import BubblewrapSandbox
from tests.judge.conftest import starter_code

SPECS = load_specs()
PAIRS = [(qid, lang) for qid in sorted(SPECS) for lang in LANGUAGES]
pytestmark = pytest.mark.timeout(300)


@pytest.mark.parametrize(("question_id", "language"), PAIRS)
async def test_reference_passes_every_case(
    question_id: str, language: str, sandbox: BubblewrapSandbox
) -> None:
    spec = SPECS[question_id]
    assert spec.solutions is not None
    report = await judge(spec, language, spec.solutions.reference[language], sandbox)
    failing = [(c.index, c.description, c.status, c.message) for c in report.cases if not c.passed]
    assert report.status == "passed", (report.compile_error, failing, report.stderr)
    assert report.passed == report.total == len(spec.cases())
    assert report.runs == 1


@pytest.mark.parametrize(("question_id", "language"), PAIRS)
async def test_wrong_solution_fails_a_case(
    question_id: str, language: str, sandbox: BubblewrapSandbox
) -> None:
    spec = SPECS[question_id]
    assert spec.solutions is not None
    report = await judge(spec, language, spec.solutions.wrong[language], sandbox)
    assert report.status == "failed", report.compile_error
    assert report.passed < report.total
    assert report.passed > 0, "the wrong solution should compile and pass some cases"


@pytest.mark.parametrize(("question_id", "language"), PAIRS)
async def test_starter_code_fails_a_visible_case(
    question_id: str, language: str, sandbox: BubblewrapSandbox
) -> None:
    spec = SPECS[question_id]
    report = await judge(spec, language, starter_code(question_id, language), sandbox, cases="visible")
    assert report.status in ("failed", "compile_error")
    if report.status == "failed":
        assert report.first_failing_visible is not None
