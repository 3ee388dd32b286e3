"""Where no cgroup can be made (or making one fails under load), runs fall back to rlimits: every
language still starts (V8, the JVM and Go reserve far more address space than they use), and a memory
bomb is still stopped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coach.domain.judge.spec import LANGUAGES
from coach.judge.runner import judge
from coach.judge.specs import spec_for
from coach.sandbox.bubblewrap import BubblewrapSandbox

pytestmark = pytest.mark.timeout(300)

BOMBS = {
    "python": "def two_sum(nums, target):\n    x = []\n    while True:\n        x.append(bytearray(1 << 24))\n",
    "javascript": "function twoSum(nums, target) {\n  const x = [];\n  for (;;) x.push(new Array(1 << 20).fill(1));\n}\n",
    "java": "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n"
    "        java.util.List<long[]> x = new java.util.ArrayList<>();\n"
    "        while (true) x.add(new long[1 << 20]);\n    }\n}\n",
    "go": "func twoSum(nums []int, target int) []int {\n\tx := [][]byte{}\n"
    "\tfor {\n\t\tb := make([]byte, 1<<24)\n\t\tfor i := range b {\n\t\t\tb[i] = 1\n\t\t}\n\t\tx = append(x, b)\n\t}\n}\n",
}


@pytest.fixture(scope="module")
def rlimits_only(sandbox: BubblewrapSandbox) -> Iterator[BubblewrapSandbox]:
    box = BubblewrapSandbox(use_cgroups=False)
    assert box.available(), box.why_unavailable
    yield box
    box.close()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_language_runs_without_a_memory_cgroup(
    language: str, rlimits_only: BubblewrapSandbox
) -> None:
    spec = spec_for("code-e-two-sum-01")
    assert spec is not None
    assert spec.solutions is not None
    report = await judge(spec, language, spec.solutions.reference[language], rlimits_only, cases="visible")
    assert report.status == "passed", (report.compile_error, report.stderr)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_memory_bomb_is_stopped_without_a_memory_cgroup(
    language: str, rlimits_only: BubblewrapSandbox
) -> None:
    spec = spec_for("code-e-two-sum-01")
    assert spec is not None
    report = await judge(spec, language, BOMBS[language], rlimits_only, cases="visible")
    assert report.status == "failed"
    assert report.passed == 0
    first = report.cases[0]
    assert first.status in ("limit", "error", "timeout"), first
