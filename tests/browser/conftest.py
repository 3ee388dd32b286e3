"""Browser tests: the real app on uvicorn, driven by Debian's Chromium through Playwright (async API).

Every page gets a console/pageerror collector (a test fails on any browser error that is not
allow-listed) and `Browser.shot()` saves screenshots under test-artifacts/screenshots/.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser as PwBrowser
from playwright.async_api import BrowserContext, ConsoleMessage, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import resources
from coach.app import create_app
from coach.services.admin import grant_admin
from coach.settings import Settings
from tests.support.server import ServerThread, free_port
from tests.support.services import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "correct horse battery staple"


# The browser logs every HTTP error response as a console error ("Failed to load resource: the
# server responded with a status of 422 ..."), even when the app handles it. Tests that expect a
# 4xx from the API (form validation done by the server) allow exactly that status.
def failed_resource(status: int) -> re.Pattern[str]:
    return re.compile(rf"Failed to load resource: the server responded with a status of {status}\b")


# Chromium logs a refused or interrupted WebSocket as a console error; only tests that cut the
# connection on purpose allow it.
WEBSOCKET_FAILED = re.compile(r"WebSocket connection to 'ws://[^']+' failed")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@dataclass
class Browser:
    """One Chromium for a test: contexts and pages with error collection and screenshots."""

    browser: PwBrowser
    base_url: str
    test_name: str
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    shots: int = 0
    checked: bool = False

    def allow(self, *patterns: re.Pattern[str]) -> None:
        """Allow-list console errors this test provokes on purpose."""
        self.allowed.extend(patterns)

    def _record(self, where: str, text: str) -> None:
        if not any(p.search(text) for p in self.allowed):
            self.errors.append(f"{where}: {text}")

    async def assert_clean(self) -> None:
        """Fail on any browser console error or uncaught page error seen so far."""
        for ctx in self.contexts:
            for page in ctx.pages:
                if not page.is_closed():
                    await page.wait_for_timeout(100)  # late messages (a chart drawing, a socket closing)
        self.checked = True
        assert not self.errors, "browser errors:\n" + "\n".join(self.errors)

    async def context(self, **options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        ctx = await self.browser.new_context(base_url=self.base_url, **options)
        ctx.set_default_timeout(10_000)
        self.contexts.append(ctx)
        return ctx

    async def page(self, ctx: BrowserContext | None = None, **options: Any) -> Page:
        ctx = ctx or await self.context(**options)
        page = await ctx.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self._record(f"console ({page.url})", message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self._record(f"pageerror ({page.url})", str(exc)))
        return page

    async def shot(self, page: Page, name: str) -> Path:
        """Save a screenshot of the page as test-artifacts/screenshots/<test>/<nn>-<name>.png."""
        self.shots += 1
        path = SCREENSHOTS / _slug(self.test_name) / f"{self.shots:02d}-{_slug(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(path), full_page=True)
        return path

    async def goto(self, page: Page, hash_path: str, name: str | None = None) -> None:
        """Open a route (`/login`, `/dashboard`, …) and screenshot it once its heading shows."""
        await page.goto(f"/#{hash_path}")
        await page.locator("main h1").first.wait_for()
        await self.shot(page, name or hash_path)


@pytest.fixture
def web_dist() -> Path:
    index = resources.web_dist() / "index.html"
    if not index.is_file():
        pytest.fail(
            f"{index} is missing: build the web app first (`make web`, or `cd static && npm ci && npm run build`)."
        )
    return resources.web_dist()


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """The test's settings on a port of its own (the app only allows its own port as Origin)."""
    return dataclasses.replace(settings, port=free_port(), offline_token_delay=0.01)


@pytest.fixture
def live_server(live_settings: Settings, web_dist: Path) -> Iterator[ServerThread]:
    running = ServerThread(create_app(live_settings, configure_logs=False), live_settings.port).start()
    yield running
    running.stop()


@pytest.fixture
async def web(
    request: pytest.FixtureRequest, chromium: Path, live_server: ServerThread
) -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        b = Browser(browser=browser, base_url=live_server.http, test_name=request.node.name)
        # A stale directory from an earlier run would mix old screenshots with this run's.
        shutil.rmtree(SCREENSHOTS / _slug(b.test_name), ignore_errors=True)
        try:
            yield b
            for ctx in b.contexts:
                for page in ctx.pages:
                    if not page.is_closed():
                        await b.shot(page, "final")
            if not b.checked:
                await b.assert_clean()
        finally:
            for ctx in b.contexts:
                await ctx.close()
            await browser.close()


@dataclass
class User:
    name: str
    email: str
    password: str = PASSWORD


_counter = iter(range(1, 1_000_000))


def new_user(name: str = "Ada Lovelace") -> User:
    return User(name=name, email=f"{name.split()[0].lower()}-{next(_counter)}-{free_port()}@example.com")


async def register(web: Browser, page: Page, user: User) -> None:
    """Create the account through the register form; lands on the dashboard."""
    await web.goto(page, "/register")
    await page.get_by_test_id("register-name").fill(user.name)
    await page.get_by_test_id("register-email").fill(user.email)
    await page.get_by_test_id("register-password").fill(user.password)
    await page.get_by_test_id("register-submit").click()
    await page.wait_for_url(re.compile(r"#/dashboard$"))
    await page.get_by_test_id("logout-button").wait_for()


async def start_interview(
    web: Browser, page: Page, *, type_: str = "coding", difficulty: str = "easy", minutes: int = 10
) -> str:
    """Fill the new-interview form and open the room; returns the session id."""
    await web.goto(page, "/new")
    await page.get_by_test_id("new-type").select_option(type_)
    await page.get_by_test_id("new-difficulty").select_option(difficulty)
    await page.get_by_test_id("new-duration").fill(str(minutes))
    await page.get_by_test_id("new-submit").click()
    await page.wait_for_url(re.compile(r"#/interview/[^/]+$"))
    await page.get_by_test_id("connection-status").filter(has_text="Connected").wait_for()
    return page.url.rsplit("/", 1)[-1]


async def make_admin(db: async_sessionmaker[AsyncSession], email: str) -> None:
    async with db() as session:
        assert await grant_admin(session, email) is not None
        await session.commit()


# Records every length the current question's text takes, so a test can tell it streamed in.
RECORD_QUESTION_LENGTHS = """
window.__questionLengths = [];
new MutationObserver(() => {
  const el = document.querySelector('[data-testid="question-text"]');
  const n = el ? el.textContent.length : 0;
  const seen = window.__questionLengths;
  if (n && seen[seen.length - 1] !== n) seen.push(n);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""
