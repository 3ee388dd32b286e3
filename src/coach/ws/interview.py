"""WS /ws/sessions/{id}: the interview conversation.

On connect: check Origin, authenticate, check ownership, subscribe to the session's
channel, and only then read and send the snapshot (so no event falls into the gap).
Each unit of work opens its own short database session; the socket holds none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath
from litestar.security.jwt import Token

from coach import protocol as m
from coach.auth.sockets import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, admit
from coach.auth.watch import SocketWatch
from coach.broker.channels_backend import RESYNC
from coach.domain.errors import CoachError, InvalidState, NotFound, RateLimited
from coach.runtime import Runtime
from coach.services.events import session_channel
from coach.services.interviews import EndReason
from coach.store.models import User
from coach.ws.limits import TokenBucket
from coach.ws.outbox import Outbox, Overflow

log = logging.getLogger("coach.ws")

T = TypeVar("T")

MAX_FRAME = 64 * 1024
CLOSE_TOO_BIG = 1009
CLOSE_POLICY = 1008
CLOSE_OVERLOADED = 1013
CLOSE_INTERNAL = 1011


class _Head(msgspec.Struct):
    """What a channel frame is, read without decoding the rest (a question's id if it has one)."""

    type: str
    question_id: str | None = None


_peek = msgspec.json.Decoder(_Head)
_QUESTION_STREAM = frozenset({"question.start", "question.delta", "question.end", "question.cancel"})


@websocket("/ws/sessions/{session_id:uuid}", opt={"exclude_from_auth": True})
async def interview_socket(
    socket: WebSocket[Any, Any, Any],
    session_id: FromPath[uuid.UUID],
    channels: NamedDependency[ChannelsPlugin],
    runtime: NamedDependency[Runtime],
) -> None:
    """The interview conversation (see docs/protocol.md)."""
    admitted = await admit(socket, runtime.socket_gate)
    if admitted is None:
        return
    user = admitted.user
    try:
        await runtime.interviews.check_owner(user.id, session_id)
    except NotFound:
        await socket.close(code=CLOSE_FORBIDDEN, reason="not your session")
        return
    await Conversation(socket, runtime, channels, user, session_id, token=admitted.token).run()


class Conversation:
    """One connected socket of one session."""

    def __init__(
        self,
        socket: WebSocket[Any, Any, Any],
        runtime: Runtime,
        channels: ChannelsPlugin,
        user: User,
        session_id: uuid.UUID,
        *,
        token: Token,
    ) -> None:
        self.socket = socket
        self.runtime = runtime
        self.channels = channels
        self.user = user
        self.session_id = session_id
        self.interviews = runtime.interviews
        assert runtime.sockets is not None, "an app runtime has a socket watch"
        self.sockets: SocketWatch = runtime.sockets
        # The socket answers to its token: closed (4401) at its expiry or on logout, re-checked per message.
        self.watch = self.sockets.watch(user.id, token)
        settings = runtime.settings
        self.outbox = Outbox(self._send_frame)
        self.bucket = TokenBucket(
            rate=settings.ws_messages_per_second, burst=settings.ws_messages_per_second * 2
        )
        self.strikes = 0
        per_minute = max(1, settings.code_runs_per_minute)
        self.run_bucket = TokenBucket(rate=per_minute / 60, burst=min(3, per_minute))
        self.running: asyncio.Task[None] | None = None
        self.streaming: set[str] = set()
        """Questions whose start this socket relayed: their deltas and end follow it."""
        self.closed = False
        self.close_code: int | None = None
        self.tasks: set[asyncio.Task[Any]] = set()
        """Everything this socket runs in the background, cancelled when it closes."""
        self.sender: asyncio.Task[None] | None = None
        self.timer: asyncio.Task[None] | None = None

    async def run(self) -> None:
        channel = session_channel(self.runtime.settings.redis_namespace, self.session_id)
        subscriber = await self.channels.subscribe([channel])
        self.runtime.presence.register()
        try:
            await self.sockets.listen()
            if not await self.watch.holds():  # logged out between the handshake and now
                await self._close(CLOSE_UNAUTHENTICATED, self.watch.reason or "token revoked")
                return
            state = await self._state()
            self.outbox.offer(state)
            self.sender = self._background(self.outbox.run(), "ws-sender")
            self._background(self._events(subscriber), "ws-events")
            self.timer = self._background(
                self._timer(state.session.ends_at, state.session.status), "ws-timer"
            )
            if state.session.status == "active":
                self._ask()
            receiver = asyncio.create_task(self._receive(), name="ws-receiver")
            token_end = self._background(self.watch.wait(), "ws-token")
            done, _ = await asyncio.wait(
                [receiver, self.sender, token_end], return_when=asyncio.FIRST_COMPLETED
            )
            if self.watch.reason is not None:  # expired, revoked or logged out: nothing more is acted on
                await self._close(CLOSE_UNAUTHENTICATED, self.watch.reason)
            for task in done:
                if task is receiver and not task.cancelled() and (exc := task.exception()) is not None:
                    log.error("socket receiver failed on session %s", self.session_id, exc_info=exc)
                    self._error("server_error", "Something went wrong on our side; it has been logged.")
                    await self._close(CLOSE_INTERNAL, "server error")
                elif task is not receiver and not task.cancelled():
                    exc = task.exception()
                    if isinstance(exc, Overflow):
                        await self._close(CLOSE_OVERLOADED, "client too slow; reconnect to resync")
                    elif exc is not None:
                        log.warning("socket sender failed: %r", exc)
            receiver.cancel()
            with contextlib.suppress(BaseException):
                await receiver
        finally:
            self.closed = True
            for task in list(self.tasks):
                task.cancel()
            for task in list(self.tasks):
                with contextlib.suppress(BaseException):
                    await task
            self.watch.release()
            # Unsubscribe always, so channel subscriber counts return to zero.
            await self.channels.unsubscribe(subscriber)
            self.runtime.presence.unregister()

    def _background(self, work: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Run `work` for as long as the socket is open; a finished task is forgotten."""
        task = asyncio.create_task(work, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _state(self) -> m.SessionState:
        return await self.interviews.open(self.user.id, self.session_id)

    # ---- outgoing ----------------------------------------------------------------------------

    async def _send_frame(self, frame: bytes) -> None:
        await self.socket.send_text(frame.decode())
        self.runtime.metrics.messages_out.inc()

    async def _close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        sender = self.sender
        if sender is not None and sender is not asyncio.current_task():
            sender.cancel()
            with contextlib.suppress(BaseException):
                await sender
        if code != CLOSE_OVERLOADED:
            # Say why before closing (the errors that led here), but never wait long on a slow client.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self.outbox.flush()
        with contextlib.suppress(Exception):
            await self.socket.close(code=code, reason=reason)

    def _error(self, code: str, message: str, question_id: str | None = None) -> None:
        with contextlib.suppress(Overflow):
            self.outbox.offer(m.Error(code=code, message=message, question_id=question_id))

    # ---- background --------------------------------------------------------------------------

    def _ask(self) -> None:
        """Make sure the current question is (being) asked; it streams on the session's channel."""
        self.runtime.asker.ask_in_background(self.session_id, wanted=self._open)

    def _open(self) -> bool:
        return not self.closed

    async def _events(self, subscriber: Any) -> None:
        async for frame in subscriber.iter_events():
            if frame == RESYNC:
                self.outbox.offer(await self._state())
                continue
            head = _peek.decode(frame)
            kind = head.type
            if kind in _QUESTION_STREAM and head.question_id is not None:
                await self._question_event(kind, head.question_id, frame)
            else:
                self.outbox.offer_raw(frame)
                if kind == "session.ended" and self.timer is not None:
                    self.timer.cancel()

    async def _question_event(self, kind: str, question_id: str, frame: bytes) -> None:
        """Relay a question's stream from its start; a socket that joined mid-stream gets it whole at the end."""
        if kind == "question.start":
            self.streaming.add(question_id)
            self.outbox.offer_raw(frame)
        elif question_id not in self.streaming:
            if kind == "question.end":
                await self._send_whole_question(question_id)
        elif kind == "question.delta":
            # Decoded so the outbox can join the deltas that queue up while the client lags.
            self.outbox.offer(msgspec.json.decode(frame, type=m.QuestionDelta))
        else:  # its end, or its withdrawal (a bank question follows under a new start)
            self.outbox.offer_raw(frame)
            self.streaming.discard(question_id)

    async def _send_whole_question(self, question_id: str) -> None:
        for message in await self.interviews.whole_question(self.session_id, question_id):
            self.outbox.offer(message)

    async def _timer(self, ends_at: datetime, status: str) -> None:
        if status != "active":
            return
        delay = (ends_at - self.runtime.now()).total_seconds()
        await asyncio.sleep(max(0.0, delay))
        await self._end("time_up")

    # ---- incoming ----------------------------------------------------------------------------

    async def _receive(self) -> None:
        while not self.closed:
            try:
                event: dict[str, Any] = dict(await self.socket.receive())
            except WebSocketDisconnect:
                return
            if event["type"] == "websocket.disconnect":
                return
            raw = event.get("text") if event.get("text") is not None else event.get("bytes")
            if not isinstance(raw, str | bytes):
                continue
            self.runtime.metrics.messages_in.inc()
            if len(raw) > MAX_FRAME:
                await self._close(CLOSE_TOO_BIG, "message too big")
                return
            if not self.bucket.allow():
                self.strikes += 1
                self._error("rate_limited", "Too many messages; slow down.")
                if self.strikes > 50:
                    await self._close(CLOSE_POLICY, "too many messages")
                    return
                continue
            try:
                message = m.decode_client(raw)
            except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                self._error("bad_message", f"Invalid message: {exc}")
                continue
            if not await self.watch.holds():
                return  # the token no longer holds: the message changes nothing; run() closes with 4401
            try:
                await self._handle(message)
            except CoachError as exc:
                self._error(exc.code, exc.message, getattr(message, "question_id", None))
            except Overflow:
                await self._close(CLOSE_OVERLOADED, "client too slow; reconnect to resync")
                return
            except Exception:
                # Never silently: log it, tell the client, then close (1011) so it reconnects and resyncs.
                log.exception(
                    "socket message %s failed on session %s", type(message).__name__, self.session_id
                )
                self._error(
                    "server_error",
                    "Something went wrong on our side; it has been logged. Reconnect to continue.",
                    getattr(message, "question_id", None),
                )
                await self._close(CLOSE_INTERNAL, "server error")
                return

    async def _handle(self, message: m.ClientMessage) -> None:
        user_id, session_id = self.user.id, self.session_id
        if isinstance(message, m.Ping):
            self.outbox.offer(m.Pong(server_time=self.runtime.now()))
        elif isinstance(message, m.AnswerDraft):
            seq = await self.interviews.save_draft(
                user_id,
                session_id,
                question_id=message.question_id,
                seq=message.seq,
                text=message.text,
                language=message.language,
            )
            self.outbox.offer(m.AnswerAck(question_id=message.question_id, seq=seq))
        elif isinstance(message, m.AnswerSubmit):
            accepted = await self.interviews.submit(
                user_id,
                session_id,
                question_id=message.question_id,
                text=message.text,
                language=message.language,
                idempotency_key=message.idempotency_key,
            )
            self.outbox.offer(
                m.AnswerAck(question_id=message.question_id, submitted=True, answer_id=accepted.answer_id)
            )
        elif isinstance(message, m.QuestionNext):
            await self.interviews.next(user_id, session_id, wanted=self._open)
        elif isinstance(message, m.SessionEnd):
            await self._end("ended_by_candidate")
        elif isinstance(message, m.CodeRun):
            await self._start_run(message)

    async def _start_run(self, message: m.CodeRun) -> None:
        """Accept a Run-button press and run it in the background (drafts keep flowing meanwhile)."""
        if self.running is not None and not self.running.done():
            raise InvalidState("A run is already in progress; its result is on the way.")
        if not self.run_bucket.allow():
            per_minute = self.runtime.settings.code_runs_per_minute
            raise RateLimited(f"At most {per_minute} runs a minute; wait a few seconds.", retry_after=5)
        meta = await self.interviews.coding_question(self.user.id, self.session_id, message.question_id)
        run_id = uuid.uuid4().hex[:12]
        self.outbox.offer(
            m.RunStarted(question_id=message.question_id, run_id=run_id, language=message.language)
        )

        async def run() -> None:
            try:
                view = await self.runtime.code_runs.run(
                    self.session_id,
                    message.question_id,
                    meta,
                    message.language,
                    message.code,
                    message.input,
                    run_id=run_id,
                )
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("code run failed on session %s", self.session_id)
                self._error(
                    "run_failed", "The run failed on our side; it has been logged.", message.question_id
                )
                return
            if not self.closed:
                with contextlib.suppress(Overflow):
                    self.outbox.offer(m.RunResult(question_id=message.question_id, result=view))

        self.running = self._background(run(), "ws-run")

    async def _end(self, reason: EndReason) -> None:
        await self.interviews.end(self.user.id, self.session_id, reason)
