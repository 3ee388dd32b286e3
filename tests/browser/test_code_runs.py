"""A coding interview in the browser, in each of the four languages: the starter follows the language,
Run shows each example, a subtle bug is caught on submit with the failing behaviour named, and a
correct solution gets full correctness.

The bank picks the questions (preferring ones whose code can be run); the test reads which were asked
and pastes that question's wrong and reference solutions from its judge spec.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.domain.judge.spec import JudgeSpec
from coach.judge.specs import spec_for
from coach.sandbox.bubblewrap import BubblewrapSandbox
from coach.store.models import InterviewQuestion
from tests.browser.conftest import Browser, new_user, register, start_interview

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
    pytest.mark.timeout(300),
]

PASTE = """(el, text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""
RUN_TIMEOUT_MS = 60_000


@pytest.fixture(autouse=True)
def _sandbox_works() -> None:
    if not BubblewrapSandbox().available():
        pytest.skip("the sandbox is unavailable here (CI installs bubblewrap and fails instead)")


async def asked_spec(db: async_sessionmaker[AsyncSession], session_id: str, position: int) -> JudgeSpec:
    async with db() as s:
        question = (
            await s.execute(
                select(InterviewQuestion).where(
                    InterviewQuestion.session_id == uuid.UUID(session_id),  # type: ignore[arg-type]
                    InterviewQuestion.position == position,  # type: ignore[arg-type]
                )
            )
        ).scalar_one()
    bank_id = (question.data or {}).get("bank_id")
    spec = spec_for(str(bank_id))
    assert spec is not None, (
        f"question {position} ({bank_id}) has no tests: the bank should prefer runnable ones"
    )
    return spec


async def write_code(page: Page, code: str) -> None:
    editor = page.get_by_test_id("code-editor").locator(".cm-content")
    await editor.click()
    await page.keyboard.press("ControlOrMeta+a")
    await editor.evaluate(PASTE, code)
    await expect(page.get_by_test_id("draft-status")).to_have_text("Draft saved.")


async def choose_language(page: Page, spec: JudgeSpec, language: str) -> None:
    await page.get_by_test_id("language-select").select_option(language)
    entry = spec.entry[language]
    name = entry.name if spec.kind == "function" else (entry.class_name or "").split(".")[-1]
    # Untouched starter code follows the language picked.
    await expect(page.get_by_test_id("code-editor").locator(".cm-content")).to_contain_text(name)


@pytest.mark.parametrize("language", ["python", "javascript", "java", "go"])
async def test_run_the_examples_catch_a_bug_on_submit_and_pass_a_correct_solution(
    web: Browser, db: async_sessionmaker[AsyncSession], language: str
) -> None:
    page = await web.page()
    await register(web, page, new_user())
    session_id = await start_interview(web, page, type_="coding", difficulty="easy", minutes=10)
    await expect(page.get_by_test_id("question-text")).to_have_attribute("aria-busy", "false")

    spec = await asked_spec(db, session_id, 0)
    assert spec.solutions is not None
    await choose_language(page, spec, language)
    await write_code(page, spec.solutions.wrong[language])
    await page.get_by_test_id("run-code").click()
    panel = page.get_by_test_id("run-panel")
    await expect(panel.get_by_test_id("run-title")).not_to_have_text("", timeout=RUN_TIMEOUT_MS)
    await expect(panel).to_have_attribute(
        "data-status", re.compile("^(passed|failed)$"), timeout=RUN_TIMEOUT_MS
    )
    await expect(panel.get_by_test_id("run-case")).to_have_count(len(spec.examples))
    await expect(panel.get_by_test_id("run-figures")).to_contain_text(re.compile(r"peak memory \d+\.\d MB"))
    await web.shot(page, f"run-{language}")

    await page.get_by_test_id("submit-answer").click()
    tests = page.get_by_test_id("tests-block")
    await expect(tests).to_have_attribute("data-status", "failed", timeout=RUN_TIMEOUT_MS)
    # The feedback names the failing behaviour (a hidden test's description, or the failing example).
    card = page.get_by_test_id("feedback-card")
    await expect(card).to_contain_text(
        re.compile(r"Fails (when tested on|the example)|too slow on the large input")
    )
    score = float(await page.get_by_test_id("feedback-score").inner_text())
    # Wrong answers cap the score at 4; right answers too slow on the large input (naive recursion) at 6.5.
    only_slow = "Right answers, but too slow" in await card.inner_text()
    assert score <= (6.5 if only_slow else 4.0)
    await web.shot(page, f"bug-caught-{language}")

    # A fresh interview for the correct solution (after a failed answer the next question is a follow-up).
    session_id = await start_interview(web, page, type_="coding", difficulty="easy", minutes=10)
    await expect(page.get_by_test_id("question-text")).to_have_attribute("aria-busy", "false")
    second = await asked_spec(db, session_id, 0)
    assert second.solutions is not None
    await choose_language(page, second, language)
    await write_code(page, second.solutions.reference[language])
    await page.get_by_test_id("run-code").click()
    await expect(page.get_by_test_id("run-panel")).to_have_attribute(
        "data-status", "passed", timeout=RUN_TIMEOUT_MS
    )
    await page.get_by_test_id("submit-answer").click()
    card = page.locator(
        '[data-question-id] .feedback-card:has([data-testid="tests-block"][data-status="passed"])'
    )
    await expect(card).to_have_count(1, timeout=RUN_TIMEOUT_MS)
    await expect(card).to_contain_text("Correct: passes all")
    second_score = float(await card.get_by_test_id("feedback-score").inner_text())
    assert second_score >= 7.0
    await web.shot(page, f"correct-{language}")
