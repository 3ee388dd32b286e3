"""GET /metrics: Prometheus text format (Litestar's HTTP metrics plus this instance's own)."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from litestar import Request, Response, get
from litestar.enums import ScopeType
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from coach.api.deps import RuntimeDep
from coach.domain.errors import Forbidden
from coach.services.metrics import refresh_metrics
from coach.settings import Settings


def prometheus_config() -> PrometheusConfig:
    """Request latency and counts by route template (not raw path) and status; HTTP only."""
    return PrometheusConfig(
        app_name="coach",
        prefix="coach_http",
        group_path=True,
        scopes={ScopeType.HTTP},
        exclude=["^/metrics"],
        buckets=[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    )


def may_scrape(settings: Settings, client_host: str | None, authorization: str | None) -> bool:
    """Whether a scrape is allowed: the bearer token, or an allowed address; open in dev if neither is set."""
    token, allowed = settings.metrics_token, settings.metrics_allow
    if not token and not allowed:
        return not settings.is_prod
    if token and authorization:
        scheme, _, presented = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode()):
            return True
    if allowed and client_host:
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(entry, strict=False) for entry in allowed)
    return False


class MetricsController(PrometheusController):
    """The scrape endpoint: in prod only with COACH_METRICS_TOKEN or from COACH_METRICS_ALLOW (not proxied)."""

    path = "/metrics"

    @get(exclude_from_auth=True, include_in_schema=False)
    async def get(self, request: Request[Any, Any, Any], runtime: RuntimeDep) -> Response[bytes]:
        client = request.client.host if request.client else None
        if not may_scrape(runtime.settings, client, request.headers.get("authorization")):
            raise Forbidden("Metrics need the bearer token (COACH_METRICS_TOKEN) or an allowed address.")
        await refresh_metrics(
            runtime.metrics, runtime.presence, runtime.interviewer, runtime.transactions, runtime.now()
        )
        body = generate_latest(REGISTRY) + generate_latest(runtime.metrics.registry)
        return Response(body, status_code=200, headers={"Content-Type": CONTENT_TYPE_LATEST})
