"""How `coach serve` runs uvicorn: trusted proxies, no banner, and deadlines for slow clients.

uvicorn has no timeout for *receiving* a request: `timeout_keep_alive` only covers the idle time
between requests and is cancelled by the first byte of the next one, and a fresh connection that
sends nothing (or one header line every few seconds) is held forever (uvicorn issue #157; the
classic slowloris). ASGI middleware cannot help, since it runs once the headers are parsed.
So the HTTP protocol is wrapped: a connection must deliver a request's headers within
`header_timeout` seconds of its first byte (or of connecting), and its body within `body_timeout`
seconds of the headers; otherwise it gets a 408 (when nothing was answered yet) and is closed.
The deadline covers receiving only: once a request is complete the app takes as long as it
needs, and a WebSocket upgrade disarms it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar, Literal, Protocol

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from coach.settings import Settings

log = logging.getLogger("coach.serving")

_TIMEOUT_BODY = (
    b'{"error": "request_timeout", "message": "The request was not received in time.", "field": null}'
)
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


class _Guarded(Protocol):
    transport: asyncio.Transport
    cycle: Any


class RequestDeadline:
    """One connection's receive deadline: headers first, then the body; none while the app works."""

    def __init__(self, owner: _Guarded, header_timeout: float, body_timeout: float) -> None:
        self._owner = owner
        self._header_timeout = header_timeout
        self._body_timeout = body_timeout
        self._timer: asyncio.TimerHandle | None = None
        self._phase: Literal["idle", "headers", "body"] = "idle"
        self._cycle: Any = None  # the request whose headers were seen last

    def _arm(self, phase: Literal["headers", "body"], seconds: float) -> None:
        self.cancel()
        self._phase = phase
        self._timer = asyncio.get_running_loop().call_later(seconds, self._expired)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = "idle"

    def connected(self) -> None:
        self._arm("headers", self._header_timeout)

    def before_data(self) -> None:
        """A new request starts with its first byte: from then on its headers have a deadline."""
        if self._timer is None and not self._in_request():
            self._arm("headers", self._header_timeout)

    def after_data(self) -> None:
        cycle = self._owner.cycle
        if cycle is None or cycle.response_complete:
            return  # still waiting for the next request's headers
        if cycle is not self._cycle:
            self._cycle = cycle
            if cycle.more_body:
                self._arm("body", self._body_timeout)
            else:
                self.cancel()
        elif not cycle.more_body and self._phase == "body":
            self.cancel()

    def _in_request(self) -> bool:
        cycle = self._owner.cycle
        return cycle is not None and cycle is self._cycle and not cycle.response_complete

    def _expired(self) -> None:
        self._timer = None
        transport = self._owner.transport
        if transport.is_closing():
            return
        log.debug("closing a connection that did not send its request %s in time", self._phase)
        if self._phase == "headers":
            # Nothing of this request reached the app yet; a body cut short shows the app a disconnect.
            transport.write(_TIMEOUT_RESPONSE)
        self._phase = "idle"
        transport.close()


class _DeadlineH11(H11Protocol):
    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 30.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline = RequestDeadline(self, self.header_timeout, self.body_timeout)
        self._deadline.connected()

    def data_received(self, data: bytes) -> None:
        self._deadline.before_data()
        super().data_received(data)
        self._deadline.after_data()

    def handle_websocket_upgrade(self, event: Any) -> None:
        self._deadline.cancel()
        super().handle_websocket_upgrade(event)

    def on_response_complete(self) -> None:
        self._deadline.cancel()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline.cancel()
        super().connection_lost(exc)


class _DeadlineHttpTools(HttpToolsProtocol):
    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 30.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline = RequestDeadline(self, self.header_timeout, self.body_timeout)
        self._deadline.connected()

    def data_received(self, data: bytes) -> None:
        self._deadline.before_data()
        super().data_received(data)
        self._deadline.after_data()

    def handle_websocket_upgrade(self) -> None:
        self._deadline.cancel()
        super().handle_websocket_upgrade()

    def on_response_complete(self) -> None:
        self._deadline.cancel()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline.cancel()
        super().connection_lost(exc)


def http_protocol(
    header_timeout: float, body_timeout: float, *, parser: str = "auto"
) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with the receive deadlines."""
    base: type[asyncio.Protocol] = _DeadlineH11 if parser == "h11" else _DeadlineHttpTools
    return type(
        "CoachHttpProtocol", (base,), {"header_timeout": header_timeout, "body_timeout": body_timeout}
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn options `coach serve` uses besides app, host and port."""
    trusted = list(settings.trusted_proxies)
    return {
        "http": http_protocol(settings.header_timeout, settings.body_timeout),
        # Forwarded headers count only from the proxies named; with none, the peer address is the client.
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted,
        "server_header": False,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "log_config": None,
        "lifespan": "on",
        "ws_max_size": 64 * 1024,
        "ws_ping_interval": 20,
        "ws_ping_timeout": 20,
        "ws_per_message_deflate": False,
    }
