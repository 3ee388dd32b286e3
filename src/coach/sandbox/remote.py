"""Running code away from the app: the sandbox port over Redis, served by `coach runner` processes.

The app (and the evaluation worker) pushes each run, files and steps, onto one Redis list; any number
of runner processes, on this host or others, each with its own bounded sandbox, pop runs only when a
slot is free and push the results back on a reply key of the run's own. Runners announce themselves
in a sorted set with an expiry, so "no runner is up" is known before a run waits for nothing.
A runner needs Redis and bubblewrap only: none of the app's secrets, database or files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Literal

import msgspec
from redis.asyncio import Redis

from coach.sandbox.bubblewrap import SandboxUnavailable
from coach.sandbox.pool import Busy
from coach.sandbox.port import Sandbox, Step, StepResult

log = logging.getLogger("coach.runner")

RUNNER_TTL_SECONDS = 15.0
"""A runner that has not renewed its entry for this long counts as gone."""
REPLY_TTL_SECONDS = 120
SLACK_SECONDS = 10.0
"""Beyond the steps' own wall limits: queueing in the runner, launching, passing the files."""


class RunnerAway(SandboxUnavailable):
    """No runner is up, or none answered: likely for a while only (a deploy, a restart)."""


class _Job(msgspec.Struct, frozen=True):
    id: str
    files: dict[str, bytes]
    steps: list[Step]
    expires_at: float
    """Wall-clock time after which nobody waits for the answer: a runner drops it unrun."""


class _Reply(msgspec.Struct, frozen=True):
    status: Literal["ok", "busy", "unavailable", "error"]
    results: list[StepResult] = []
    retry_after_seconds: int = 1
    message: str = ""


_encode = msgspec.msgpack.Encoder().encode
_decode_job = msgspec.msgpack.Decoder(_Job).decode
_decode_reply = msgspec.msgpack.Decoder(_Reply).decode


def _keys(namespace: str) -> tuple[str, str, str]:
    return f"{namespace}:runner:jobs", f"{namespace}:runner:alive", f"{namespace}:runner:reply:"


class RemoteSandbox:
    """The `Sandbox` port for the app: each run goes to a `coach runner` through Redis."""

    def __init__(
        self, redis: Redis, namespace: str, *, queue: int = 8, runners_cache_seconds: float = 2.0
    ) -> None:
        self._redis = redis
        self._jobs, self._alive, self._reply = _keys(namespace)
        self._queue = queue
        self._cache_seconds = runners_cache_seconds
        self._checked_at = -math.inf
        self._runners = 0

    def available(self) -> bool:
        """Configured to run code remotely; whether a runner is up is checked per run."""
        return True

    async def runners(self) -> int:
        """How many runners have announced themselves recently (cached for a moment)."""
        now = time.monotonic()
        if now - self._checked_at >= self._cache_seconds:
            self._runners = int(await self._redis.zcount(self._alive, time.time(), "+inf"))
            self._checked_at = now
        return self._runners

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]:
        """Queue the run for a runner and wait for its results; `Busy` when the queue is full."""
        if await self.runners() == 0:
            raise RunnerAway("no code runner is up (start `coach runner`)")
        waiting = int(await self._redis.llen(self._jobs))
        if waiting >= self._queue * max(1, self._runners):
            raise Busy(max(1, math.ceil(waiting / max(1, self._runners))))
        budget = sum(s.limits.wall_seconds for s in steps) + SLACK_SECONDS
        job = _Job(uuid.uuid4().hex, dict(files), list(steps), time.time() + budget)
        reply_key = self._reply + job.id
        await self._redis.rpush(self._jobs, _encode(job))
        try:
            popped = await self._redis.blpop([reply_key], timeout=math.ceil(budget))
        finally:
            with contextlib.suppress(Exception):
                await self._redis.delete(reply_key)
        if popped is None:
            raise RunnerAway("the code runner did not answer in time")
        reply = _decode_reply(_raw(popped[1]))
        if reply.status == "busy":
            raise Busy(reply.retry_after_seconds)
        if reply.status != "ok":
            raise SandboxUnavailable(reply.message or "the code runner could not run the code")
        return reply.results


class Runner:
    """One `coach runner` process: `slots` runs at once from the shared queue, through `sandbox`."""

    def __init__(self, redis: Redis, namespace: str, sandbox: Sandbox, *, slots: int) -> None:
        self._redis = redis
        self._jobs, self._alive, self._reply = _keys(namespace)
        self._sandbox = sandbox
        self._slots = max(1, slots)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.done = 0

    async def serve(self, stop: asyncio.Event) -> None:
        """Take runs until `stop` is set; each slot finishes its current run first."""
        if not self._sandbox.available():
            raise SandboxUnavailable("this runner cannot run code: the sandbox is unavailable here")
        await self._announce()
        log.info("code runner %s: %d slot(s)", self.name, self._slots)
        tasks = [asyncio.create_task(self._beat(stop))]
        tasks += [asyncio.create_task(self._slot(stop)) for _ in range(self._slots)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                await self._redis.zrem(self._alive, self.name)

    async def _announce(self) -> None:
        now = time.time()
        await self._redis.zadd(self._alive, {self.name: now + RUNNER_TTL_SECONDS})
        await self._redis.zremrangebyscore(self._alive, "-inf", now)

    async def _beat(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RUNNER_TTL_SECONDS / 3)
            if not stop.is_set():
                try:
                    await self._announce()
                except Exception as exc:  # Redis away for a moment: the next beat tries again
                    log.warning("runner heartbeat failed: %s", exc)

    async def _slot(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                popped = await self._redis.blpop([self._jobs], timeout=1)
            except Exception as exc:
                log.warning("runner could not read the queue: %s", exc)
                await asyncio.sleep(1)
                continue
            if popped is None:
                continue
            try:
                job = _decode_job(_raw(popped[1]))
            except msgspec.DecodeError:
                log.error("runner dropped an unreadable run")
                continue
            if job.expires_at < time.time():
                continue  # nobody waits for it any more
            reply = await self._run(job)
            key = self._reply + job.id
            await self._redis.rpush(key, _encode(reply))
            await self._redis.expire(key, REPLY_TTL_SECONDS)
            self.done += 1

    async def _run(self, job: _Job) -> _Reply:
        try:
            return _Reply("ok", await self._sandbox.run(job.files, job.steps))
        except Busy as busy:
            return _Reply("busy", retry_after_seconds=busy.retry_after_seconds)
        except SandboxUnavailable as exc:
            return _Reply("unavailable", message=str(exc))
        except Exception as exc:
            log.exception("run %s failed in the runner", job.id)
            return _Reply("error", message=f"{type(exc).__name__}: {exc}"[:300])


def _raw(value: bytes | str) -> bytes:
    # The client is made without decode_responses, so values are bytes; a str would be a misconfiguration.
    return value if isinstance(value, bytes) else value.encode()
