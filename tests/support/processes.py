"""Coach as separate processes (`python -m coach …`), for tests that kill or signal them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from coach.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def coach_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that gives a child process these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(
        {
            "DATABASE_URL": settings.database_url,
            "COACH_SECRET_KEY": settings.secret_key,
            "COACH_REDIS_NAMESPACE": settings.redis_namespace,
            "COACH_EVAL_LEASE": str(settings.evaluation_lease_seconds),
            "COACH_EVAL_ATTEMPTS": str(settings.evaluation_max_attempts),
            "COACH_OFFLINE_TOKEN_DELAY": str(settings.offline_token_delay),
            "COACH_WORKER_POLL": str(settings.worker_poll_seconds),
            "COACH_LOG_LEVEL": "INFO",
        }
    )
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    if settings.llm_base_url:
        env["COACH_LLM_BASE_URL"] = settings.llm_base_url
        env["COACH_LLM_API_KEY"] = settings.llm_api_key or "test"
        env["COACH_LLM_TIMEOUT"] = str(settings.llm_timeout)
        env["COACH_EVAL_OFFLINE_FALLBACK"] = "true" if settings.evaluation_offline_fallback else "false"
    env.update(extra)
    return env


class CoachProcess:
    """A child `python -m coach ARGS` with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coach", *args],
            env=env,
            cwd=ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no cleanup, as if the machine died."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._out.close()

    def stop(self, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._out.close()
        return int(self.proc.returncode)

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")


def wait_http(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")
