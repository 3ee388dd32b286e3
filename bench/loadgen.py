"""Coach's scale benchmarks: each figure beside a baseline measured in the same run.

Starts its own processes: the fake LLM (core 1), one `coach serve` instance on PostgreSQL + Redis
(core 0, in-process evaluation worker) and the bare Litestar baseline (bench/bare_app.py, core 0);
the load generator pins itself to core 1. Baseline and candidate rounds are interleaved.

  .venv/bin/python bench/loadgen.py                       # everything, default sizes
  .venv/bin/python bench/loadgen.py --only relay,ttft     # some figures
  .venv/bin/python bench/loadgen.py --idle 10000          # idle sockets up to 10,000

Figures: relay (token relay CPU per token, inter-token gaps), ttft, feedback, idle, rest, burst, stall.
Results: printed, and written as JSON plus a PNG chart to --out (default bench/results/).
Never part of the test suite. Needs PostgreSQL and Redis on 127.0.0.1; matplotlib for the chart.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakellm.payloads import split_tokens  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "coach_bench"
REDIS_URL = "redis://127.0.0.1:6379/0"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
QUESTION = " ".join(
    [
        "Walk me through how you would design a rate limiter for a public API that serves many tenants,",
        "how you would store the counters, what happens when the store is slow or down, how clients",
        "learn their remaining budget, and how you would test it under bursty traffic from many regions",
        "while keeping latency low and the behaviour fair across tenants of very different sizes.",
    ]
)
TOKENS = len(split_tokens(QUESTION))
PASSWORD = "correct horse battery staple"


# ---- measurement helpers ------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


@dataclass
class Proc:
    name: str
    process: subprocess.Popen[str]
    base: str

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def spawn(name: str, core: int, argv: list[str], env: dict[str, str], ready: Callable[[str], bool]) -> Proc:
    log = open(ROOT / "bench" / "results" / f"{name}.log", "w")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        ["taskset", "-c", str(core), *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    return Proc(name, process, "")


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    fake: Proc
    coach: Proc
    bare: Proc
    fake_base: str
    coach_http: str
    bare_http: str

    @property
    def coach_ws(self) -> str:
        return self.coach_http.replace("http", "ws", 1)

    @property
    def bare_ws(self) -> str:
        return self.bare_http.replace("http", "ws", 1)

    def stop(self) -> None:
        for proc in (self.coach, self.bare, self.fake):
            proc.stop()


def start_stack(token_delay: float) -> Stack:
    env = dict(os.environ)
    fake = spawn(
        "fakellm",
        1,
        [
            sys.executable,
            "-m",
            "tests.fakellm",
            "--port",
            "0",
            "--token-delay",
            str(token_delay),
            "--question",
            QUESTION,
        ],
        env,
        lambda _: True,
    )
    assert fake.process.stdout is not None
    line = fake.process.stdout.readline()
    if not line.startswith("FAKELLM READY"):
        raise RuntimeError(f"fake LLM: {line!r}")
    fake_base = line.split()[-1]

    async def create_db() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        finally:
            await conn.close()

    asyncio.run(create_db())
    coach_port, bare_port = free_port(), free_port()
    coach_env = {
        **env,
        "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{BENCH_DB}",
        "REDIS_URL": REDIS_URL,
        "COACH_REDIS_NAMESPACE": f"coachbench:{uuid.uuid4().hex[:6]}",
        "COACH_SECRET_KEY": uuid.uuid4().hex * 2,
        "COACH_LLM_BASE_URL": fake_base,
        "COACH_LLM_API_KEY": "bench",
        "COACH_LOGIN_RATE_LIMIT": "1000000",
        # Every question must come from the fake LLM: cache hits would not measure the relay.
        "COACH_QUESTION_CACHE_TTL": "0",
        "COACH_RUN_WORKER": "true",
        "COACH_LOG_LEVEL": "WARNING",
    }
    coach_bin = str(Path(sys.executable).with_name("coach"))
    subprocess.run([coach_bin, "db", "upgrade"], env=coach_env, check=True, capture_output=True, cwd=ROOT)
    coach = spawn("coach", 0, [coach_bin, "serve", "--port", str(coach_port)], coach_env, lambda _: True)
    bare = spawn(
        "bare",
        0,
        [
            sys.executable,
            "bench/bare_app.py",
            "--port",
            str(bare_port),
            "--tokens",
            str(TOKENS),
            "--token-delay",
            str(token_delay),
        ],
        env,
        lambda _: True,
    )
    wait_http(f"http://127.0.0.1:{coach_port}/health/ready")
    wait_http(f"http://127.0.0.1:{bare_port}/plain")
    return Stack(
        fake, coach, bare, fake_base, f"http://127.0.0.1:{coach_port}", f"http://127.0.0.1:{bare_port}"
    )


# ---- Coach client pieces ------------------------------------------------------------------------


@dataclass
class Account:
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(http: httpx.AsyncClient) -> Account:
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    r = await http.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Bench User"}
    )
    r.raise_for_status()
    http.cookies.clear()
    return Account(email, r.json()["data"]["access_token"])


async def new_session(http: httpx.AsyncClient, account: Account, minutes: int = 90) -> str:
    body = {
        "type": "technical",
        "difficulty": "easy",
        "duration_minutes": minutes,
        "role": "backend engineer",
    }
    r = await http.post("/api/sessions", json=body, headers=account.headers)
    r.raise_for_status()
    return str(r.json()["data"]["session"]["id"])


async def ws_open(url: str, token: str | None = None) -> ClientConnection:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await connect(url, additional_headers=headers, open_timeout=60, max_size=2**20, ping_interval=None)


@dataclass
class StreamStats:
    gaps: list[float] = field(default_factory=list)  # between delta frames of one question, at the client
    ttft: list[float] = field(default_factory=list)  # question.next sent -> first delta
    questions: int = 0
    tokens: int = 0


async def read_question(ws: ClientConnection, stats: StreamStats, sent_at: float) -> None:
    """Read start, deltas, end; record gaps and time to first delta."""
    last: float | None = None
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 60))
        kind = message["type"]
        now = time.perf_counter()
        if kind == "question.delta":
            if last is None:
                stats.ttft.append(now - sent_at)
            else:
                stats.gaps.append(now - last)
            last = now
        elif kind == "question.end":
            stats.questions += 1
            stats.tokens += TOKENS
            return
        elif kind == "session.ended":
            raise EOFError


async def coach_streamer(
    stack: Stack, http: httpx.AsyncClient, account: Account, stats: StreamStats, stop: float
) -> None:
    """One candidate: interviews back to back, skipping through questions (each streams in full)."""
    while time.perf_counter() < stop:
        session_id = await new_session(http, account)
        ws = await ws_open(f"{stack.coach_ws}/ws/sessions/{session_id}", account.token)
        try:
            sent = time.perf_counter()
            await read_question(ws, stats, sent)
            while time.perf_counter() < stop:
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "question.next"}))
                await read_question(ws, stats, sent)
        except EOFError:
            pass
        finally:
            await ws.close()


async def bare_streamer(stack: Stack, stats: StreamStats, stop: float) -> None:
    ws = await ws_open(f"{stack.bare_ws}/ws/push")
    try:
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            await ws.send("next")
            await read_question(ws, stats, sent)
    finally:
        await ws.close()


async def llm_direct_probe(stack: Stack, stats: StreamStats, stop: float) -> None:
    """The openai client reading the fake LLM directly: its own inter-token gaps and time to first token."""
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=stack.fake_base, api_key="bench", max_retries=0)
    try:
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            stream = await client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "ask"}], stream=True
            )
            last: float | None = None
            async for chunk in stream:
                if not chunk.choices or not chunk.choices[0].delta.content:
                    continue
                now = time.perf_counter()
                if last is None:
                    stats.ttft.append(now - sent)
                else:
                    stats.gaps.append(now - last)
                last = now
            stats.questions += 1
            stats.tokens += TOKENS
    finally:
        await client.close()


# ---- figures --------------------------------------------------------------------------------------


Results = dict[str, Any]


async def relay(
    stack: Stack,
    args: argparse.Namespace,
    accounts: list[Account],
    extra: Callable[[float], Awaitable[Any]] | None = None,
) -> Results:
    """Figures 1 and 2: `args.streams` concurrent interviews; CPU per token; gaps; TTFT. Interleaved rounds."""
    out: Results = {"coach": [], "bare": [], "llm": []}
    async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
        for round_no in range(args.rounds):
            for target in ("bare", "coach") if round_no % 2 == 0 else ("coach", "bare"):
                stats, probe = StreamStats(), StreamStats()
                pid = stack.coach.pid if target == "coach" else stack.bare.pid
                cpu0 = cpu_seconds(pid)
                stop = time.perf_counter() + args.seconds
                tasks: list[Awaitable[Any]] = [
                    coach_streamer(stack, http, accounts[i], stats, stop)
                    if target == "coach"
                    else bare_streamer(stack, stats, stop)
                    for i in range(args.streams)
                ]
                tasks.append(llm_direct_probe(stack, probe, stop))
                if extra is not None:
                    tasks.append(extra(stop))
                await asyncio.gather(*tasks)
                cpu = cpu_seconds(pid) - cpu0
                out[target].append(
                    {"cpu": cpu, "tokens": stats.tokens, "gaps": stats.gaps, "ttft": stats.ttft}
                )
                out["llm"].append({"gaps": probe.gaps, "ttft": probe.ttft})
    return out


def summarize_relay(raw: Results) -> Results:
    def merged(side: str, key: str) -> list[float]:
        return [v for r in raw[side] for v in r[key]]

    cpu_per_tok = {
        s: sum(r["cpu"] for r in raw[s]) / max(1, sum(r["tokens"] for r in raw[s])) for s in ("coach", "bare")
    }
    return {
        "cpu_us_per_token": {s: round(v * 1e6, 2) for s, v in cpu_per_tok.items()},
        "cpu_ratio": round(cpu_per_tok["coach"] / cpu_per_tok["bare"], 2),
        "tokens": {s: sum(r["tokens"] for r in raw[s]) for s in ("coach", "bare")},
        "gap_ms": {
            s: {
                "p50": ms(pct(merged(s, "gaps"), 50)),
                "p90": ms(pct(merged(s, "gaps"), 90)),
                "p99": ms(pct(merged(s, "gaps"), 99)),
            }
            for s in ("coach", "bare", "llm")
        },
        "ttft_ms": {
            s: {
                "p50": ms(pct(merged(s, "ttft"), 50)),
                "p90": ms(pct(merged(s, "ttft"), 90)),
                "p99": ms(pct(merged(s, "ttft"), 99)),
            }
            for s in ("coach", "llm")
        },
    }


async def feedback(stack: Stack, args: argparse.Namespace, accounts: list[Account]) -> Results:
    """Figure 3: evaluation stored -> feedback at the client, beside a raw redis PUBLISH -> subscriber probe."""
    received: dict[str, float] = {}
    probe: list[float] = []
    stop_probe = asyncio.Event()

    async def pubsub_probe() -> None:
        pub = aioredis.Redis.from_url(REDIS_URL)
        sub = aioredis.Redis.from_url(REDIS_URL)
        ps = sub.pubsub()
        channel = f"coachbench:probe:{uuid.uuid4().hex[:6]}"
        await ps.subscribe(channel)

        async def reader() -> None:
            while not stop_probe.is_set():
                msg = await ps.get_message(ignore_subscribe_messages=True, timeout=0.2)
                if msg is not None:
                    probe.append(time.time() - float(msg["data"]))

        task = asyncio.create_task(reader())
        while not stop_probe.is_set():
            await pub.publish(channel, repr(time.time()))
            await asyncio.sleep(1 / args.feedback_rate)
        await task
        await ps.aclose()  # type: ignore[no-untyped-call]
        await pub.aclose()
        await sub.aclose()

    async def candidate(account: Account, http: httpx.AsyncClient, delay: float) -> None:
        await asyncio.sleep(delay)
        session_id = await new_session(http, account, minutes=30)
        ws = await ws_open(f"{stack.coach_ws}/ws/sessions/{session_id}", account.token)
        try:
            qid = None
            while qid is None:
                m = json.loads(await ws.recv())
                if m["type"] == "question.end":
                    qid = m["question_id"]
            await ws.send(
                json.dumps(
                    {
                        "type": "answer.submit",
                        "question_id": qid,
                        "text": QUESTION,
                        "idempotency_key": uuid.uuid4().hex,
                    }
                )
            )
            while True:
                m = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if m["type"] == "feedback":
                    received[m["question_id"]] = time.time()
                    return
        finally:
            await ws.close()

    probe_task = asyncio.create_task(pubsub_probe())
    async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
        n = args.feedback_answers
        outcomes = await asyncio.gather(
            *(candidate(accounts[i % len(accounts)], http, i / args.feedback_rate) for i in range(n)),
            return_exceptions=True,
        )
    failures = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    stop_probe.set()
    await probe_task
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{BENCH_DB}")
    try:
        rows = await conn.fetch(
            "SELECT a.question_id::text AS qid, e.completed_at FROM answer_evaluations e "
            "JOIN interview_answers a ON a.id = e.answer_id WHERE e.status = 'done'"
        )
    finally:
        await conn.close()
    latencies = [received[r["qid"]] - r["completed_at"].timestamp() for r in rows if r["qid"] in received]
    return {
        "answers": len(latencies),
        "client_errors": len(failures),
        "first_error": failures[0] if failures else None,
        "feedback_ms": {
            "p50": ms(pct(latencies, 50)),
            "p90": ms(pct(latencies, 90)),
            "p99": ms(pct(latencies, 99)),
        },
        "pubsub_ms": {"p50": ms(pct(probe, 50)), "p90": ms(pct(probe, 90)), "p99": ms(pct(probe, 99))},
        "ratio_p99": round(pct(latencies, 99) / pct(probe, 99), 2) if probe else None,
    }


async def idle(stack: Stack, args: argparse.Namespace, accounts: list[Account]) -> Results:
    """Figure 4: RSS per idle authenticated interview socket vs per bare echo socket."""
    out: Results = {}
    async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
        sessions = [(await new_session(http, a, minutes=90), a) for a in accounts[:20]]
    for sid, account in sessions:  # ask each session's first question now, so idle sockets stay idle
        ws = await ws_open(f"{stack.coach_ws}/ws/sessions/{sid}", account.token)
        while json.loads(await ws.recv())["type"] != "question.end":
            pass
        await ws.close()

    for target in ("bare", "coach"):
        pid = stack.coach.pid if target == "coach" else stack.bare.pid
        await asyncio.sleep(2)
        before = rss_bytes(pid)
        sockets: list[ClientConnection] = []
        opened = 0
        try:
            sem = asyncio.Semaphore(100)

            async def one(
                i: int,
                target: str = target,
                sem: asyncio.Semaphore = sem,
                sockets: list[ClientConnection] = sockets,
            ) -> None:
                nonlocal opened
                async with sem:
                    if target == "coach":
                        sid, account = sessions[i % len(sessions)]
                        ws = await ws_open(f"{stack.coach_ws}/ws/sessions/{sid}", account.token)
                        await asyncio.wait_for(ws.recv(), 60)  # session.state: authenticated and subscribed
                    else:
                        ws = await ws_open(f"{stack.bare_ws}/ws/echo")
                        await ws.send("hi")
                        await asyncio.wait_for(ws.recv(), 60)
                    sockets.append(ws)
                    opened += 1

            results = await asyncio.gather(*(one(i) for i in range(args.idle)), return_exceptions=True)
            errors = [r for r in results if isinstance(r, BaseException)]
            await asyncio.sleep(3)
            after = rss_bytes(pid)
            out[target] = {
                "sockets": opened,
                "errors": len(errors),
                "first_error": repr(errors[0]) if errors else None,
                "rss_before_mib": round(before / 2**20, 1),
                "rss_after_mib": round(after / 2**20, 1),
                "kib_per_socket": round((after - before) / max(1, opened) / 1024, 1),
            }
        finally:
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    out["ratio"] = round(out["coach"]["kib_per_socket"] / max(0.1, out["bare"]["kib_per_socket"]), 2)
    return out


async def open_loop(url: str, headers: dict[str, str], rate: float, seconds: float) -> Results:
    """Fixed-rate GETs; latency from each request's scheduled time (no coordinated omission)."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one(at: float) -> None:
            nonlocal errors
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            try:
                r = await client.get(url, headers=headers)
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - at)

        start = time.perf_counter() + 0.2
        n = int(rate * seconds)
        await asyncio.gather(*(one(start + i / rate) for i in range(n)))
        took = time.perf_counter() - start
    return {
        "rate": rate,
        "achieved_rps": round(n / took, 1),
        "errors": errors,
        "p50_ms": ms(pct(latencies, 50)),
        "p99_ms": ms(pct(latencies, 99)),
    }


