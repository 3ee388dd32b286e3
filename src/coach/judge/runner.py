"""Judging a candidate's code: build the harness, run it in the sandbox, check every case's output."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any, Literal

import msgspec

from coach.domain.judge.checkers import check
from coach.domain.judge.report import CaseResult, JudgeReport, excerpt, render_args, show, status_for
from coach.domain.judge.spec import RAISES, Case, JudgeSpec
from coach.judge import trusted
from coach.judge.harness import STARTUP_SECONDS, Harness, build, payload, translate_compile_error
from coach.sandbox.port import Sandbox, StepResult

MAX_RUNS = 3
"""Sandbox runs per judge call: after a case runs out of time, the cases after it get a fresh process."""
SMALL_CASES_SECONDS = 2.0
"""CPU time all small cases share in one run (each still has its own per-case limit)."""


async def judge(
    spec: JudgeSpec,
    language: str,
    code: str,
    sandbox: Sandbox,
    cases: Literal["visible", "all"] = "all",
) -> JudgeReport:
    """Run `code` against the spec's visible examples or all its cases and report every case."""
    if not sandbox.available():
        return JudgeReport(spec.id, language, "unavailable")
    chosen = list(enumerate(spec.cases()))
    if cases == "visible":
        chosen = chosen[: len(spec.examples)]
    args = await asyncio.to_thread(lambda: {i: trusted.case_args(spec, i, c) for i, c in chosen})
    harness = build(spec, language, code)
    results: dict[int, CaseResult] = {}
    stdout_parts: list[str] = []
    stderr = ""
    runs = 0
    memory_kb = 0
    remaining = chosen
    while remaining and runs < MAX_RUNS:
        runs += 1
        marker = secrets.token_hex(16)
        seconds = STARTUP_SECONDS[language] + SMALL_CASES_SECONDS
        seconds += sum(spec.limit_ms(c) for _, c in remaining if c.large) / 1000
        step = harness.run_step(
            payload(spec, language, marker, [(i, args[i]) for i, _ in remaining]), seconds
        )
        steps = await sandbox.run(harness.files, [*harness.compile_steps, step])
        compiled = steps[: len(harness.compile_steps)]
        if compiled and not compiled[-1].ok:
            return _compile_failure(spec, language, harness, compiled[-1])
        if len(steps) <= len(harness.compile_steps):
            break
        ran = steps[-1]
        memory_kb = max(memory_kb, ran.max_rss_kb)
        records, printed = _parse(ran.stdout, marker)
        stdout_parts.append(printed)
        stderr = ran.stderr.decode(errors="replace")
        load_error = next((r["load_error"] for r in records if "load_error" in r), None)
        if load_error is not None:
            return JudgeReport(
                spec.id,
                language,
                "compile_error",
                compile_error=str(load_error),
                stdout=excerpt(printed),
                stderr=excerpt(stderr),
                runs=runs,
            )
        by_index = {int(r["i"]): r for r in records if "i" in r}
        for index, case in remaining:
            if index in by_index:
                results[index] = await _result(spec, index, case, args[index], by_index[index])
        done = any(r.get("done") for r in records)
        left = [(i, c) for i, c in remaining if i not in by_index]
        if done or not left:
            remaining = []
            break
        # The process stopped inside the first unreported case: that case caused it.
        index, case = left[0]
        results[index] = _stopped(spec, index, case, args[index], ran, stderr)
        remaining = left[1:]
    for index, case in remaining:
        results[index] = _base(
            spec, index, case, args[index], "not_run", "not run: earlier cases used up the time"
        )
    ordered = [results[i] for i, _ in chosen if i in results]
    return JudgeReport(
        spec.id,
        language,
        status_for(ordered),
        cases=ordered,
        stdout=excerpt("".join(stdout_parts)),
        stderr=excerpt(stderr),
        runs=runs,
        memory_kb=memory_kb,
    )


def _parse(stdout: bytes, marker: str) -> tuple[list[dict[str, Any]], str]:
    """The harness's records (lines starting with this run's marker) and everything else printed."""
    records: list[dict[str, Any]] = []
    printed: list[str] = []
    prefix = marker + " "
    for line in stdout.decode(errors="replace").splitlines(keepends=True):
        if line.startswith(prefix):
            try:
                record = json.loads(line[len(prefix) :])
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
                if record.get("stdout"):
                    printed.append(str(record["stdout"]))
        else:
            printed.append(line)
    return records, "".join(printed)


