"""The cluster of scripts/cluster.sh (nginx, app instances, workers as processes) plus the fake LLM.

Each test gets its own run directory, ports, database and Redis namespace, so it never meets a
`make cluster` someone left running. Needs PostgreSQL, Redis and nginx: skipped locally without
them, a failure under CI=true.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.support.server import free_port
from tests.support.services import (
    IN_CI,
    PG_HOST,
    PG_USER,
    REDIS_URL,
    pg_exec,
    pg_url,
    require_services,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.sh"


def require_nginx() -> str:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if nginx is None:
        problem = "nginx is not installed (apt-get install -y nginx-light)"
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    return nginx


@dataclass
class FakeLLMProcess:
    """`python -m tests.fakellm` in its own process, controlled over HTTP."""

    process: subprocess.Popen[str]
    base_url: str

    @property
    def control(self) -> str:
        return self.base_url.removesuffix("/v1")

    def fault(self, **fault: Any) -> None:
        httpx.post(f"{self.control}/_fake/faults", json=fault, timeout=5).raise_for_status()

    def exchanges(self, kind: str | None = None) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = httpx.get(f"{self.control}/_fake/exchanges", timeout=5).json()
        return [r for r in records if kind is None or r.get("kind") == kind]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMProcess]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakellm", "--port", "0", "--token-delay", "0.01"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("FAKELLM READY "):
        process.kill()
        process.wait()
        process.stdout.close()
        raise RuntimeError(f"fake LLM did not start: {line!r}")
    fake = FakeLLMProcess(process, line.split()[-1])
    yield fake
    fake.stop()


@dataclass
class Cluster:
    """A running scripts/cluster.sh: nginx on `port`, one app per `app_ports`."""

    run_dir: Path
    port: int
    app_ports: list[int]
    database: str
    env: dict[str, str]
    started: bool = field(default=False)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return pg_url(self.database)

    def pid(self, name: str) -> int:
        return int((self.run_dir / "pids" / f"{name}.pid").read_text())

    def app_pid(self, port: int) -> int:
        return self.pid(f"app-{port}")

    def log(self, name: str) -> str:
        path = self.run_dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def script(self, command: str, timeout: float = 90) -> None:
        result = subprocess.run(
            [str(SCRIPT), command], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            logs = "\n".join(
                f"--- {p.name}\n{p.read_text()[-3000:]}" for p in (self.run_dir / "logs").glob("*")
            )
            raise RuntimeError(f"cluster.sh {command} failed:\n{result.stderr}\n{logs}")

    def start(self) -> Cluster:
        self.script("start")
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            self.script("stop", timeout=120)
            self.started = False


@pytest.fixture
def cluster_factory(tmp_path: Path) -> Iterator[Any]:
    """Build (and afterwards stop and drop) clusters: `cluster_factory(**env)`."""
    require_services(_services_problem())
    nginx = require_nginx()
    made: list[Cluster] = []

    def make(**extra: str) -> Cluster:
        database = f"coach_cl_{uuid.uuid4().hex[:10]}"
        port, app_ports = free_port(), [free_port(), free_port()]
        env = {
            **os.environ,
            "CLUSTER_DIR": str(tmp_path / f"cluster-{len(made)}"),
            "CLUSTER_PORT": str(port),
            "CLUSTER_APP_PORTS": " ".join(map(str, app_ports)),
            "CLUSTER_DB": database,
            "PG_ADMIN_URL": f"postgresql://{PG_USER}@{PG_HOST}:5432",
            "REDIS_URL": REDIS_URL,
            "COACH_REDIS_NAMESPACE": f"coachtest:{database}",
            "COACH_LOGIN_RATE_LIMIT": "1000",
            "COACH_LOG_LEVEL": "INFO",
            "NGINX": nginx,
            "PYTHON": sys.executable,
            "COACH_BIN": str(Path(sys.executable).with_name("coach")),
            **extra,
        }
        cluster = Cluster(Path(env["CLUSTER_DIR"]), port, app_ports, database, env)
        made.append(cluster)
        return cluster.start()

    yield make
    for cluster in made:
        try:
            cluster.stop()
        finally:
            pg_exec(f'DROP DATABASE IF EXISTS "{cluster.database}" WITH (FORCE)')
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"coachtest:{cluster.database}*", count=500))
            if keys:
                client.delete(*keys)
            client.close()


def _services_problem() -> str | None:
    from tests.support.services import services_up

    return services_up()


def wait_exit(pid: int, timeout: float) -> float | None:
    """Seconds until `pid` is gone (it is not our child: poll /proc), or None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not Path(f"/proc/{pid}").exists() or _zombie(pid):
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True
