"""WS /ws/admin/live: live counts for admins, pushed when they change and at least every 2 seconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import msgspec
from litestar import WebSocket, websocket
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect

from coach.auth.access import is_admin
from coach.auth.sockets import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, admit
from coach.domain.admin import AdminLive, LiveCounts
from coach.runtime import Runtime
from coach.services import admin

log = logging.getLogger("coach.ws.admin")

MAX_SILENCE = 2.0
"""Push at least this often, even when nothing changed."""


@websocket("/ws/admin/live", opt={"exclude_from_auth": True})
async def admin_live_socket(socket: WebSocket[Any, Any, Any], runtime: NamedDependency[Runtime]) -> None:
    """Live counts for the admin dashboard (admins only)."""
    admitted = await admit(socket, runtime.socket_gate)
    if admitted is None:
        return
    if not is_admin(admitted.user):
        await socket.close(code=CLOSE_FORBIDDEN, reason="admins only")
        return
    assert runtime.sockets is not None, "an app runtime has a socket watch"
    # Like the interview socket, this one closes (4401) at its token's expiry or on logout.
    watch = runtime.sockets.watch(admitted.user.id, admitted.token)
    tasks: list[asyncio.Task[Any]] = []
    try:
        await runtime.sockets.listen()
        if await watch.holds():
            tasks = [
                asyncio.create_task(_drain(socket), name="admin-live-receiver"),
                asyncio.create_task(_push(socket, runtime), name="admin-live-pusher"),
                asyncio.create_task(watch.wait(), name="admin-live-token"),
            ]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.release()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        with contextlib.suppress(Exception):
            if watch.reason is not None:
                await socket.close(code=CLOSE_UNAUTHENTICATED, reason=watch.reason)
            else:
                await socket.close()


async def _drain(socket: WebSocket[Any, Any, Any]) -> None:
    """Read (and ignore) client frames until it leaves."""
    while True:
        try:
            event = await socket.receive()
        except WebSocketDisconnect:
            return
        if event["type"] == "websocket.disconnect":
            return


async def _push(socket: WebSocket[Any, Any, Any], runtime: Runtime) -> None:
    loop = asyncio.get_running_loop()
    poll = max(0.05, min(runtime.settings.admin_live_poll_seconds, MAX_SILENCE))
    last: LiveCounts | None = None
    sent_at = 0.0
    while True:
        try:
            counts = await admin.live_counts(runtime.db_sessions, runtime.presence, runtime.now())
        except Exception as exc:  # a blip in Redis or the database: try again next tick
            log.warning("admin live counts failed: %r", exc)
        else:
            if counts != last or loop.time() - sent_at >= MAX_SILENCE:
                message = AdminLive(
                    open_sockets=counts.open_sockets,
                    active_sessions=counts.active_sessions,
                    evaluations_in_flight=counts.evaluations_in_flight,
                    at=runtime.now(),
                )
                await socket.send_text(msgspec.json.encode(message).decode())
                last, sent_at = counts, loop.time()
        await asyncio.sleep(poll)
