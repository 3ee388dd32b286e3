"""Bad input shows a clear message next to the right field; keyboard-only use; phone width."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Browser, failed_resource, new_user, register, start_interview

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def expect_field_error(page: Page, testid: str, message: str | re.Pattern[str]) -> None:
    """The control is aria-invalid, described by a visible error inside its own field wrapper."""
    control = page.get_by_test_id(testid)
    await expect(control).to_have_attribute("aria-invalid", "true")
    described = (await control.get_attribute("aria-describedby") or "").split()
    errors = [i for i in described if i.endswith("-error")]
    assert len(errors) == 1, f"{testid} is not described by one error: {described}"
    error = page.locator(f"[id='{errors[0]}']")
    await expect(error).to_be_visible()
    await expect(error).to_have_text(message)
    same_field = await control.evaluate(
        "(el, id) => el.closest('.field') === document.getElementById(id).closest('.field')", errors[0]
    )
    assert same_field, f"the error for {testid} is not next to it"


async def expect_valid(page: Page, *testids: str) -> None:
    for testid in testids:
        await expect(page.get_by_test_id(testid)).not_to_have_attribute("aria-invalid", "true")


async def test_bad_input_is_explained_next_to_its_field(web: Browser) -> None:
    # The server's 422 for a common password is expected; Chromium logs every 4xx as a console error.
    web.allow(failed_resource(422))
    page = await web.page()
    user = new_user("Edsger Dijkstra")
    await web.goto(page, "/register")
    await page.get_by_test_id("register-name").fill(user.name)
    await page.get_by_test_id("register-email").fill("not-an-email")
    await page.get_by_test_id("register-password").fill("short")
    await page.get_by_test_id("register-submit").click()
    await expect_field_error(page, "register-email", re.compile("valid email"))
    await expect_field_error(page, "register-password", re.compile("at least 8 characters"))
    await expect_valid(page, "register-name")
    await expect(page.get_by_test_id("register-email")).to_be_focused()
    await web.shot(page, "register-bad-email-short-password")

    # A common password passes the browser's checks; the server's answer lands on the field too.
    await page.get_by_test_id("register-email").fill(user.email)
    await page.get_by_test_id("register-password").fill("password123")
    await page.get_by_test_id("register-submit").click()
    await expect_field_error(page, "register-password", re.compile("common|guess", re.IGNORECASE))
    await expect_valid(page, "register-name", "register-email")
    await expect(page.get_by_test_id("register-error")).to_be_hidden()
    await expect(page.get_by_test_id("register-password")).to_be_focused()
    assert page.url.endswith("#/register")
    await web.shot(page, "register-common-password")

    # Fixing it clears the errors and creates the account.
    await page.get_by_test_id("register-password").fill(user.password)
    await page.get_by_test_id("register-submit").click()
    await page.wait_for_url(re.compile(r"#/dashboard$"))

    await web.goto(page, "/new")
    await page.get_by_test_id("new-duration").fill("5")
    await page.get_by_test_id("new-submit").click()
    await expect_field_error(page, "new-duration", re.compile("between 10 and 90"))
    await expect_valid(page, "new-role", "new-type")
    assert page.url.endswith("#/new")
    await web.shot(page, "new-interview-duration-5")
    await web.assert_clean()


async def focus_ring(page: Page) -> str:
    """The focused element's visible focus indicator (outline or box-shadow), '' when there is none."""
    return str(
        await page.evaluate(
            """() => {
              const el = document.activeElement;
              const s = getComputedStyle(el);
              const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? `outline ${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : '';
              const shadow = s.boxShadow && s.boxShadow !== 'none' ? `box-shadow ${s.boxShadow}` : '';
              return outline || shadow;
            }"""
        )
    )


async def test_login_with_the_keyboard_only(web: Browser) -> None:
    page = await web.page()
    user = new_user("Alan Turing")
    await register(web, page, user)
    await page.get_by_test_id("logout-button").click()
    await page.wait_for_url(re.compile(r"#/login"))
    await page.get_by_test_id("login-form").wait_for()
    await web.shot(page, "login")

    # The page puts the caret in the email field; from there on only keys are used.
    email = page.get_by_test_id("login-email")
    await expect(email).to_be_focused()
    await page.keyboard.type(user.email)
    await page.keyboard.press("Tab")
    await expect(page.get_by_test_id("login-password")).to_be_focused()
    assert await focus_ring(page), "the focused password field shows no focus indicator"
    await page.keyboard.type(user.password)
    await page.keyboard.press("Tab")
    await expect(page.get_by_test_id("login-submit")).to_be_focused()
    assert await focus_ring(page), "the focused submit button shows no focus indicator"
    await web.shot(page, "login-submit-focused")
    await page.keyboard.press("Shift+Tab")
    await expect(page.get_by_test_id("login-password")).to_be_focused()
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"#/dashboard$"))
    await expect(page.get_by_test_id("logout-button")).to_be_visible()
    await web.shot(page, "dashboard")
    await web.assert_clean()


async def assert_no_horizontal_scroll(page: Page, where: str) -> None:
    sizes = await page.evaluate(
        """() => {
          const root = document.documentElement;
          const wide = [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > innerWidth + 1)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}[${el.dataset.testid || ''}] right=${Math.round(el.getBoundingClientRect().right)}`);
          return { scrollWidth: root.scrollWidth, innerWidth, wide };
        }"""
    )
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{where} scrolls sideways at 360px: {sizes}"


async def test_phone_width_has_no_horizontal_scrollbar(web: Browser) -> None:
    context = await web.context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = await web.page(context)
    await register(web, page, new_user("Barbara Liskov"))
    await page.get_by_test_id("score-chart").wait_for()
    await assert_no_horizontal_scroll(page, "the dashboard")
    await web.shot(page, "dashboard-360")

    await start_interview(web, page, type_="coding", difficulty="easy", minutes=10)
    await expect(page.get_by_test_id("question-text")).not_to_have_text("")
    await page.get_by_test_id("code-editor").locator(".cm-content").wait_for()
    await assert_no_horizontal_scroll(page, "the interview room")
    await web.shot(page, "interview-360")

    await page.get_by_test_id("code-editor").locator(".cm-content").click()
    await page.keyboard.type("x = [" + ", ".join(str(i) for i in range(60)) + "]")
    await expect(page.get_by_test_id("draft-status")).to_have_text("Draft saved.")
    await assert_no_horizontal_scroll(page, "the interview room with a long line of code")
    await page.get_by_test_id("submit-answer").click()
    await expect(page.get_by_test_id("feedback-card")).to_be_visible()
    await assert_no_horizontal_scroll(page, "the interview room with feedback")
    await web.shot(page, "feedback-360")

    await page.get_by_test_id("nav-dashboard").click()
    await expect(page.get_by_test_id("score-chart")).to_have_attribute("aria-label", re.compile(r"\d"))
    await assert_no_horizontal_scroll(page, "the dashboard with a session")
    await web.shot(page, "dashboard-360-with-session")
    await web.assert_clean()