def _visible(spec: JudgeSpec, index: int) -> bool:
    return index < len(spec.examples)


def _render_input(spec: JudgeSpec, args: Any) -> str:
    if spec.kind == "function":
        return render_args([p.name for p in spec.params], list(args))
    ops, calls = args
    parts = [f"{op}({', '.join(show(a) for a in call)})" for op, call in zip(ops, calls, strict=False)]
    text = ", ".join(parts)
    return text if len(text) <= 500 else text[:500] + " …"


def _base(spec: JudgeSpec, index: int, case: Case, args: Any, status: Any, message: str) -> CaseResult:
    visible = _visible(spec, index)
    return CaseResult(
        index=index,
        visible=visible,
        status=status,
        description=case.description or ("large input" if case.large else ""),
        input=_render_input(spec, args) if visible else None,
        expected=show(trusted.expected_output(spec, index, case)) if visible and case.output else None,
        message=message,
        time_limit_ms=spec.limit_ms(case),
        large=case.large,
    )


async def _result(spec: JudgeSpec, index: int, case: Case, args: Any, record: dict[str, Any]) -> CaseResult:
    base = _base(spec, index, case, args, "passed", "")
    stdout = excerpt(str(record.get("stdout") or ""), 1000)
    expected = await asyncio.to_thread(trusted.expected_output, spec, index, case)
    if expected == RAISES:
        # The right answer is to refuse the input: any raised exception (Go: a non-nil error) passes.
        took = float(record.get("ms", 0.0))
        if record.get("raised"):
            return _replace(base, actual=show(RAISES) if base.visible else None, stdout=stdout)
        if record.get("ok"):
            shown = show(record.get("out")) if base.visible else None
            return _replace(
                base,
                status="wrong_answer",
                message="expected an error for this input",
                actual=shown,
                time_ms=took,
            )
    if not record.get("ok"):
        return _replace(
            base, status="error", message=excerpt(str(record.get("err", "error")), 500), stdout=stdout
        )
    # Sets arrive in the order the code iterated them: both sides are put in one order first.
    actual = spec.sort_sets(args, record.get("out"))
    expected = spec.sort_sets(args, expected)
    took = float(record.get("ms", 0.0))
    if spec.checker.kind == "validator":
        reason = await asyncio.to_thread(trusted.validator(spec), args, actual, expected)
    else:
        reason = check(spec.checker, expected, actual)
    shown = show(actual) if base.visible else None
    if reason is not None:
        return _replace(
            base, status="wrong_answer", message=reason, actual=shown, stdout=stdout, time_ms=took
        )
    if took > spec.limit_ms(case):
        message = f"took {took:.0f} ms, over the {spec.limit_ms(case)} ms limit"
        return _replace(base, status="timeout", message=message, actual=shown, stdout=stdout, time_ms=took)
    return _replace(base, actual=shown, stdout=stdout, time_ms=took)


def _stopped(spec: JudgeSpec, index: int, case: Case, args: Any, ran: StepResult, stderr: str) -> CaseResult:
    if ran.limit in ("cpu", "wall"):
        base = _base(spec, index, case, args, "timeout", "ran out of time (the process was stopped)")
    elif ran.limit is not None:
        base = _base(spec, index, case, args, "limit", f"stopped: over the {ran.limit} limit")
    else:
        base = _base(
            spec, index, case, args, "error", "crashed: " + (excerpt(stderr.strip(), 500) or "no message")
        )
    return _replace(base, limit=ran.limit, time_ms=ran.wall_seconds * 1000)


def _replace(result: CaseResult, **changes: Any) -> CaseResult:
    return msgspec.structs.replace(result, **changes)


def _compile_failure(spec: JudgeSpec, language: str, harness: Harness, step: StepResult) -> JudgeReport:
    raw = (step.stderr or step.stdout).decode(errors="replace")
    if step.limit is not None:
        raw = f"compilation stopped: over the {step.limit} limit\n" + raw
    return JudgeReport(
        spec.id,
        language,
        "compile_error",
        compile_error=excerpt(translate_compile_error(spec, harness, raw), 3000),
        runs=1,
    )
