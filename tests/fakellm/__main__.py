"""Run the fake LLM as a process: `python -m tests.fakellm --port N --token-delay 0.01`.

Prints `FAKELLM READY <base_url>` once listening; stops on SIGTERM or SIGINT. Faults and
configuration can be changed at run time through POST /_fake/faults, /_fake/config, /_fake/reset.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from tests.fakellm.server import FakeLLM


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakellm", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed when ready)")
    parser.add_argument("--token-delay", type=float, default=0.0, help="seconds between streamed pieces")
    parser.add_argument("--question", help="the question text to stream")
    parser.add_argument("--evaluation", help="the evaluation JSON to return (a JSON object)")
    parser.add_argument(
        "--no-json-schema",
        action="store_true",
        help="refuse response_format json_schema with a 400, as llama.cpp server, Ollama or LM Studio do",
    )
    args = parser.parse_args(argv)

    fake = FakeLLM(
        host=args.host, port=args.port, token_delay=args.token_delay, json_schema=not args.no_json_schema
    )
    if args.question:
        fake.question = args.question
    if args.evaluation:
        fake.evaluation = json.loads(args.evaluation)

    def ready(server: FakeLLM) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, server.request_stop)
        print(f"FAKELLM READY {server.base_url}", flush=True)

    asyncio.run(fake.serve(on_ready=ready))
    sys.exit(0)


if __name__ == "__main__":
    main()