async def rest(stack: Stack, args: argparse.Namespace, accounts: list[Account]) -> Results:
    """Figure 5: authenticated GET /api/sessions vs a bare plaintext route, same fixed rate, interleaved."""
    out: Results = {"coach": [], "bare": []}
    account = accounts[0]
    for round_no in range(args.rounds):
        for target in ("bare", "coach") if round_no % 2 == 0 else ("coach", "bare"):
            url = f"{stack.coach_http}/api/sessions" if target == "coach" else f"{stack.bare_http}/plain"
            out[target].append(
                await open_loop(
                    url, account.headers if target == "coach" else {}, args.rest_rate, args.seconds
                )
            )
    return out


async def burst(stack: Stack, args: argparse.Namespace, accounts: list[Account]) -> Results:
    """Figure 6: streams' inter-token p99 during a login burst vs without."""

    async def logins(stop: float) -> None:
        async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
            while time.perf_counter() < stop:
                await asyncio.gather(
                    *(
                        http.post("/api/auth/login", json={"email": a.email, "password": PASSWORD})
                        for a in accounts[: args.burst]
                    )
                )
                http.cookies.clear()
                await asyncio.sleep(1.0)

    small = argparse.Namespace(**{**vars(args), "rounds": 1})
    without: list[float] = []
    during: list[float] = []
    for round_no in range(args.rounds):
        order = (False, True) if round_no % 2 == 0 else (True, False)
        for with_burst in order:
            raw = await relay_coach_only(stack, small, accounts, logins if with_burst else None)
            (during if with_burst else without).extend(raw)
    return {
        "without_p99_ms": ms(pct(without, 99)),
        "during_p99_ms": ms(pct(during, 99)),
        "ratio": round(pct(during, 99) / pct(without, 99), 2),
        "logins_per_burst": args.burst,
    }


