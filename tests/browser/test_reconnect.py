"""Reload mid-answer and a dropped connection: the draft and transcript come back and the interview goes on."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Locator, Page, expect

from coach.app import create_app
from coach.settings import Settings
from tests.browser.conftest import (
    RECORD_QUESTION_LENGTHS,
    WEBSOCKET_FAILED,
    Browser,
    new_user,
    register,
    start_interview,
)
from tests.support.server import ServerThread

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


DRAFT = "def solve(items):\nreturn sorted(set(items))  # draft kept across reloads"


def editor(page: Page) -> Locator:
    return page.get_by_test_id("code-editor").locator(".cm-content")


async def test_reload_and_dropped_connection_keep_the_interview_going(
    web: Browser, live_server: ServerThread, live_settings: Settings
) -> None:
    # Going offline (or the server going away) makes Chromium log each refused reconnect attempt
    # as a console error.
    web.allow(WEBSOCKET_FAILED)
    context = await web.context()
    page = await web.page(context)
    await page.add_init_script(RECORD_QUESTION_LENGTHS)
    await register(web, page, new_user("Grace Hopper"))
    session_id = await start_interview(web, page, type_="coding", difficulty="easy", minutes=20)
    question = page.get_by_test_id("question-text")
    await expect(question).not_to_have_text("")
    await expect(question).to_have_attribute("aria-busy", "false")
    question_text = await question.text_content()

    # A draft, saved on the server, survives a reload together with the transcript.
    await editor(page).click()
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type(DRAFT)
    await expect(page.get_by_test_id("draft-status")).to_have_text("Draft saved.")
    await web.shot(page, "draft-saved")
    await page.reload()
    await expect(page.get_by_test_id("connection-status")).to_have_text("Connected")
    assert page.url.endswith(f"#/interview/{session_id}")
    await expect(page.get_by_test_id("question-text")).to_have_text(question_text or "")
    await expect(editor(page)).to_contain_text("def solve(items):")
    await expect(editor(page)).to_contain_text("# draft kept across reloads")
    await web.shot(page, "after-reload")

    # The connection drops and comes back.
    await context.set_offline(True)
    await expect(page.get_by_test_id("connection-status")).to_have_text("Reconnecting…")
    await web.shot(page, "offline")
    await context.set_offline(False)
    await expect(page.get_by_test_id("connection-status")).to_have_text("Connected", timeout=15_000)
    await expect(editor(page)).to_contain_text("# draft kept across reloads")
    await web.shot(page, "reconnected")

    # The server goes away (a deploy) and a new one takes its place on the same port.
    await asyncio.to_thread(live_server.stop)
    await expect(page.get_by_test_id("connection-status")).to_have_text("Reconnecting…")
    await web.shot(page, "server-down")
    replacement = ServerThread(create_app(live_settings, configure_logs=False), live_settings.port)
    await asyncio.to_thread(replacement.start)
    try:
        await expect(page.get_by_test_id("connection-status")).to_have_text("Connected", timeout=15_000)
        await expect(editor(page)).to_contain_text("# draft kept across reloads")
        await continue_the_interview(web, page)
    finally:
        await asyncio.to_thread(replacement.stop)
    await web.assert_clean()


async def continue_the_interview(web: Browser, page: Page) -> None:

    # The interview goes on: the restored draft is submitted and graded.
    await page.get_by_test_id("submit-answer").click()
    # The answer's tests run in the sandbox before it is scored: allow for a loaded CI machine.
    await expect(page.get_by_test_id("feedback-card")).to_be_visible(timeout=20_000)
    await expect(page.get_by_test_id("feedback-score")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    answer = page.get_by_test_id("answer-bubble")
    await expect(answer).to_contain_text("# draft kept across reloads")
    await web.shot(page, "feedback")

    # A question this socket asks itself streams in piece by piece.
    total = await page.get_by_test_id("interview-progress").text_content()
    assert re.search(r"of [2-9]", total or ""), f"expected more than one question: {total!r}"
    first = await page.get_by_test_id("question-text").text_content() or ""
    await page.evaluate("window.__questionLengths = []")
    await page.get_by_test_id("next-question").click()
    await expect(page.get_by_test_id("transcript-question")).to_have_count(1)
    await expect(page.get_by_test_id("question-text")).to_have_attribute("aria-busy", "false")
    second = await page.get_by_test_id("question-text").text_content() or ""
    lengths = await page.evaluate("window.__questionLengths")
    # A page update between the reset and the new question (feedback landing late) can record the
    # earlier question once more: only what the new question streams counts.
    while lengths and lengths[0] == len(first):
        lengths.pop(0)
    assert second
    assert lengths[-1] == len(second)
    assert len(lengths) >= 2, f"the question did not stream in: {lengths}"
    assert lengths == sorted(lengths), f"the question text shrank while streaming: {lengths}"
    await web.shot(page, "second-question")
