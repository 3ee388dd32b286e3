"""Building the process's sandbox at startup: bounded bubblewrap when it works, else code runs are off.

There is no unsandboxed adapter in the product: without a working bwrap, every run is refused, in
`prod` and in `dev` alike, and the startup log says so and how to turn runs on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from coach.sandbox.bubblewrap import BubblewrapSandbox, SandboxUnavailable
from coach.sandbox.pool import BoundedSandbox
from coach.sandbox.port import Sandbox, Step, StepResult
from coach.settings import Settings

log = logging.getLogger(__name__)

HOW_TO_ENABLE = (
    "install bubblewrap (Debian: apt-get install bubblewrap; plus default-jdk-headless and golang-go "
    "for Java and Go), make sure unprivileged user namespaces are allowed, and restart; see docs/sandbox.md"
)


class DisabledSandbox:
    """The sandbox when code cannot be run safely here: never available, every run refused."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def available(self) -> bool:
        """Always False: the caller reviews the code without running it."""
        return False

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]:
        """Refuse: code is never run outside the sandbox."""
        raise SandboxUnavailable(self.reason)


def create_sandbox(
    *,
    env: str,
    concurrency: int,
    queue: int,
    max_wait_seconds: float = 10.0,
    bwrap: str = "bwrap",
    work_dir: Path | None = None,
    cgroup_v2_dir: Path | None = None,
) -> Sandbox:
    """The sandbox this process runs candidates' code in, with the startup log line that says how."""
    box = BubblewrapSandbox(bwrap=bwrap, work_root=work_dir, cgroup_v2_dir=cgroup_v2_dir)
    if box.available():
        log.info("code runs: on (%s; %d at once, %d queued)", box.describe(), concurrency, queue)
        return BoundedSandbox(box, concurrency=concurrency, queue=queue, max_wait_seconds=max_wait_seconds)
    reason = box.why_unavailable
    if env == "prod":
        log.error(
            "code runs: OFF in prod (%s); candidates' code is never run unsandboxed. To enable: %s",
            reason,
            HOW_TO_ENABLE,
        )
    else:
        log.warning(
            "code runs: off (%s); coding answers are reviewed without running. To enable: %s",
            reason,
            HOW_TO_ENABLE,
        )
    return DisabledSandbox(reason)


def local_sandbox(settings: Settings) -> Sandbox:
    """This process's own bounded bubblewrap sandbox (or a disabled one, with the log line saying why)."""
    return create_sandbox(
        env=settings.environment,
        concurrency=settings.sandbox_concurrency,
        queue=settings.sandbox_queue,
        max_wait_seconds=settings.sandbox_max_wait,
        bwrap=settings.sandbox_bwrap,
        work_dir=Path(settings.sandbox_work_dir) if settings.sandbox_work_dir else None,
        cgroup_v2_dir=Path(settings.sandbox_cgroup_dir) if settings.sandbox_cgroup_dir else None,
    )
