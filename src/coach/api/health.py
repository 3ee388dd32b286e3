"""GET /health (liveness) and GET /health/ready (dependencies)."""

from __future__ import annotations

import asyncio
import time

import httpx
import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text

from coach.api.deps import RuntimeDep
from coach.api.envelope import Envelope
from coach.runtime import Runtime

CHECK_TIMEOUT = 2.0


class Check(msgspec.Struct, frozen=True):
    name: str
    ok: bool
    detail: str = ""


class Readiness(msgspec.Struct, frozen=True):
    ready: bool
    checks: list[Check]


async def _check_database(runtime: Runtime) -> Check:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT), runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means not ready; the kind is enough detail
        return Check("database", False, type(exc).__name__)
    return Check("database", True)


async def _check_redis(runtime: Runtime) -> Check:
    assert runtime.redis is not None
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await runtime.redis.ping()
    except Exception as exc:
        return Check("redis", False, type(exc).__name__)
    return Check("redis", True)


async def _probe_llm(runtime: Runtime) -> Check:
    settings = runtime.settings
    base = (settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    try:
        async with httpx.AsyncClient(timeout=CHECK_TIMEOUT) as client:
            response = await client.get(f"{base}/models", headers=headers)
    except Exception as exc:
        return Check("llm", False, type(exc).__name__)
    if response.status_code >= 400:
        return Check("llm", False, f"HTTP {response.status_code}")
    return Check("llm", True)


async def _check_llm(runtime: Runtime, state: State) -> Check:
    """GET {base_url}/models, remembered for `llm_health_cache_seconds` so probes never hammer the LLM."""
    cached: tuple[float, Check] | None = state.get("llm_check")
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    check = await _probe_llm(runtime)
    state["llm_check"] = (time.monotonic() + runtime.settings.llm_health_cache_seconds, check)
    return check


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/", exclude_from_auth=True)
    async def live(self) -> Envelope[dict[str, str]]:
        """The process is up."""
        return Envelope({"status": "ok"})

    @get(
        "/ready",
        exclude_from_auth=True,
        responses={503: ResponseSpec(Envelope[Readiness], description="Not ready")},
    )
    async def ready(self, runtime: RuntimeDep, state: State) -> Response[Envelope[Readiness]]:
        """200 when the database (and Redis, and the LLM endpoint, when configured) answer; 503 otherwise."""
        checks = [_check_database(runtime)]
        if runtime.redis is not None:
            checks.append(_check_redis(runtime))
        if runtime.settings.llm_enabled:
            checks.append(_check_llm(runtime, state))
        results = list(await asyncio.gather(*checks))
        ok = all(c.ok for c in results)
        body = Envelope(Readiness(ready=ok, checks=results), message="ready" if ok else "not ready")
        return Response(body, status_code=200 if ok else 503)
