"""Open sockets answer to their token: closed at its expiry, and on logout from any instance.

Each process keeps the sockets it holds by user. A logout (or "log out everywhere") publishes
one event on the auth channel through the channels plugin (Redis pub/sub, or memory), so the
instance holding the user's sockets closes them with 4401 wherever the logout happened. Each
socket also waits for its token's `exp`, and re-checks the token in the store before acting
on any message, so nothing received after a revocation changes anything, even before the
event arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.security.jwt import Token

from coach.broker.channels_backend import RESYNC

log = logging.getLogger("coach.auth.watch")

TOKEN_EXPIRED = "token expired"  # noqa: S105 - a close reason, not a secret
TOKEN_REVOKED = "token revoked"  # noqa: S105 - a close reason, not a secret
LOGGED_OUT = "logged out"


class _LogoutEvent(msgspec.Struct, frozen=True):
    """Internal event on the auth channel (never sent to clients)."""

    user_id: str
    reason: str


_decode_event = msgspec.json.Decoder(_LogoutEvent)


def auth_channel(namespace: str) -> str:
    """The channel every instance listens on for logouts."""
    return f"{namespace}:auth"


class Watch:
    """One open socket's token: `wait()` returns (with a reason) once it no longer holds."""

    def __init__(
        self,
        owner: SocketWatch,
        user_id: str,
        token: Token,
        check: Callable[[Token], Awaitable[bool]],
        clock: Callable[[], datetime],
    ) -> None:
        self._owner = owner
        self.user_id = user_id
        self.token = token
        self._check = check
        self._clock = clock
        self._ended = asyncio.Event()
        self.reason: str | None = None

    def end(self, reason: str) -> None:
        """The token no longer holds (the first reason wins)."""
        if self.reason is None:
            self.reason = reason
        self._ended.set()

    async def holds(self) -> bool:
        """Re-check now (call before acting on a message): unexpired and still valid in the store."""
        if self.reason is not None:
            return False
        if self.token.exp <= self._clock():
            self.end(TOKEN_EXPIRED)
            return False
        if not await self._check(self.token):
            self.end(TOKEN_REVOKED)
            return False
        return True

    async def wait(self) -> str:
        """Until the token expires or is revoked; returns why."""
        delay = (self.token.exp - self._clock()).total_seconds()
        try:
            async with asyncio.timeout(max(0.0, delay)):
                await self._ended.wait()
        except TimeoutError:
            self.end(TOKEN_EXPIRED)
        assert self.reason is not None
        return self.reason

    def release(self) -> None:
        """The socket is gone: stop watching it."""
        self._owner.release(self)


class SocketWatch:
    """This process's open sockets by user, closed when their user logs out on any instance."""

    def __init__(
        self,
        channels: ChannelsPlugin,
        channel: str,
        check: Callable[[Token], Awaitable[bool]],
        clock: Callable[[], datetime],
    ) -> None:
        self._channels = channels
        self._channel = channel
        self._check = check
        self._clock = clock
        self._by_user: dict[str, set[Watch]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._subscriber: Any = None
        self._lock = asyncio.Lock()
        self._closing = False
        self._rechecks: set[asyncio.Task[bool]] = set()

    def count(self, user_id: uuid.UUID | str | None = None) -> int:
        """Sockets watched (of one user, or all)."""
        if user_id is not None:
            return len(self._by_user.get(str(user_id), ()))
        return sum(len(watches) for watches in self._by_user.values())

    def watch(self, user_id: uuid.UUID, token: Token) -> Watch:
        """Start watching a socket's token; then `await listen()` and check `holds()` (a logout may have come first)."""
        watch = Watch(self, str(user_id), token, self._check, self._clock)
        self._by_user.setdefault(watch.user_id, set()).add(watch)
        return watch

    def release(self, watch: Watch) -> None:
        watches = self._by_user.get(watch.user_id)
        if watches is None:
            return
        watches.discard(watch)
        if not watches:
            del self._by_user[watch.user_id]

    async def log_out(self, user_id: uuid.UUID, reason: str = LOGGED_OUT) -> None:
        """Close every open socket of the user, on every instance (call after revoking in the store)."""
        event = msgspec.json.encode(_LogoutEvent(user_id=str(user_id), reason=reason))
        await self._channels.wait_published(event, [self._channel])

    def _dispatch(self, frame: bytes) -> None:
        if frame == RESYNC:
            # Pub/sub reconnected: a logout may have been missed; every socket re-checks its token.
            for watches in list(self._by_user.values()):
                for watch in list(watches):
                    task = asyncio.get_running_loop().create_task(watch.holds())
                    self._rechecks.add(task)
                    task.add_done_callback(self._rechecks.discard)
            return
        try:
            event = _decode_event.decode(frame)
        except (msgspec.ValidationError, msgspec.DecodeError):
            log.warning("ignored a malformed auth event: %r", frame[:200])
            return
        for watch in list(self._by_user.get(event.user_id, ())):
            watch.end(event.reason)

    async def listen(self) -> None:
        """Subscribe once per process, at the first socket (the plugin has started by then)."""
        if self._listener is not None and not self._listener.done():
            return
        async with self._lock:
            if self._closing or (self._listener is not None and not self._listener.done()):
                return
            subscriber = await self._channels.subscribe([self._channel])
            self._subscriber = subscriber
            self._listener = asyncio.create_task(self._run(subscriber), name="socket-watch")

    async def _run(self, subscriber: Any) -> None:
        async for frame in subscriber.iter_events():
            try:
                self._dispatch(frame)
            except Exception:
                log.exception("socket watch could not act on an auth event")

    async def aclose(self) -> None:
        """Stop listening (at shutdown, before the channels plugin stops)."""
        self._closing = True
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
        if self._subscriber is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await self._channels.unsubscribe(self._subscriber)
            self._subscriber = None
