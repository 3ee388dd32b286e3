"""The baseline for bench/loadgen.py: a bare Litestar app on uvicorn with Coach's socket settings.

  /plain          GET, a plaintext body (the floor under an authenticated REST read)
  /ws/push        on each text frame received, push a question as Coach does (start, one
                  `question.delta` frame per token at the given rate, end): the floor under token relay
  /ws/echo        echo every frame (the floor under an idle authenticated interview socket)

Run: python bench/bare_app.py --port 8300 --tokens 120 --token-delay 0.01
"""

from __future__ import annotations

import argparse
import asyncio
import json

import uvicorn
from litestar import Litestar, WebSocket, get, websocket
from litestar.exceptions import WebSocketDisconnect

TOKENS = 120
DELAY = 0.01


@get("/plain", media_type="text/plain")
async def plain() -> str:
    return "ok"


@websocket("/ws/push")
async def push(socket: WebSocket) -> None:  # type: ignore[type-arg]
    await socket.accept()
    qid = "00000000-0000-0000-0000-000000000000"
    try:
        while True:
            await socket.receive_text()
            await socket.send_text(json.dumps({"type": "question.start", "question_id": qid, "index": 0}))
            for i in range(TOKENS):
                if i:
                    await asyncio.sleep(DELAY)
                await socket.send_text(
                    json.dumps({"type": "question.delta", "question_id": qid, "text": " tok"})
                )
            await socket.send_text(json.dumps({"type": "question.end", "question_id": qid, "text": ""}))
    except WebSocketDisconnect:
        return


@websocket("/ws/echo")
async def echo(socket: WebSocket) -> None:  # type: ignore[type-arg]
    await socket.accept()
    try:
        while True:
            await socket.send_text(await socket.receive_text())
    except WebSocketDisconnect:
        return


def main() -> None:
    global TOKENS, DELAY
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--tokens", type=int, default=TOKENS)
    parser.add_argument("--token-delay", type=float, default=DELAY)
    args = parser.parse_args()
    TOKENS, DELAY = args.tokens, args.token_delay
    app = Litestar([plain, push, echo], logging_config=None)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        ws_max_size=64 * 1024,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        ws_per_message_deflate=False,
        timeout_keep_alive=15,
    )


if __name__ == "__main__":
    main()
