"""A real user's login latency while 64 concurrent attackers flood /api/auth/login.

Starts `coach serve` itself on loopback (a fresh SQLite file, in-memory stores, no worker) and
runs three phases against the same process, printing each beside the no-flood baseline:

  baseline  real logins only
  spoofed   64 workers from 127.0.0.1 guessing one victim's password with a random X-Forwarded-For
            on every request (issue 17, item 1)
  botnet    64 workers, every request from another loopback address (127.0.x.y: Linux routes all of
            127/8 to lo), spraying wrong passwords over random emails: what the per-client limit
            cannot stop, so only the bound on queued hashes protects real logins

Real logins come one at a time, each from a fresh address (127.1.x.y), for an account that is not
attacked. `--src DIR` runs another checkout's `src` (e.g. the code before the fix):

    .venv/bin/python bench/login_flood.py --seconds 8
    git archive <rev> src | tar -x -C /tmp/before && .venv/bin/python bench/login_flood.py --src /tmp/before/src
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
WORKERS = 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def request(
    port: int, method: str, path: str, body: dict[str, str] | None, source: str, headers: dict[str, str]
) -> tuple[int, float]:
    """One HTTP/1.1 request on a fresh connection from `source`; (status, seconds). Status 0 = failed."""
    payload = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=60)
        writer.close()
    except (OSError, TimeoutError):
        return 0, time.perf_counter() - start
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - start


def fresh_address(counter: list[int], first: int) -> str:
    counter[0] += 1
    n = counter[0]
    return f"127.{first}.{(n >> 8) & 255}.{n & 255 or 1}"


async def real_logins(port: int, email: str, seconds: float, addresses: list[int]) -> list[tuple[int, float]]:
    samples: list[tuple[int, float]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        samples.append(
            await request(
                port,
                "POST",
                "/api/auth/login",
                {"email": email, "password": PASSWORD},
                fresh_address(addresses, 1),
                {},
            )
        )
        await asyncio.sleep(0.2)
    return samples


async def attacker(port: int, mode: str, victim: str, stop: asyncio.Event, tally: Counter[int]) -> None:
    rng = random.Random()
    while not stop.is_set():
        spoof = f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        if mode == "spoofed":
            source, email, headers = "127.0.0.1", victim, {"X-Forwarded-For": spoof}
        else:
            source = f"127.{rng.randrange(2, 250)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            email, headers = f"spray-{uuid.uuid4().hex[:10]}@example.com", {}
        status, _ = await request(
            port, "POST", "/api/auth/login", {"email": email, "password": f"guess-{spoof}"}, source, headers
        )
        tally[status] += 1


async def phase(
    port: int, mode: str, victim: str, real: str, seconds: float, addresses: list[int]
) -> dict[str, object]:
    stop = asyncio.Event()
    tally: Counter[int] = Counter()
    workers = (
        []
        if mode == "baseline"
        else [asyncio.create_task(attacker(port, mode, victim, stop, tally)) for _ in range(WORKERS)]
    )
    await asyncio.sleep(0 if mode == "baseline" else 1.0)  # let the flood build up
    samples = await real_logins(port, real, seconds, addresses)
    stop.set()
    await asyncio.gather(*workers)
    ok = sorted(t * 1000 for s, t in samples if s == 200)
    return {
        "mode": mode,
        "real": Counter(s for s, _ in samples),
        "p50": statistics.median(ok) if ok else float("nan"),
        "p95": ok[int(len(ok) * 0.95) - 1] if ok else float("nan"),
        "max": ok[-1] if ok else float("nan"),
        "flood": dict(sorted(tally.items())),
        "flood_rate": sum(tally.values()) / (seconds + 1.0),
    }


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="login-flood-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_", "FORWARDED_"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/coach.db",
            "COACH_SECRET_KEY": uuid.uuid4().hex * 2,
            "COACH_RUN_WORKER": "false",
            "COACH_LOG_LEVEL": "WARNING",
        }
    )
    if args.src:
        env["PYTHONPATH"] = str(Path(args.src).resolve())
    subprocess.run(
        [sys.executable, "-m", "coach", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    cmd = [sys.executable, "-m", "coach", "serve", "--port", str(port)]
    if args.cpu is not None:
        cmd = ["taskset", "-c", args.cpu, *cmd]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if (await request(port, "GET", "/health", None, "127.0.0.1", {}))[0] == 200:
                break
            await asyncio.sleep(0.1)
        addresses = [0]
        emails = []
        for name in ("victim", "real"):
            email = f"{name}-{uuid.uuid4().hex[:6]}@example.com"
            status, _ = await request(
                port,
                "POST",
                "/api/auth/register",
                {"email": email, "password": PASSWORD, "name": name.title()},
                fresh_address(addresses, 1),
                {},
            )
            assert status == 201, status
            emails.append(email)
        victim, real = emails
        results = [
            await phase(port, mode, victim, real, args.seconds, addresses)
            for mode in ("baseline", "spoofed", "botnet")
        ]
        victim_after = await request(
            port,
            "POST",
            "/api/auth/login",
            {"email": victim, "password": PASSWORD},
            fresh_address(addresses, 1),
            {},
        )
    finally:
        server.terminate()
        server.wait(20)
    base = results[0]["p50"]
    print(f"code: {args.src or 'this checkout'}; {WORKERS} attackers; {args.seconds:.0f} s per phase")
    print(
        f"{'phase':<9} {'real p50':>9} {'p95':>9} {'max':>9} {'x base':>7}  real statuses   flood req/s  flood statuses"
    )
    for r in results:
        ratio = r["p50"] / base if base == base else float("nan")  # type: ignore[operator]
        print(
            f"{r['mode']:<9} {r['p50']:>7.0f}ms {r['p95']:>7.0f}ms {r['max']:>7.0f}ms {ratio:>6.1f}x  "
            f"{r['real']!s:<15} {r['flood_rate']:>11.0f}  {r['flood']}"
        )
    print(f"victim's own login with the right password after the floods: {victim_after[0]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--src", default=None, help="a checkout's src directory to run instead of this one")
    parser.add_argument("--cpu", default=None, help="pin the server to these CPUs (taskset -c)")
    asyncio.run(main(parser.parse_args()))
