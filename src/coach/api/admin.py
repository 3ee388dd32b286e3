"""Admin REST routes, all behind `admin_only` (403 in the error format for everyone else)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from coach.api.deps import DbSession, RuntimeDep
from coach.api.envelope import Envelope
from coach.api.errors import error_responses
from coach.domain.admin import AdminStats
from coach.services import admin

ADMIN_ROLE = "admin"


def is_admin(user: Any) -> bool:
    return getattr(user, "role", None) == ADMIN_ROLE


def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the authenticated user must be an admin."""
    if not is_admin(connection.user):
        raise PermissionDeniedException("This is for admins only.")


class AdminController(Controller):
    path = "/api/admin"
    tags = ["admin"]
    guards = [admin_only]

    @get("/stats", responses=error_responses(401, 403))
    async def stats(self, db: DbSession, runtime: RuntimeDep) -> Envelope[AdminStats]:
        """Users, sessions today, active sessions, evaluation queue, feedback latency, LLM usage and cost."""
        return Envelope(await admin.stats(db, runtime.now()))
