"""An OpenAI-compatible fake LLM: real HTTP/1.1 on loopback, served by a raw asyncio server in a thread.

A raw server (not an ASGI app) because the faults need the wire itself: a stream that stalls
mid-body, a connection dropped without the terminating chunk, a first-byte timestamp.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any

import msgspec

from tests.fakellm import payloads
from tests.fakellm.faults import Fault, RequestKind

_MAX_HEADER = 64 * 1024
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


@dataclass(slots=True)
class Exchange:
    """One request the fake received and how it answered; times are `time.time()` wall clock."""

    method: str
    path: str
    body: dict[str, Any] | None
    kind: RequestKind | None
    fault: Fault | None
    received_at: float
    first_byte_at: float | None = None
    status: int | None = None


@dataclass(slots=True)
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Config(msgspec.Struct, kw_only=True):
    question: str | None = None
    evaluation: dict[str, Any] | str | None = None
    token_delay: float | None = None
    json_schema: bool | None = None


@dataclass
class FakeLLM:
    """The fake server: set `question`, `evaluation`, `token_delay`; inject faults with `enqueue_fault`.

    `json_schema=False` makes it a server without structured outputs (llama.cpp server, Ollama,
    LM Studio): every `response_format: json_schema` request gets a 400 naming text and json_object,
    while json_object requests are answered as evaluations.
    """

    question: str = payloads.DEFAULT_QUESTION
    evaluation: Mapping[str, Any] | str = field(default_factory=lambda: dict(payloads.DEFAULT_EVALUATION))
    token_delay: float = 0.0
    json_schema: bool = True
    host: str = "127.0.0.1"
    port: int = 0
    _faults: list[Fault] = field(default_factory=list, init=False, repr=False)
    _exchanges: list[Exchange] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _ready: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False, repr=False)
    _stop: asyncio.Event | None = field(default=None, init=False, repr=False)
    _conns: dict[asyncio.Task[None], asyncio.StreamWriter] = field(
        default_factory=dict, init=False, repr=False
    )
    _error: BaseException | None = field(default=None, init=False, repr=False)

    # -- lifecycle -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The OpenAI base URL to give a client, e.g. http://127.0.0.1:PORT/v1."""
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> FakeLLM:
        """Serve from a background thread with its own event loop; returns once the port is bound."""
        if self._thread is not None:
            raise RuntimeError("FakeLLM already started")
        self._ready.clear()
        self._thread = threading.Thread(target=lambda: asyncio.run(self.serve()), name="fakellm", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError("FakeLLM did not start")
        if self._error is not None:
            raise RuntimeError("FakeLLM failed to start") from self._error
        return self

    def stop(self) -> None:
        """Close every connection (ending stalls at once) and join the server thread."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None:
            return
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def serve(self, on_ready: Callable[[FakeLLM], None] | None = None) -> None:
        """Run the server on the current loop until `stop()` (or the stop event) ends it."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            server = await asyncio.start_server(self._connection, self.host, self.port, limit=_MAX_HEADER)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            raise
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        if on_ready is not None:
            on_ready(self)
        try:
            await self._stop.wait()
        finally:
            server.close()
            # Aborting the sockets ends every handler through EOF or a failed write, stalls included.
            for writer in self._conns.values():
                writer.transport.abort()
            if self._conns:
                _, stuck = await asyncio.wait(set(self._conns), timeout=2)
                for task in stuck:
                    task.cancel()
                await asyncio.gather(*stuck, return_exceptions=True)
            await server.wait_closed()

    def request_stop(self) -> None:
        """Ask a server running on the current loop (process mode) to stop."""
        if self._stop is not None:
            self._stop.set()

    # -- configuration and records (thread-safe) -------------------------------

    def enqueue_fault(self, *faults: Fault) -> None:
        """Queue faults; each is consumed by the next request it matches, in order."""
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        """Forget queued faults and recorded exchanges."""
        with self._lock:
            self._faults.clear()
            self._exchanges.clear()

    @property
    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    @property
    def exchanges(self) -> list[Exchange]:
        """Every request received so far, with its fault, status and first-byte time."""
        with self._lock:
            return list(self._exchanges)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The parsed JSON bodies of the chat completion requests received so far."""
        return [e.body for e in self.exchanges if e.body is not None and e.kind is not None]

    def _take_fault(self, kind: RequestKind) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._faults):
                if fault.matches(kind):
                    return self._faults.pop(i)
        return None

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)

    # -- HTTP ------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns[task] = writer
        try:
            while (request := await _read_request(reader)) is not None:
                if not await self._dispatch(request, reader, writer):
                    break
                if request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        except asyncio.CancelledError:
            # Only stop() cancels a handler; ending quietly keeps asyncio from logging the cancellation.
            pass
        finally:
            self._conns.pop(task, None)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _dispatch(
        self, req: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection must close afterwards."""
        exchange = Exchange(req.method, req.path, None, None, None, received_at=time.time())
        path = req.path.split("?", 1)[0].rstrip("/")
        if req.method == "POST" and path == "/v1/chat/completions":
            return await self._chat(req, exchange, reader, writer)
        self._record(exchange)
        if req.method == "GET" and path == "/v1/models":
            return await _send_json(writer, exchange, 200, payloads.models())
        if path.startswith("/_fake/"):
            return await self._control(req, path, exchange, writer)
        return await _send_json(writer, exchange, 404, payloads.error(404, f"no route {req.method} {path}"))

    async def _control(
        self, req: _Request, path: str, exchange: Exchange, writer: asyncio.StreamWriter
    ) -> bool:
        """Remote control for a fake running as a separate process."""
        if req.method == "POST" and path == "/_fake/faults":
            self.enqueue_fault(msgspec.json.decode(req.body, type=Fault))
        elif req.method == "POST" and path == "/_fake/config":
            config = msgspec.json.decode(req.body, type=_Config)
            if config.question is not None:
                self.question = config.question
            if config.evaluation is not None:
                self.evaluation = config.evaluation
            if config.token_delay is not None:
                self.token_delay = config.token_delay
            if config.json_schema is not None:
                self.json_schema = config.json_schema
        elif req.method == "POST" and path == "/_fake/reset":
            self.clear()
        elif req.method == "GET" and path == "/_fake/exchanges":
            records = [
                {**asdict(e), "fault": msgspec.to_builtins(e.fault)}
                for e in self.exchanges
                if e is not exchange
            ]
            return await _send_json(writer, exchange, 200, records)
        else:
            return await _send_json(writer, exchange, 404, payloads.error(404, f"no route {path}"))
        return await _send_json(writer, exchange, 200, {"ok": True})

    async def _chat(
        self, req: _Request, exchange: Exchange, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        try:
            body = json.loads(req.body)
            if not isinstance(body, dict):
                raise ValueError("body is not an object")
        except ValueError as exc:
            self._record(exchange)
            return await _send_json(writer, exchange, 400, payloads.error(400, f"invalid JSON body: {exc}"))
        response_format = body.get("response_format")
        format_type = response_format.get("type") if isinstance(response_format, dict) else None
        is_eval = format_type in ("json_schema", "json_object")
        kind: RequestKind = "evaluation" if is_eval else "question"
        if format_type == "json_schema" and not self.json_schema:
            # Refused before any fault is consumed, as a real server validates the request first.
            exchange.body, exchange.kind = body, kind
            self._record(exchange)
            return await _send_json(writer, exchange, 400, payloads.json_schema_refused())
        fault = self._take_fault(kind)
        exchange.body, exchange.kind, exchange.fault = body, kind, fault
        self._record(exchange)

        if fault is not None and fault.kind == "slow" and not await _pause(reader, fault.seconds):
            return False
        if fault is not None and fault.kind == "status":
            headers = {} if fault.retry_after is None else {"retry-after": f"{fault.retry_after:g}"}
            error = payloads.error(fault.status, f"injected HTTP {fault.status}")
            return await _send_json(writer, exchange, fault.status, error, headers)

        content = self._content(kind)
        if fault is not None and fault.kind == "invalid_json":
            content = payloads.INVALID_JSON
        if body.get("stream"):
            return await self._stream(body, content, fault, exchange, reader, writer)
        return await self._whole(body, content, fault, exchange, reader, writer)

    def _content(self, kind: RequestKind) -> str:
        if kind == "question":
            return self.question
        evaluation = self.evaluation
        return evaluation if isinstance(evaluation, str) else json.dumps(dict(evaluation))

    async def _whole(
        self,
        body: dict[str, Any],
        content: str,
        fault: Fault | None,
        exchange: Exchange,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        data = json.dumps(payloads.completion(body, content)).encode()
        if fault is None or fault.kind not in ("stall", "cut"):
            return await _send_json(writer, exchange, 200, data)
        # Promise the whole body, send half: the client sees a stall or a short read.
        await _write(writer, exchange, _head(200, "application/json", {"content-length": str(len(data))}))
        await _write(writer, exchange, data[: len(data) // 2])
        if fault.kind == "stall" and await _pause(reader, fault.seconds):
            await _write(writer, exchange, data[len(data) // 2 :])
            return True
        return False

    async def _stream(
        self,
        body: dict[str, Any],
        content: str,
        fault: Fault | None,
        exchange: Exchange,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        events = payloads.stream_events(body, content)
        head = _head(200, "text/event-stream", {"cache-control": "no-cache", "transfer-encoding": "chunked"})
        exchange.status = 200
        await _write(writer, exchange, head)
        for i, event in enumerate(events):
            if fault is not None and i == fault.after_chunks:
                if fault.kind == "cut":
                    return False  # closing now leaves the chunked body unterminated
                if fault.kind == "stall" and not await _pause(reader, fault.seconds):
                    return False
            # Role chunk and first piece go out at once; the delay falls between later pieces.
            if i >= 2 and self.token_delay > 0:
                await asyncio.sleep(self.token_delay)
            await _write(writer, exchange, _chunk(event))
        await _write(writer, exchange, b"0\r\n\r\n")
        return True


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise
        return None
    lines = raw.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return _Request(method, target, headers, body)


async def _pause(reader: asyncio.StreamReader, seconds: float) -> bool:
    """Stay quiet for `seconds`; False as soon as the client hangs up (so stalls never outlive a test)."""
    try:
        async with asyncio.timeout(seconds):
            await reader.read(1)
    except TimeoutError:
        return True
    return False  # EOF, or pipelined bytes we do not support: either way, drop the connection


def _head(status: int, content_type: str, extra: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", f"content-type: {content_type}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def _write(writer: asyncio.StreamWriter, exchange: Exchange, data: bytes) -> None:
    if writer.is_closing():
        raise ConnectionResetError("client went away")
    if exchange.first_byte_at is None:
        exchange.first_byte_at = time.time()
    writer.write(data)
    await writer.drain()


async def _send_json(
    writer: asyncio.StreamWriter,
    exchange: Exchange,
    status: int,
    obj: Any,
    headers: Mapping[str, str] | None = None,
) -> bool:
    data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    exchange.status = status
    head = _head(status, "application/json", {**(headers or {}), "content-length": str(len(data))})
    await _write(writer, exchange, head + data)
    return True
