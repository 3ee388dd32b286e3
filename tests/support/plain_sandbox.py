"""A test-only Sandbox that runs steps as plain subprocesses: no isolation, only limits.

It lets the judge's tests run where bubblewrap is missing; the product never runs code this way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from coach.sandbox.port import LimitHit, Limits, Step, StepResult


class PlainSandbox:
    """Runs each step with RLIMIT_CPU/FSIZE, a wall timeout (killing the group) and capped output."""

    def available(self) -> bool:
        return True

    async def run(self, files: Mapping[str, bytes], steps: Sequence[Step]) -> list[StepResult]:
        with tempfile.TemporaryDirectory(prefix="judge-") as tmp:
            root = Path(tmp)
            for name, data in files.items():
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            results: list[StepResult] = []
            for step in steps:
                result = await self._step(root, step)
                results.append(result)
                if not result.ok:
                    break
            return results

    async def _step(self, root: Path, step: Step) -> StepResult:
        limits = step.limits
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8", **step.env}

        def preexec() -> None:
            cpu = max(1, int(limits.cpu_seconds + 0.999))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            size = limits.file_size_kb * 1024
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

        started = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = await asyncio.create_subprocess_exec(
            *step.argv,
            cwd=root,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            preexec_fn=preexec,
            start_new_session=True,
        )
        assert proc.stdin is not None
        assert proc.stdout is not None
        assert proc.stderr is not None
        cap = limits.output_kb * 1024

        async def feed() -> None:
            assert proc.stdin
            try:
                proc.stdin.write(step.stdin)
                await proc.stdin.drain()
                proc.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass

        kept = {"out": bytearray(), "err": bytearray()}
        cut = {"out": False, "err": False}

        async def read(stream: asyncio.StreamReader, name: str) -> None:
            # Into buffers outside the task: a timeout cancels the read but keeps what arrived.
            while chunk := await stream.read(65536):
                room = cap - len(kept[name])
                if len(chunk) > room:
                    cut[name] = True
                kept[name] += chunk[: max(room, 0)]

        limit: LimitHit | None = None
        tasks = asyncio.gather(feed(), read(proc.stdout, "out"), read(proc.stderr, "err"), proc.wait())
        try:
            await asyncio.wait_for(tasks, limits.wall_seconds)
        except TimeoutError:
            limit = "wall"
            os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        out, out_cut, err, err_cut = bytes(kept["out"]), cut["out"], bytes(kept["err"]), cut["err"]
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        code = proc.returncode
        if code is not None and code < 0:
            if (
                limit is None
                and -code in (signal.SIGXCPU, signal.SIGKILL)
                and cpu >= limits.cpu_seconds * 0.9
            ):
                limit = "cpu"
            code = None
        if limit is None and (out_cut or err_cut):
            limit = "output"
        return StepResult(
            exit_code=None if limit == "wall" else code,
            stdout=out,
            stderr=err,
            stdout_truncated=out_cut,
            stderr_truncated=err_cut,
            wall_seconds=time.monotonic() - started,
            cpu_seconds=cpu,
            max_rss_kb=after.ru_maxrss,
            limit=limit,
        )


__all__ = ["Limits", "PlainSandbox", "Step"]
