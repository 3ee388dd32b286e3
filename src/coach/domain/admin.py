"""What the admin dashboard shows: service-wide counts, latency percentiles and LLM cost."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import msgspec

from coach.domain.evaluator import MODEL_NAME as GRADER_MODEL

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1": (2.00, 8.00),
}
"""USD per million (prompt, completion) tokens; unknown and offline models cost 0."""

OFFLINE_MODELS = frozenset({"offline", "offline-rubric", GRADER_MODEL})
"""The offline grader's name now, and the keyword evaluator's ("offline-rubric") in stored evaluations."""


def is_llm(model: str | None) -> bool:
    """Whether an evaluation's model is a remote LLM (the offline grader is not)."""
    return bool(model) and model not in OFFLINE_MODELS


def cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float:
    """Estimated USD for a model's token usage; longest known prefix wins (dated model names)."""
    if not is_llm(model):
        return 0.0
    assert model is not None
    known = sorted((m for m in PRICES_PER_MILLION if model.startswith(m)), key=len, reverse=True)
    if not known:
        return 0.0
    prompt_price, completion_price = PRICES_PER_MILLION[known[0]]
    return (prompt_tokens * prompt_price + completion_tokens * completion_price) / 1_000_000


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank p-th percentile (0 < p ≤ 100), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class ModelUsage(msgspec.Struct, frozen=True):
    """LLM usage of one model today."""

    model: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class Latency(msgspec.Struct, frozen=True):
    """Seconds from an answer's submission to its stored evaluation, today."""

    samples: int
    p50: float | None
    p95: float | None


class Evaluations(msgspec.Struct, frozen=True):
    pending: int
    failed_today: int
    done_today: int


class LLMUsage(msgspec.Struct, frozen=True):
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    by_model: list[ModelUsage]


class AdminStats(msgspec.Struct, frozen=True):
    """GET /api/admin/stats; "today" is the UTC day."""

    users: int
    sessions_today: int
    active_sessions: int
    evaluations: Evaluations
    feedback_latency: Latency
    llm: LLMUsage
    since: datetime


class LiveCounts(msgspec.Struct, frozen=True):
    """The admin live view's numbers, pushed when they change."""

    open_sockets: int
    active_sessions: int
    evaluations_in_flight: int


class AdminLive(msgspec.Struct, frozen=True, tag="admin.live", tag_field="type"):
    """`{"type": "admin.live", ...}` on WS /ws/admin/live."""

    open_sockets: int
    active_sessions: int
    evaluations_in_flight: int
    at: datetime


def llm_usage(rows: Sequence[tuple[str | None, int, int, int]]) -> LLMUsage:
    """Fold (model, evaluations, prompt tokens, completion tokens) rows into today's LLM usage."""
    by_model = [
        ModelUsage(
            model=model or "",
            calls=calls,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost_usd=round(cost(model, prompt, completion), 6),
        )
        for model, calls, prompt, completion in sorted(rows, key=lambda r: r[0] or "")
        if is_llm(model)
    ]
    return LLMUsage(
        calls=sum(m.calls for m in by_model),
        prompt_tokens=sum(m.prompt_tokens for m in by_model),
        completion_tokens=sum(m.completion_tokens for m in by_model),
        cost_usd=round(sum(m.cost_usd for m in by_model), 6),
        by_model=by_model,
    )


def latency(seconds: Sequence[float]) -> Latency:
    """Percentiles of submit-to-feedback times, rounded to milliseconds."""
    p50, p95 = percentile(seconds, 50), percentile(seconds, 95)
    return Latency(
        samples=len(seconds),
        p50=round(p50, 3) if p50 is not None else None,
        p95=round(p95, 3) if p95 is not None else None,
    )
