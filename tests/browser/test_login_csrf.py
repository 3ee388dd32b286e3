"""Login CSRF in Chromium: a cross-site text/plain form cannot log the victim into the attacker's account."""

from __future__ import annotations

import dataclasses
import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright

from coach.app import create_app
from coach.settings import Settings
from tests.browser.conftest import CHROMIUM_ARGS, SCREENSHOTS
from tests.support.server import ServerThread, free_port

pytestmark = [pytest.mark.slow]

ATTACKER_EMAIL = "mallory@example.com"
# The form trick needs an "=" in the password: the field name ends inside it, the value completes it.
ATTACKER_PASSWORD = "Quiet-lantern-orbit=7 marmalade ferns"


def attack_page(target: str) -> bytes:
    """A page that, once opened, posts {"email": …, "password": …} to `target` as text/plain."""
    name, value = f'{{"email":"{ATTACKER_EMAIL}","password":"{ATTACKER_PASSWORD}"}}'.split("=", 1)
    return f"""<!doctype html>
<html><body>
<form id="f" method="POST" action="{html.escape(target)}" enctype="text/plain">
  <input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">
</form>
<script>document.getElementById("f").submit();</script>
</body></html>""".encode()


class Attacker:
    """A second loopback HTTP server on another port (and host name: another site) serving the trap."""

    def __init__(self, target: str) -> None:
        page = attack_page(target)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *_: object) -> None:
                pass

        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/trap.html"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def app_server(settings: Settings, chromium: Path) -> Iterator[ServerThread]:
    port = free_port()
    live = dataclasses.replace(settings, port=port)
    running = ServerThread(create_app(live, configure_logs=False), port).start()
    yield running
    running.stop()


@pytest.fixture
def attacker(app_server: ServerThread) -> Iterator[Attacker]:
    running = Attacker(f"{app_server.http}/api/auth/login")
    yield running
    running.stop()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_cross_site_text_plain_form_does_not_log_the_victim_in(
    app_server: ServerThread, attacker: Attacker, chromium: Path
) -> None:
    # The attacker owns an account (and would later read what the victim practised in it).
    async with httpx.AsyncClient(base_url=app_server.http) as http:
        created = await http.post(
            "/api/auth/register",
            json={"email": ATTACKER_EMAIL, "password": ATTACKER_PASSWORD, "name": "Mallory"},
        )
        assert created.status_code == 201, created.text
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            page = await context.new_page()
            async with page.expect_response(f"{app_server.http}/api/auth/login") as answered:
                await page.goto(attacker.url)
            response = await answered.value
            sent = response.request
            assert sent.method == "POST"
            assert (await sent.all_headers())["content-type"].startswith("text/plain")
            assert response.status == 415
            assert (await response.json())["error"] == "unsupported_media_type"
            shot = SCREENSHOTS / "test_login_csrf" / "refused.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(shot))
            # The victim's browser holds no login and is not the attacker on our site.
            assert not [c for c in await context.cookies() if c["name"] == "coach_token"]
            me = await context.request.get(f"{app_server.http}/api/me")
            assert me.status == 401
        finally:
            await browser.close()
