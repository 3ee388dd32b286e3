"""Admin REST routes, all behind `admin_only` (403 in the error format for everyone else)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from coach.api.deps import DbSession, Now
from coach.api.envelope import Envelope
from coach.api.errors import error_responses
from coach.auth.access import is_admin
from coach.domain.admin import AdminStats
from coach.services import admin


def admin_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the authenticated user must be an admin.

    Guards also run on handlers the auth middleware skips (Litestar's automatic OPTIONS
    handler), where there is no user in the scope at all: that is a 401, not a crash.
    """
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("Authentication required.")
    if not is_admin(user):
        raise PermissionDeniedException("This is for admins only.")


class AdminController(Controller):
    path = "/api/admin"
    tags = ["admin"]
    guards = [admin_only]

    @get("/stats", responses=error_responses(401, 403))
    async def stats(self, db: DbSession, now: Now) -> Envelope[AdminStats]:
        """Users, sessions today, active sessions, evaluation queue, feedback latency, LLM usage and cost."""
        return Envelope(await admin.stats(db, now))
