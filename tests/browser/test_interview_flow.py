"""The interview in a real browser: stream, answer in the code editor, feedback, model answer, dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import RECORD_QUESTION_LENGTHS, Browser, new_user, register, start_interview

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


CODE = "def two_sum(nums, target):\nseen = {}\nfor i, n in enumerate(nums):\nif target - n in seen:\nreturn [seen[target - n], i]\nseen[n] = i"


async def test_register_interview_feedback_model_answer_dashboard(web: Browser) -> None:
    page = await web.page()
    await page.add_init_script(RECORD_QUESTION_LENGTHS)
    await register(web, page, new_user())
    await web.shot(page, "dashboard-empty")

    session_id = await start_interview(web, page, type_="coding", difficulty="easy", minutes=10)
    # The room's socket writes the first question, so it streams in piece by piece.
    question = page.get_by_test_id("question-text")
    await expect(question).not_to_have_text("")
    await expect(question).to_have_attribute("aria-busy", "false")
    final = await question.text_content() or ""
    assert len(final) > 40
    lengths = await page.evaluate("window.__questionLengths")
    assert lengths[-1] == len(final)
    assert len(lengths) >= 2, f"the question did not stream in: {lengths}"
    assert sorted(lengths) == lengths, f"question text shrank: {lengths}"
    await web.shot(page, "question-streamed")

    editor = page.get_by_test_id("code-editor").locator(".cm-content")
    await editor.click()
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type(CODE)
    await expect(editor).to_contain_text("def two_sum(nums, target):")
    await expect(page.get_by_test_id("draft-status")).to_have_text("Draft saved.")
    await web.shot(page, "answer-typed")

    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    await page.get_by_test_id("submit-answer").click()
    card = page.get_by_test_id("feedback-card")
    await expect(card).to_be_visible()
    await expect(page.get_by_test_id("feedback-score")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    assert navigations == [], f"the page navigated while waiting for feedback: {navigations}"
    assert page.url.endswith(f"#/interview/{session_id}")
    await web.shot(page, "feedback")

    model_answer = page.get_by_test_id("model-answer")
    await expect(model_answer).to_be_empty()
    await page.get_by_test_id("show-good-answer").click()
    await expect(model_answer).to_contain_text("A good answer")
    assert len((await model_answer.inner_text()).strip()) > 40
    await expect(page.get_by_test_id("show-good-answer")).to_have_attribute("aria-expanded", "true")
    await web.shot(page, "model-answer")

    await page.get_by_test_id("end-interview").click()
    await page.get_by_test_id("confirm-yes").click()
    await expect(page.get_by_test_id("session-summary")).to_be_visible()
    await web.shot(page, "summary")

    await page.get_by_test_id("nav-dashboard").click()
    await page.wait_for_url(re.compile(r"#/dashboard$"))
    recent = page.get_by_test_id("recent-sessions")
    await expect(recent.locator(f'a[href*="{session_id}"]')).to_have_count(1)
    chart = page.get_by_test_id("score-chart")
    await expect(chart).to_be_visible()
    # The session's score is on the chart (its text alternative lists the plotted scores).
    await expect(chart).to_have_attribute("aria-label", re.compile(r"Score over time: .*\d"))
    await expect(chart).not_to_have_attribute("aria-label", re.compile("no scores yet|loading"))
    box = await chart.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 50
    await web.shot(page, "dashboard")
    await web.assert_clean()
