"""Ending early and skipping an unanswered question ask first; "Keep going" changes nothing."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Browser, new_user, register, start_interview

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def test_skipping_and_ending_early_ask_before_they_happen(web: Browser) -> None:
    page = await web.page()
    await register(web, page, new_user())
    await start_interview(web, page, type_="technical", difficulty="easy", minutes=10)
    question = page.get_by_test_id("question-text")
    await expect(question).to_have_attribute("aria-busy", "false")
    first = await question.text_content()

    await page.get_by_test_id("next-question").click()
    bar = page.get_by_test_id("confirm-bar")
    await expect(bar).to_be_visible()
    await expect(bar).to_contain_text("Skip this question without answering?")
    await expect(page.get_by_test_id("confirm-no")).to_be_focused()
    await web.shot(page, "confirm-skip")
    await page.get_by_test_id("confirm-no").click()
    await expect(bar).to_be_hidden()
    await expect(question).to_have_text(first or "")
    await expect(page.get_by_test_id("interview-progress")).to_contain_text("Question 1")

    await page.get_by_test_id("end-interview").click()
    await expect(bar).to_contain_text("End the interview now?")
    await expect(bar).to_contain_text("not answered and will not be scored")
    await page.get_by_test_id("confirm-no").click()
    await expect(page.get_by_test_id("ended-notice")).to_have_count(0)

    await page.get_by_test_id("next-question").click()
    await page.get_by_test_id("confirm-yes").click()
    await expect(page.get_by_test_id("interview-progress")).to_contain_text("Question 2")

    await page.get_by_test_id("end-interview").click()
    await page.get_by_test_id("confirm-yes").click()
    await expect(page.get_by_test_id("ended-notice")).to_be_visible()
    await expect(bar).to_be_hidden()
