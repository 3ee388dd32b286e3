"""Whether a token still holds: unexpired, not revoked, and not issued before a "log out everywhere".

"Log out everywhere" stores one stamp per user in a Litestar store (Redis when configured, so
every instance sees it): every token issued up to that instant is refused from then on, by
REST (the JWT retrieve-user path) and by open sockets alike. The stamp is kept as long as a
token can live, after which every token it denies has expired anyway.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from litestar.security.jwt import Token
from litestar.stores.base import Store

from coach.auth.revocation import RevocationList
from coach.domain.states import AccountRole

ISSUED_MS = "iat_ms"
"""Token claim: the issue time in milliseconds (`iat` has whole seconds only)."""


def issued_ms(token: Token) -> int:
    """When the token was issued, in milliseconds since the epoch."""
    raw = token.extras.get(ISSUED_MS)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return int(token.iat.timestamp()) * 1000


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class LogoutStamps:
    """Per-user "every token issued up to T is invalid" stamps."""

    def __init__(self, store: Store, keep_seconds: int) -> None:
        self._store = store
        self._keep = max(1, keep_seconds)

    @staticmethod
    def _key(user_id: uuid.UUID | str) -> str:
        return f"logout-all:{user_id}"

    async def log_out_everywhere(self, user_id: uuid.UUID, at: datetime) -> None:
        """Refuse every token of the user issued up to `at`."""
        await self._store.set(self._key(user_id), str(to_ms(at)).encode(), expires_in=self._keep)

    async def denies(self, token: Token) -> bool:
        """Whether a "log out everywhere" came after this token was issued."""
        raw = await self._store.get(self._key(token.sub))
        if raw is None:
            return False
        try:
            cutoff = int(raw)
        except ValueError:
            return False
        return issued_ms(token) <= cutoff


async def token_holds(token: Token, revocations: RevocationList, stamps: LogoutStamps, now: datetime) -> bool:
    """Whether the token may still act: not expired, not revoked, not logged out everywhere."""
    if token.exp <= now:
        return False
    if await revocations.is_revoked(str(token.jti) if token.jti else None):
        return False
    return not await stamps.denies(token)


ADMIN_ROLE = AccountRole.ADMIN


def is_admin(user: Any) -> bool:
    """Whether the account may see the admin pages and the live view."""
    return getattr(user, "role", None) == ADMIN_ROLE
