"""The sandbox under test: real bwrap, real toolchains; skipped locally when missing, a failure under CI."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from coach.sandbox.bubblewrap import SHARED_DIR, BubblewrapSandbox
from coach.sandbox.toolchains import Language, Toolchain, discover


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


@pytest.fixture(scope="session")
def toolchains(sandbox: BubblewrapSandbox) -> dict[Language, Toolchain]:
    import asyncio

    # With the shared directory, so every Java test compiles through javac's CDS archive.
    return asyncio.run(discover(sandbox, shared=(sandbox.shared_dir, SHARED_DIR)))


@pytest.fixture
def toolchain(request: pytest.FixtureRequest, toolchains: dict[Language, Toolchain]) -> Toolchain:
    """The toolchain of the test's `language` parameter; skipped locally (failed in CI) when missing."""
    language: Language = request.param
    found = toolchains[language]
    require(found.available, f"{language} is unavailable: {found.reason}")
    return found
