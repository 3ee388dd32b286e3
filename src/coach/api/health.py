"""GET /health (liveness) and GET /health/ready (dependencies)."""

from __future__ import annotations

import asyncio

import msgspec
from litestar import Controller, Response, get
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
    async def ready(self, runtime: RuntimeDep) -> Response[Envelope[Readiness]]:
        """200 when the database (and Redis, when configured) answer; 503 with each check's state otherwise."""
        checks = [_check_database(runtime)]
        if runtime.redis is not None:
            checks.append(_check_redis(runtime))
        results = list(await asyncio.gather(*checks))
        ok = all(c.ok for c in results)
        body = Envelope(Readiness(ready=ok, checks=results), message="ready" if ok else "not ready")
        return Response(body, status_code=200 if ok else 503)
