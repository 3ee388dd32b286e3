"""Faults the fake LLM injects on request, one per matching request."""

from __future__ import annotations

from typing import Literal

import msgspec

FaultKind = Literal["status", "stall", "cut", "invalid_json", "slow"]
RequestKind = Literal["question", "evaluation"]
Target = Literal["any", "question", "evaluation"]


class Fault(msgspec.Struct, frozen=True, kw_only=True):
    """One injected failure; `target` limits it to question (text) or evaluation (json_schema or json_object) requests."""

    kind: FaultKind
    target: Target = "any"
    status: int = 500
    retry_after: float | None = None
    after_chunks: int = 0
    """For `stall` and `cut`: how many SSE chunks go out before the fault."""
    seconds: float = 30.0
    """For `stall` and `slow`: how long the server goes quiet (ends early if the client hangs up)."""

    @classmethod
    def http(cls, status: int, *, retry_after: float | None = None, target: Target = "any") -> Fault:
        """Answer with this HTTP error status (e.g. 429 with `retry-after`, 500)."""
        return cls(kind="status", status=status, retry_after=retry_after, target=target)

    @classmethod
    def stall(cls, *, after_chunks: int, seconds: float = 30.0, target: Target = "any") -> Fault:
        """Stream `after_chunks` chunks, then send nothing for `seconds`."""
        return cls(kind="stall", after_chunks=after_chunks, seconds=seconds, target=target)

    @classmethod
    def cut(cls, *, after_chunks: int, target: Target = "any") -> Fault:
        """Stream `after_chunks` chunks, then drop the connection without `[DONE]`."""
        return cls(kind="cut", after_chunks=after_chunks, target=target)

    @classmethod
    def invalid_json(cls, *, target: Target = "evaluation") -> Fault:
        """Return truncated, unparseable JSON as the message content."""
        return cls(kind="invalid_json", target=target)

    @classmethod
    def slow(cls, seconds: float, *, target: Target = "any") -> Fault:
        """Wait `seconds` before sending anything at all."""
        return cls(kind="slow", seconds=seconds, target=target)

    def matches(self, kind: RequestKind) -> bool:
        """Whether this fault applies to a request of this kind."""
        return self.target in ("any", kind)
