"""A run reports the program's peak memory, so a candidate sees what their solution costs."""

from __future__ import annotations

from coach.judge.runner import judge
from coach.judge.specs import load_specs
from coach.sandbox.bubblewrap import BubblewrapSandbox
from tests.ws.test_code_runs import CORRECT

LEAN = CORRECT

# The same answer, holding on to ~80 MB it never needed.
HEAVY = LEAN.replace(
    "    seen = {}", "    global ballast\n    ballast = bytearray(80 * 1024 * 1024)\n    seen = {}"
)


async def test_a_run_reports_peak_memory_and_a_hungrier_solution_shows_more(
    sandbox: BubblewrapSandbox,
) -> None:
    spec = load_specs()["code-e-two-sum-01"]
    lean = await judge(spec, "python", LEAN, sandbox, cases="visible")
    heavy = await judge(spec, "python", HEAVY, sandbox, cases="visible")
    assert lean.status == heavy.status == "passed"
    assert 1024 < lean.memory_kb < 200 * 1024
    assert heavy.memory_kb > lean.memory_kb + 60 * 1024
