"""Fixtures for socket tests: the app served by uvicorn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar import Litestar

from tests.support.server import ServerThread


@pytest.fixture
def server(app: Litestar) -> Iterator[ServerThread]:
    running = ServerThread(app).start()
    yield running
    running.stop()
