"""Running a candidate's code: the Run button (visible examples, custom input) and the tests on submit.

Only questions with a judge spec (`coach/bank/judge/`) are run; any other coding question, a language
without its toolchain, or a server without the sandbox is reviewed without running, and says so.
The last run of each question is kept in the shared store, so a reconnect (to any instance) shows it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import msgspec
from litestar.stores.base import Store

from coach import protocol as m
from coach.clock import utcnow
from coach.domain.judge.report import CaseResult, JudgeReport, summary
from coach.domain.judge.spec import LANGUAGES, RAISES, Case, JudgeSpec
from coach.domain.questions import QuestionMeta
from coach.judge import trusted
from coach.judge.runner import judge
from coach.judge.specs import load_specs, spec_for
from coach.sandbox.bubblewrap import SandboxUnavailable
from coach.sandbox.pool import Busy
from coach.sandbox.port import Sandbox
from coach.sandbox.remote import RunnerAway
from coach.sandbox.toolchains import find_binaries

log = logging.getLogger("coach.code_runs")

LAST_RUN_SECONDS = 24 * 3600
REFERENCE_SECONDS = 5.0
"""How long the bank's reference may take to compute the expected output of a custom input."""
BUSY_RETRIES_SECONDS = 120.0
"""How long an evaluation keeps retrying a busy sandbox before the evaluation is retried later."""


class InvalidInput(ValueError):
    """A custom input that does not fit the question's signature."""


class CodeRuns:
    """The sandboxed judge as the interview uses it."""

    def __init__(self, sandbox: Sandbox, store: Store) -> None:
        self.sandbox = sandbox
        self._store = store
        self._missing: dict[str, str] = {}

    def missing_toolchain(self, language: str) -> str:
        """Why this language cannot run here ("" when its toolchain is installed); checked once."""
        if language not in self._missing:
            found = find_binaries(language)  # type: ignore[arg-type]
            self._missing[language] = found if isinstance(found, str) else ""
        return self._missing[language]

    @staticmethod
    def spec_of(meta: QuestionMeta) -> JudgeSpec | None:
        """The tests of an asked question: bank coding questions only, never a follow-up."""
        if meta.kind != "coding" or meta.bank_id is None or meta.follow_up_of is not None:
            return None
        return spec_for(meta.bank_id)

    def runnable_bank_ids(self) -> tuple[str, ...]:
        """The bank questions whose code can be run here (none when the sandbox is off)."""
        return tuple(sorted(load_specs())) if self.sandbox.available() else ()

    async def run(
        self,
        session_id: uuid.UUID,
        question_id: str,
        meta: QuestionMeta,
        language: str,
        code: str,
        custom_input: str | None,
        *,
        run_id: str,
    ) -> m.RunView:
        """Run `code` on the visible examples (and the custom input); keep the result as the last run."""
        view = await self._run(run_id, meta, language, code, custom_input)
        view = msgspec.structs.replace(view, finished_at=utcnow())
        if view.status not in ("busy", "invalid_input"):
            await self._store.set(
                self._key(session_id, question_id), msgspec.json.encode(view), LAST_RUN_SECONDS
            )
        return view

    async def _run(
        self, run_id: str, meta: QuestionMeta, language: str, code: str, custom_input: str | None
    ) -> m.RunView:
        if language not in LANGUAGES:
            return m.RunView(
                run_id,
                language,
                "invalid_input",
                message=f"Code runs in {', '.join(LANGUAGES)}, not {language}.",
            )
        spec = self.spec_of(meta)
        if spec is None:
            return m.RunView(
                run_id,
                language,
                "unavailable",
                message="This question has no tests yet: your code is reviewed when you submit, not run.",
            )
        if not self.sandbox.available():
            return m.RunView(
                run_id,
                language,
                "unavailable",
                message="Code runs are off on this server: your code is reviewed, not run.",
            )
        if missing := self.missing_toolchain(language):
            return m.RunView(
                run_id,
                language,
                "unavailable",
                message=f"{language} cannot run on this server ({missing}): your code is reviewed, not run.",
            )
        custom = None
        if custom_input is not None and custom_input.strip():
            try:
                custom = await self._custom_case(spec, custom_input)
            except InvalidInput as exc:
                return m.RunView(run_id, language, "invalid_input", message=str(exc))
            spec = msgspec.structs.replace(spec, examples=[*spec.examples, custom])
        try:
            report = await judge(spec, language, code, self.sandbox, cases="visible")
        except SandboxUnavailable as exc:
            return m.RunView(run_id, language, "unavailable", message=f"The code was not run: {exc}.")
        except Busy as busy:
            return m.RunView(
                run_id,
                language,
                "busy",
                message=f"Many candidates are running code right now; try again in {busy.retry_after_seconds} s.",
                retry_after_seconds=busy.retry_after_seconds,
            )
        custom_index = len(spec.examples) - 1 if custom is not None else None
        return _run_view(run_id, report, custom_index)

    async def _custom_case(self, spec: JudgeSpec, text: str) -> Case:
        try:
            args = json.loads(text)
        except ValueError as exc:
            raise InvalidInput(f"The custom input is not JSON: {exc}.") from None
        shape = (
            f"a JSON array of {len(spec.params)} argument(s): " + ", ".join(p.name for p in spec.params)
            if spec.kind == "function"
            else "[operations, arguments], as in the examples"
        )
        if not isinstance(args, list):
            raise InvalidInput(f"The custom input must be {shape}.")
        if spec.kind == "function" and len(args) != len(spec.params):
            raise InvalidInput(f"The custom input must be {shape}.")
        if spec.kind == "design" and (
            len(args) != 2 or not all(isinstance(a, list) for a in args) or len(args[0]) != len(args[1])
        ):
            raise InvalidInput(f"The custom input must be {shape}.")
        try:
            async with asyncio.timeout(REFERENCE_SECONDS):
                expected = await asyncio.to_thread(trusted.reference_output, spec, args)
        except TimeoutError:
            raise InvalidInput("The custom input is too large to check; try a smaller one.") from None
        output = '{"error": true}' if expected == RAISES else json.dumps(expected)
        return Case(input=json.dumps(args), output=output, description="your input")

    async def last_run(self, session_id: uuid.UUID, question_id: str) -> m.RunView | None:
        """The last kept run of this question, if any."""
        raw = await self._store.get(self._key(session_id, question_id))
        if raw is None:
            return None
        try:
            return msgspec.json.decode(raw, type=m.RunView)
        except msgspec.ValidationError:
            return None

    async def last_runs(self, session_id: uuid.UUID, question_ids: list[str]) -> dict[str, m.RunView]:
        """The kept runs of these questions."""
        found = await asyncio.gather(*(self.last_run(session_id, q) for q in question_ids))
        return {q: run for q, run in zip(question_ids, found, strict=True) if run is not None}

    async def test(
        self, meta: QuestionMeta, language: str | None, code: str, *, wait_for_runner: bool = False
    ) -> JudgeReport | None:
        """Run a submitted answer against every test; None when the question has no tests.

        A busy sandbox is waited for (the evaluation is a background job); an unknown language or a
        server without the sandbox gives an `unavailable` report, so the feedback says it was not run.
        With `wait_for_runner`, a remote runner that is away raises `RunnerAway` (try again later)
        instead of giving that report.
        """
        spec = self.spec_of(meta)
        if spec is None:
            return None
        lang = language or meta.language or "python"
        if lang not in LANGUAGES or not self.sandbox.available() or self.missing_toolchain(lang):
            return JudgeReport(spec.id, lang, "unavailable")
        loop = asyncio.get_running_loop()
        give_up = loop.time() + BUSY_RETRIES_SECONDS
        while True:
            try:
                return await judge(spec, lang, code, self.sandbox, cases="all")
            except RunnerAway:
                if wait_for_runner:
                    raise
                return JudgeReport(spec.id, lang, "unavailable")
            except SandboxUnavailable:
                return JudgeReport(spec.id, lang, "unavailable")
            except Busy as busy:
                if loop.time() + busy.retry_after_seconds > give_up:
                    raise
                await asyncio.sleep(busy.retry_after_seconds)

    def _key(self, session_id: uuid.UUID, question_id: str) -> str:
        return f"run:{session_id}:{question_id}"


