"""No unauthenticated request gets a 5xx: OPTIONS, HEAD and odd methods on every route, on both backends."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]

METHODS = ("OPTIONS", "HEAD", "PROPFIND", "BREW", "TRACE")
_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SAMPLE = {"uuid": str(uuid.uuid4()), "int": "1", "path": "x/y", "str": "x"}


def concrete(path: str) -> str:
    """A request path for a route template: a plausible value for each path parameter."""
    return _PARAM.sub(lambda m: _SAMPLE.get(m.group(2) or "str", "x"), path)


async def test_no_route_answers_an_unauthenticated_request_with_a_5xx(
    client: Client, app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    paths = sorted({concrete(route.path) for route in app.routes})
    assert "/api/admin/stats" in paths
    assert len(paths) > 15
    failures = []
    with caplog.at_level(logging.ERROR):
        for path in paths:
            for method in METHODS:
                response = await client.request(method, path)
                if response.status_code >= 500:
                    failures.append(f"{method} {path} -> {response.status_code}")
                elif method != "HEAD" and response.status_code >= 400:
                    assert set(response.json()) >= {"error", "message"}, f"{method} {path}"
    assert failures == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_options_on_an_admin_route_without_a_login_is_401_in_the_error_format(client: Client) -> None:
    response = await client.options("/api/admin/stats")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
