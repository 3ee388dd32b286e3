"""Questions render a safe Markdown subset: code spans, lists and code blocks; HTML stays text."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.store.models import InterviewQuestion
from tests.browser.conftest import Browser, new_user, register, start_interview

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

QUESTION = """Merge the overlapping intervals and return `k` groups.

- Input: `[[1,3],[2,6]]`
- Output: `[[1,6]]`

```python
def merge(intervals):
    ...
```

Careful with <img src=x onerror="window.__pwned = true"> in inputs."""


async def test_a_question_shows_code_lists_and_blocks_and_never_runs_html(
    web: Browser, db: async_sessionmaker[AsyncSession]
) -> None:
    page = await web.page()
    await register(web, page, new_user())
    session_id = await start_interview(web, page, type_="technical", difficulty="easy", minutes=10)
    question = page.get_by_test_id("question-text")
    await expect(question).to_have_attribute("aria-busy", "false")
    async with db() as s:
        await s.execute(
            update(InterviewQuestion)
            .where(InterviewQuestion.session_id == uuid.UUID(session_id))  # type: ignore[arg-type]
            .values(text=QUESTION)
        )
        await s.commit()
    await page.reload()
    await expect(question).to_contain_text("Merge the overlapping intervals")
    await expect(question.locator("code").first).to_have_text("k")
    await expect(question.locator("ul > li")).to_have_count(2)
    await expect(question.locator("ul > li").nth(0)).to_have_text("Input: [[1,3],[2,6]]")
    await expect(question.locator("pre code")).to_have_text("def merge(intervals):\n    ...")
    # The HTML is shown as typed and is not an element: no image, and its handler never ran.
    await expect(question).to_contain_text('<img src=x onerror="window.__pwned = true">')
    assert await question.locator("img").count() == 0
    assert await page.evaluate("window.__pwned === undefined")
    await web.shot(page, "question-markdown")

    # An answer is shown as typed too.
    hostile = '<img src=y onerror="window.__pwned = true"> **not bold**'
    await page.get_by_test_id("answer-text").fill(hostile)
    await page.get_by_test_id("submit-answer").click()
    bubble = page.get_by_test_id("answer-bubble")
    await expect(bubble).to_contain_text(hostile)
    assert await bubble.locator("img, strong").count() == 0
    assert await page.evaluate("window.__pwned === undefined")
