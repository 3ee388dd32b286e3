"""The sandbox under test: real bwrap, real toolchains; skipped locally when missing, a failure under CI."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from coach.sandbox.bubblewrap import BubblewrapSandbox


def _ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(ok: bool, why: str) -> None:
    """Skip (locally) or fail (CI=true) when something the test needs is missing."""
    if ok:
        return
    if _ci():
        pytest.fail(f"CI=true but {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[BubblewrapSandbox]:
    box = BubblewrapSandbox()
    require(box.available(), f"the sandbox is unavailable: {box.why_unavailable}")
    yield box
    box.close()
