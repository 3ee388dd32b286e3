"""What one judge run found: per-case results and the summary the feedback and the score read."""

from __future__ import annotations

import json
from typing import Any, Literal

import msgspec

CaseStatus = Literal["passed", "wrong_answer", "error", "timeout", "limit", "not_run"]
ReportStatus = Literal["passed", "failed", "compile_error", "unavailable"]

EXCERPT_CHARS = 2000
"""How much of a case's output or an error the report keeps."""


class CaseResult(msgspec.Struct, frozen=True):
    """One case's outcome. Hidden cases carry their description only: no input, expected or actual."""

    index: int
    visible: bool
    status: CaseStatus
    description: str = ""
    input: str | None = None
    expected: str | None = None
    actual: str | None = None
    message: str = ""
    stdout: str = ""
    time_ms: float = 0.0
    time_limit_ms: int = 0
    large: bool = False
    limit: str | None = None
    """The sandbox limit that stopped the run during this case (cpu, wall, memory, output …)."""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


class JudgeReport(msgspec.Struct, frozen=True):
    """A candidate's code run against a question's cases in one language."""

    question_id: str
    language: str
    status: ReportStatus
    cases: list[CaseResult] = []
    compile_error: str = ""
    stdout: str = ""
    stderr: str = ""
    runs: int = 0
    """Sandbox runs it took (more than one when a case ran out of time and the rest were run again)."""
    memory_kb: int = 0
    """Peak resident memory of the program over its runs (the sandbox's figure; 0 when not measured)."""

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def first_failing_visible(self) -> CaseResult | None:
        """The first visible case that failed: it can be shown in full."""
        return next((c for c in self.cases if c.visible and not c.passed), None)

    @property
    def large_case_timeout(self) -> bool:
        """Whether a case sized to catch a wrong-complexity algorithm ran out of time."""
        return any(c.large and c.status in ("timeout", "not_run") for c in self.cases)

    @property
    def large_case_ms(self) -> float | None:
        """The slowest large case's time, when every large case finished."""
        times = [c.time_ms for c in self.cases if c.large]
        return max(times) if times and not self.large_case_timeout else None

    def failing_behaviours(self) -> list[str]:
        """The descriptions of failing hidden cases, for feedback that names the behaviour."""
        return [c.description for c in self.cases if not c.visible and not c.passed and c.description]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of `text`, marked when cut."""
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"


def show(value: Any) -> str:
    """A value as compact JSON for the report (long values cut)."""
    return excerpt(json.dumps(value, separators=(",", ":")), 500)


def render_args(names: list[str], args: list[Any]) -> str:
    """A visible case's input as `nums = [2,7,11,15], target = 9`."""
    return ", ".join(f"{n} = {show(a)}" for n, a in zip(names, args, strict=False))


def status_for(cases: list[CaseResult]) -> ReportStatus:
    """passed when every case passed, else failed."""
    return "passed" if cases and all(c.passed for c in cases) else "failed"


def summary(report: JudgeReport) -> str:
    """One sentence for feedback: how many passed and which behaviour failed first."""
    if report.status == "unavailable":
        return f"The code was not run: {report.language} is not available on this server."
    if report.status == "compile_error":
        return "The code did not compile: " + excerpt(report.compile_error, 300)
    text = f"Passed {report.passed} of {report.total} tests."
    visible = report.first_failing_visible
    if visible is not None:
        text += f" Fails the example {visible.input}: {visible.message or visible.status}."
    behaviours = report.failing_behaviours()
    if behaviours:
        text += " Fails when tested on: " + "; ".join(behaviours[:3]) + "."
    if report.large_case_timeout:
        text += " Too slow on the large input: the algorithm's complexity is too high."
    return text
