"""The runner port: run a few steps (compile, then run) over files in a fresh private directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

LimitHit = Literal["cpu", "wall", "memory", "output", "processes", "file_size"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one step may use; a step over any of them is stopped and reported with the limit hit."""

    cpu_seconds: float = 2.0
    wall_seconds: float = 5.0
    memory_mb: int = 256
    processes: int = 32
    open_files: int = 64
    file_size_kb: int = 1024
    output_kb: int = 64
    """Per stream (stdout and stderr each); output beyond it is dropped, never buffered whole."""
    address_space_mb: int = 0
    """RLIMIT_AS when no memory cgroup can be used (0: `memory_mb`). V8, the JVM and Go reserve far more
    address space than they touch, so their steps set it higher and cap their heap with their own flag."""


@dataclass(frozen=True, slots=True)
class Step:
    """One command, run in the job's directory (its files, plus whatever earlier steps wrote)."""

    argv: Sequence[str]
    stdin: bytes = b""
    limits: Limits = field(default_factory=Limits)
    env: Mapping[str, str] = field(default_factory=dict)
    """Added to the sandbox's minimal environment (PATH, HOME=the job directory, LANG); nothing else leaks in."""


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one step did: its exit, its capped output, what it used, and which limit stopped it if any."""

    exit_code: int | None
    """None when the step was killed (by a limit or a signal)."""
    stdout: bytes
    stderr: bytes
    stdout_truncated: bool
    stderr_truncated: bool
    wall_seconds: float
    cpu_seconds: float
    max_rss_kb: int
    limit: LimitHit | None = None
    signal: int | None = None
    """The signal that ended the step, when it was killed (9 for a limit's SIGKILL, 24 for SIGXCPU...)."""

    @property
    def ok(self) -> bool:
        """The step exited 0 within every limit."""
        return self.exit_code == 0 and self.limit is None


class Sandbox(Protocol):
    """Runs steps in order over `files` in a fresh directory, stopping after the first step that fails."""

    def available(self) -> bool:
        """Whether code can be run at all (the isolation tool is installed and works)."""
        ...

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]: ...
