"""The dashboard's skills: readable with many skills (five strongest, five weakest, all on demand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from coach.commands.demo_data import Batch
from coach.store.models import User
from tests.browser.conftest import Browser, new_user, register
from tests.support.history import add_session, write

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

SKILLS = [f"skill_{chr(ord('a') + i)}" for i in range(14)]


async def test_fourteen_skills_show_as_two_ranked_lists_and_all_of_them_on_demand(
    web: Browser, db: async_sessionmaker[AsyncSession]
) -> None:
    page = await web.page()
    user = new_user("Grace Hopper")
    await register(web, page, user)
    async with db() as s:
        user_id = (await s.execute(select(col(User.id)).where(col(User.email) == user.email))).scalar_one()
    batch = Batch()
    at = datetime.now(UTC) - timedelta(days=1)
    # skill_a scores 0.5 ... skill_n scores 7.0: one answer carrying every skill.
    scores = {skill: round(0.5 * (i + 1), 1) for i, skill in enumerate(SKILLS)}
    add_session(
        batch,
        user_id,
        type="technical",
        created=at,
        status="completed",
        score=5.0,
        answers=[(at, 5.0, scores)],
    )
    await write(db, batch)

    await page.reload()
    skills = page.locator("section[aria-labelledby=skills-h]")
    lists = skills.get_by_test_id("skill-bars")
    await expect(lists).to_have_count(3)
    strongest, weakest, every = lists.nth(0), lists.nth(1), lists.nth(2)
    await expect(strongest.get_by_test_id("skill-row")).to_have_count(5)
    await expect(strongest.get_by_test_id("skill-row").first).to_contain_text("7.0")
    await expect(weakest.get_by_test_id("skill-row")).to_have_count(5)
    await expect(weakest.get_by_test_id("skill-row").last).to_contain_text("0.5")
    await expect(every).to_be_hidden()
    await skills.get_by_test_id("all-skills").locator("summary").click()
    await expect(every.get_by_test_id("skill-row")).to_have_count(len(SKILLS))
    await expect(skills.locator("canvas")).to_have_count(0)
    await web.shot(page, "dashboard-skills")
