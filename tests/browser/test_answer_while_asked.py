"""A candidate may start typing, and even submit, while the question still streams in."""

from __future__ import annotations

import dataclasses

import pytest
from playwright.async_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.settings import Settings
from coach.store.models import InterviewAnswer
from tests.browser.conftest import Browser, new_user, register, start_interview
from tests.support.server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """A slow interviewer, so the question is still streaming when the candidate types."""
    return dataclasses.replace(settings, port=free_port(), offline_token_delay=0.12)


async def open_room(web: Browser) -> tuple[Page, Locator, Locator]:
    """A new candidate's technical interview, its first question still streaming in."""
    page = await web.page()
    await register(web, page, new_user())
    await start_interview(web, page, type_="technical")
    question = page.get_by_test_id("question-text")
    answer = page.get_by_test_id("answer-text")
    await expect(answer).to_be_visible()
    await expect(question).to_have_attribute("aria-busy", "true")
    return page, question, answer


async def test_a_draft_typed_during_the_question_is_saved_once_it_is_asked(
    web: Browser, db: async_sessionmaker[AsyncSession]
) -> None:
    page, question, answer = await open_room(web)

    await answer.click()
    await page.keyboard.type("An early start")
    await page.wait_for_timeout(900)  # past the draft debounce, still mid-question
    await expect(question).to_have_attribute("aria-busy", "true")
    await expect(page.get_by_test_id("interview-error")).to_be_hidden()

    await expect(question).to_have_attribute("aria-busy", "false", timeout=30_000)
    await expect(page.get_by_test_id("draft-status")).to_have_text("Draft saved.")
    await expect(page.get_by_test_id("interview-error")).to_be_hidden()
    async with db() as s:
        drafts = [a.draft_text for a in (await s.execute(select(InterviewAnswer))).scalars()]
    assert drafts == ["An early start"]


async def test_an_answer_submitted_during_the_question_is_sent_once_it_is_asked(web: Browser) -> None:
    page, question, answer = await open_room(web)
    await answer.fill("I would start from the requirements and the numbers they imply.")
    await page.get_by_test_id("submit-answer").click()

    await expect(question).to_have_attribute("aria-busy", "false", timeout=30_000)
    await expect(page.get_by_test_id("feedback-card")).to_be_visible(timeout=20_000)
    await expect(page.get_by_test_id("interview-error")).to_be_hidden()
