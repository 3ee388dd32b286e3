"""GET and PATCH /api/me: the profile and preferences."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch
from litestar.params import JSONBody

from coach.api.deps import DbSession
from coach.api.envelope import Envelope
from coach.api.errors import error_responses
from coach.api.schemas import ProfilePatch, UserOut
from coach.services import accounts
from coach.store.models import User


class MeController(Controller):
    path = "/api/me"
    tags = ["profile"]

    @get("/", responses=error_responses(401))
    async def me(self, request: Request[User, Any, Any]) -> Envelope[UserOut]:
        """The logged-in user's profile."""
        return Envelope(UserOut.of(request.user))

    @patch("/", responses=error_responses(400, 401, 413, 422))
    async def update(
        self, request: Request[User, Any, Any], data: JSONBody[ProfilePatch], db: DbSession
    ) -> Envelope[UserOut]:
        """Change name, target role, level, preferred interview types or language."""
        user = await db.merge(request.user)
        user = await accounts.update_profile(db, user, data.changes())
        return Envelope(UserOut.of(user), message="Profile updated.")
