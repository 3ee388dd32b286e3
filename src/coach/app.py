"""The app factory: `create_app(settings)` wires every part; nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import InitPluginProtocol
from litestar.static_files import create_static_files_router

from coach.api.admin import AdminController
from coach.api.analytics import AnalyticsController
from coach.api.auth import AuthController, auth_cookie
from coach.api.csrf import csrf_guard
from coach.api.deps import dependencies
from coach.api.errors import EXCEPTION_HANDLERS
from coach.api.health import HealthController
from coach.api.http import needs_renewal, request_id_middleware, response_hook
from coach.api.me import MeController
from coach.api.metrics import MetricsController, prometheus_config
from coach.api.openapi import StrictStructSchemaPlugin, state_public_operations
from coach.api.sessions import SessionController
from coach.auth.jwt import issue_token
from coach.logs import configure_logging
from coach.resources import web_dist
from coach.runtime import Runtime
from coach.settings import Settings
from coach.ws.admin import admin_live_socket
from coach.ws.interview import interview_socket


def _is_rate_limited(request: Request[Any, Any, Any]) -> bool:
    return bool(request.route_handler.opt.get("rate_limited"))


def create_app(settings: Settings | None = None, *, configure_logs: bool = True) -> Litestar:
    """Build a Coach app from settings (read from the environment when not given)."""
    settings = settings or Settings.from_env()
    settings.check()
    if configure_logs:
        configure_logging(settings.log_level, settings.json_logs)
    runtime = Runtime.build(settings)
    jwt_auth = runtime.jwt_auth
    lifetime = settings.access_token_lifetime

    def renew(scope: Any) -> str | None:
        auth, user = scope.get("auth"), scope.get("user")
        if user is None or not needs_renewal(auth, lifetime):
            return None
        if any(name == b"authorization" for name, _ in scope["headers"]):
            return None  # header clients renew explicitly through /api/auth/refresh
        token = issue_token(jwt_auth, user, lifetime)
        return auth_cookie(runtime, token, lifetime).to_header(header="")

    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.login_rate_limit),
        store="rate_limit",
        check_throttle_handler=_is_rate_limited,
    )

    channels = runtime.channels
    sockets = runtime.sockets
    assert channels is not None, "an app runtime is built serving"
    assert sockets is not None, "an app runtime is built serving"

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncGenerator[None, None]:
        if settings.run_worker:
            runtime.start_worker()
        runtime.presence.start()
        try:
            yield
        finally:
            await sockets.aclose()
            await runtime.presence.aclose()
            await runtime.aclose()

    route_handlers: list[Any] = [
        HealthController,
        AuthController,
        MeController,
        SessionController,
        interview_socket,
        AnalyticsController,
        AdminController,
        admin_live_socket,
        MetricsController,
    ]
    static_dir = web_dist()
    if static_dir.is_dir():
        route_handlers.append(
            create_static_files_router(
                path="/",
                directories=[static_dir],
                html_mode=True,
                opt={"exclude_from_auth": True},
                include_in_schema=False,
            )
        )

    app = Litestar(
        route_handlers=route_handlers,
        dependencies=dependencies(runtime),
        on_app_init=[jwt_auth.on_app_init],
        middleware=[request_id_middleware, rate_limit.middleware, prometheus_config().middleware],
        before_request=csrf_guard(runtime.socket_gate.origins),
        # The runtime's lifespan goes last so it ends first: work still draining at shutdown
        # can publish, because the channels plugin (a lifespan of its own) is still up.
        plugins=[channels, StrictStructSchemaPlugin(), _LifespanLast(lifespan)],
        before_send=[response_hook(hsts=settings.is_prod, renew=renew)],
        logging_config=None,
        exception_handlers=EXCEPTION_HANDLERS,
        cors_config=CORSConfig(allow_origins=list(settings.browser_origins()), allow_credentials=True),
        stores=runtime.stores,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Coach API",
            version="0.1.0",
            description='Real-time mock interviews. Errors: {"error": code, "message": sentence}.',
            path="/schema",
            render_plugins=[
                SwaggerRenderPlugin(
                    path="/",
                    js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
                    css_url="/vendor/swagger-ui/swagger-ui.css",
                    standalone_preset_js_url="/vendor/swagger-ui/swagger-ui-standalone-preset.js",
                    favicon="<link rel='icon' type='image/svg+xml' href='/favicon.svg'>",
                )
            ],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
                }
            ),
        ),
        debug=False,
    )
    app.state.runtime = runtime  # for tests and tools only: the app's own code gets it through DI
    state_public_operations(app, jwt_auth)
    return app


class _LifespanLast(InitPluginProtocol):
    """Appends a lifespan after every plugin's, so it starts after them and ends before them."""

    def __init__(self, manager: Callable[[Litestar], AbstractAsyncContextManager[None]]) -> None:
        self._manager = manager

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.lifespan.append(self._manager)
        return app_config