async def relay_coach_only(
    stack: Stack, args: argparse.Namespace, accounts: list[Account], extra: Any
) -> list[float]:
    stats = StreamStats()
    stop = time.perf_counter() + args.seconds
    async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
        tasks = [coach_streamer(stack, http, accounts[i], stats, stop) for i in range(args.streams)]
        if extra is not None:
            tasks.append(extra(stop))
        await asyncio.gather(*tasks)
    return stats.gaps


async def stall(stack: Stack, args: argparse.Namespace, accounts: list[Account]) -> Results:
    """Figure 7: one client that stops reading (but keeps asking for questions): others' p99 and server RSS."""

    async def stalled(stop: float) -> None:
        async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
            account = accounts[-1]
            sid = await new_session(http, account)
        _reader, writer = await asyncio.open_connection("127.0.0.1", int(stack.coach_http.rsplit(":", 1)[1]))
        writer.write(
            (
                f"GET /ws/sessions/{sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                f"Authorization: Bearer {account.token}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        frame = json.dumps({"type": "question.next"}).encode()
        masked = bytes([0x81, 0x80 | len(frame), 0, 0, 0, 0]) + frame  # zero mask key: payload unchanged
        while time.perf_counter() < stop:  # never read; keep asking for more to be sent
            with contextlib.suppress(OSError):
                writer.write(masked)
            await asyncio.sleep(0.2)
        writer.close()

    rss: dict[str, list[int]] = {"without": [], "during": []}
    gaps: dict[str, list[float]] = {"without": [], "during": []}
    small = argparse.Namespace(**{**vars(args), "rounds": 1})
    for round_no in range(args.rounds):
        for with_stall in (False, True) if round_no % 2 == 0 else (True, False):
            key = "during" if with_stall else "without"
            gaps[key].extend(await relay_coach_only(stack, small, accounts, stalled if with_stall else None))
            rss[key].append(rss_bytes(stack.coach.pid))
    return {
        "without_p99_ms": ms(pct(gaps["without"], 99)),
        "during_p99_ms": ms(pct(gaps["during"], 99)),
        "change_pct": round((pct(gaps["during"], 99) / pct(gaps["without"], 99) - 1) * 100, 1),
        "rss_without_mib": round(max(rss["without"]) / 2**20, 1),
        "rss_during_mib": round(max(rss["during"]) / 2**20, 1),
    }


FIGURES: dict[str, Callable[[Stack, argparse.Namespace, list[Account]], Awaitable[Results]]] = {
    "feedback": feedback,
    "rest": rest,
    "burst": burst,
    "stall": stall,
    "idle": idle,
}


def chart(results: Results, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no chart (pip install matplotlib)")
        return
    groups: list[tuple[str, dict[str, float]]] = []
    if "relay" in results:
        r = results["relay"]
        groups += [
            ("gap coach", r["gap_ms"]["coach"]),
            ("gap bare", r["gap_ms"]["bare"]),
            ("gap LLM", r["gap_ms"]["llm"]),
            ("TTFT coach", r["ttft_ms"]["coach"]),
            ("TTFT LLM", r["ttft_ms"]["llm"]),
        ]
    if "feedback" in results:
        groups += [
            ("feedback", results["feedback"]["feedback_ms"]),
            ("redis pub/sub", results["feedback"]["pubsub_ms"]),
        ]
    for name in ("burst", "stall"):
        if name in results:
            groups += [
                (f"{name}: without", {"p99": results[name]["without_p99_ms"]}),
                (f"{name}: during", {"p99": results[name]["during_p99_ms"]}),
            ]
    if not groups:
        return
    fig, ax = plt.subplots(figsize=(12, 4.5))
    width = 0.27
    for i, p in enumerate(("p50", "p90", "p99")):
        ax.bar(
            [x + (i - 1) * width for x in range(len(groups))],
            [g[1].get(p, 0) for g in groups],
            width,
            label=p,
        )
    ax.set_xticks(range(len(groups)), [g[0] for g in groups], rotation=20)
    ax.set_ylabel("ms")
    ax.set_title("Coach latency percentiles beside same-run baselines")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"chart: {path}")


def machine() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "mem_gib": round(int(mem) / 2**20, 1),
        "python": sys.version.split()[0],
    }


async def run(args: argparse.Namespace, stack: Stack) -> Results:
    results: Results = {
        "machine": machine(),
        "args": {k: v for k, v in vars(args).items() if k != "out"},
        "tokens_per_question": TOKENS,
    }
    wanted = args.only.split(",")
    async with httpx.AsyncClient(base_url=stack.coach_http, timeout=60) as http:
        accounts = [await register(http) for _ in range(max(args.streams, args.burst, 21) + 1)]
    # Warm-up: a short round of each side, results discarded.
    await relay(stack, argparse.Namespace(**{**vars(args), "rounds": 2, "seconds": 3}), accounts)
    if "relay" in wanted or "ttft" in wanted:
        results["relay"] = summarize_relay(await relay(stack, args, accounts))
        print(json.dumps({"relay": results["relay"]}, indent=1))
    for name, figure in FIGURES.items():
        if name in wanted:
            results[name] = await figure(stack, args, accounts)
            print(json.dumps({name: results[name]}, indent=1))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="relay,ttft,feedback,idle,rest,burst,stall")
    parser.add_argument("--streams", type=int, default=40, help="concurrent streaming interviews")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds per side (interleaved)")
    parser.add_argument("--token-delay", type=float, default=0.01, help="the fake LLM's seconds per token")
    parser.add_argument("--feedback-answers", type=int, default=100)
    parser.add_argument(
        "--feedback-rate", type=float, default=10.0, help="answers (and probe publishes) per second"
    )
    parser.add_argument("--idle", type=int, default=10000, help="idle sockets to open on one instance")
    parser.add_argument("--rest-rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--burst", type=int, default=30, help="logins per burst (one burst a second)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    if args.idle + 500 > hard:
        print(f"ulimit -n hard limit is {hard}: idle sockets capped at {hard - 500}")
        args.idle = hard - 500
    os.sched_setaffinity(0, {1})
    stack = start_stack(args.token_delay)
    try:
        results = asyncio.run(run(args, stack))
    finally:
        stack.stop()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (args.out / f"results-{stamp}.json").write_text(json.dumps(results, indent=1))
    chart(results, args.out / f"latency-{stamp}.png")
    print(f"results: {args.out / f'results-{stamp}.json'}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
