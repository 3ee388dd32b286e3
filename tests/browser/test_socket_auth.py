"""The room follows the login: a logout in another tab closes it; an expiring token is renewed unseen."""

from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest
from playwright.async_api import Response, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.settings import Settings
from coach.store.models import InterviewAnswer
from tests.browser.conftest import Browser, failed_resource, new_user, register, start_interview
from tests.support.server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

TOKEN_SECONDS = 12

# Every text the connection status takes, so a test can tell nothing but "Connected" was shown.
RECORD_STATUSES = """
window.__statuses = [];
new MutationObserver(() => {
  const el = document.querySelector('[data-testid="connection-status"]');
  const seen = window.__statuses;
  if (el && seen[seen.length - 1] !== el.textContent) seen.push(el.textContent);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """Tokens of a few seconds, so one expires in the middle of an interview."""
    return dataclasses.replace(
        settings, port=free_port(), offline_token_delay=0.01, access_token_minutes=TOKEN_SECONDS / 60
    )


async def test_logging_out_in_one_tab_closes_the_interview_room_in_another(web: Browser) -> None:
    # The room's renewal attempt after the server closed it is refused: that is the point.
    web.allow(failed_resource(401))
    context = await web.context()
    room = await web.page(context)
    await register(web, room, new_user("Ada Lovelace"))
    await start_interview(web, room, type_="technical")
    await expect(room.get_by_test_id("answer-text")).to_be_visible()

    other = await web.page(context)
    await other.goto("/#/dashboard")
    await other.get_by_test_id("logout-button").click()
    await other.wait_for_url(re.compile(r"#/login"))

    await room.wait_for_url(re.compile(r"#/login"), timeout=10_000)
    await expect(room.get_by_text("Your login expired. Please log in again.")).to_be_visible()
    await web.shot(room, "room-closed-by-logout")


async def test_a_token_expiring_mid_interview_is_renewed_without_a_visible_break(
    web: Browser, db: async_sessionmaker[AsyncSession]
) -> None:
    context = await web.context()
    page = await web.page(context)
    await page.add_init_script(RECORD_STATUSES)
    renewals: list[int] = []

    def on_response(response: Response) -> None:
        if response.url.endswith("/api/auth/refresh"):
            renewals.append(response.status)

    page.on("response", on_response)
    await register(web, page, new_user("Grace Hopper"))
    await start_interview(web, page, type_="technical")
    answer = page.get_by_test_id("answer-text")
    await expect(answer).to_be_visible()
    await page.evaluate("window.__statuses = ['Connected']")

    # Keep typing through the token's end (and past it): every word lands in the draft.
    await answer.click()
    typed = ""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TOKEN_SECONDS * 1.6
    word = 0
    while loop.time() < deadline:
        text = f"word{word} "
        await page.keyboard.type(text)
        typed += text
        word += 1
        await page.wait_for_timeout(700)
    await expect(page.get_by_test_id("draft-status")).to_have_text("Draft saved.")
    await web.shot(page, "after-renewal")

    assert renewals, "the app renewed its login before the token ended"
    assert all(status == 200 for status in renewals), renewals
    assert page.url.rsplit("/", 2)[-2] == "interview"
    await expect(page.get_by_test_id("connection-status")).to_have_text("Connected")
    assert await page.evaluate("window.__statuses") == ["Connected"]
    await expect(page.get_by_test_id("interview-error")).to_be_hidden()
    await expect(answer).to_have_value(typed)
    async with db() as s:
        drafts = [a.draft_text for a in (await s.execute(select(InterviewAnswer))).scalars()]
    assert drafts == [typed]


async def test_log_out_everywhere_ends_the_login_on_another_device_and_closes_its_room(web: Browser) -> None:
    # The other device's renewal after its room was closed is refused: that is the point.
    web.allow(failed_resource(401))
    user = new_user("Grace Hopper")
    laptop = await web.page(await web.context())
    await register(web, laptop, user)

    phone = await web.page(await web.context())
    await web.goto(phone, "/login")
    await phone.get_by_test_id("login-email").fill(user.email)
    await phone.get_by_test_id("login-password").fill(user.password)
    await phone.get_by_test_id("login-submit").click()
    await phone.wait_for_url(re.compile(r"#/dashboard$"))
    await start_interview(web, phone, type_="technical")
    await expect(phone.get_by_test_id("answer-text")).to_be_visible()

    await web.goto(laptop, "/profile")
    laptop.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await laptop.get_by_test_id("logout-everywhere").click()
    await laptop.wait_for_url(re.compile(r"#/login"))

    await phone.wait_for_url(re.compile(r"#/login"), timeout=10_000)
    await expect(phone.get_by_text("Your login expired. Please log in again.")).to_be_visible()
    status = await phone.evaluate("fetch('/api/me', {credentials: 'same-origin'}).then(r => r.status)")
    assert status == 401
    await web.shot(phone, "room-closed-by-logout-everywhere")