def _case_view(case: CaseResult, custom_index: int | None) -> m.RunCase:
    return m.RunCase(
        index=case.index,
        status=case.status,
        input=case.input,
        expected=case.expected,
        actual=case.actual,
        message=case.message,
        stdout=case.stdout,
        time_ms=round(case.time_ms, 1),
        custom=case.index == custom_index,
        limit=case.limit,
    )


def _run_view(run_id: str, report: JudgeReport, custom_index: int | None) -> m.RunView:
    status: Any = report.status
    return m.RunView(
        run_id=run_id,
        language=report.language,
        status=status,
        passed=report.passed,
        total=report.total,
        cases=[_case_view(c, custom_index) for c in report.cases],
        compile_error=report.compile_error,
        stderr=report.stderr,
        message=summary(report),
        memory_kb=report.memory_kb,
    )


def tests_view(report: JudgeReport) -> m.TestsView:
    """What is stored with the evaluation and shown with the feedback (hidden cases described only)."""
    first = report.first_failing_visible
    return m.TestsView(
        language=report.language,
        status=report.status,
        passed=report.passed,
        total=report.total,
        summary=summary(report),
        first_failing=_case_view(first, None) if first is not None else None,
        failing_behaviours=report.failing_behaviours()[:5],
        large_case_timeout=report.large_case_timeout,
        large_case_ms=round(report.large_case_ms, 1) if report.large_case_ms is not None else None,
        limits=sorted({c.limit for c in report.cases if c.limit}),
        compile_error=report.compile_error,
    )
