"""All configuration, read from the environment once, in one typed object."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Literal

DEFAULT_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 - a marker prod refuses, not a credential

Environment = Literal["dev", "prod"]


class SettingsError(ValueError):
    """The environment holds a setting that cannot be used."""


def _default_database_url() -> str:
    # Relative to the working directory, so `make run` and `coach` from the checkout share one file.
    return "sqlite+aiosqlite:///data/coach.db"


@dataclass(frozen=True, slots=True)
class Setting:
    """How one field maps to the environment; used for parsing and the README table."""

    env: tuple[str, ...]
    help: str


def _meta(*env: str, help: str) -> dict[str, Setting]:
    return {"setting": Setting(env=env, help=help)}


@dataclass(frozen=True, slots=True)
class Settings:
    """Coach's settings. Build with `Settings.from_env()`; tests pass fields directly."""

    environment: Environment = field(default="dev", metadata=_meta("COACH_ENV", help="`dev` or `prod`"))
    host: str = field(default="127.0.0.1", metadata=_meta("COACH_HOST", help="Address `coach serve` binds"))
    port: int = field(default=8000, metadata=_meta("COACH_PORT", "PORT", help="Port `coach serve` binds"))
    database_url: str = field(
        default_factory=_default_database_url,
        metadata=_meta(
            "DATABASE_URL",
            help="SQLAlchemy async URL: SQLite file by default, `postgresql+asyncpg://…` for PostgreSQL",
        ),
    )
    redis_url: str | None = field(
        default=None,
        metadata=_meta("REDIS_URL", help="Redis URL; unset = in-memory pub/sub, cache and stores"),
    )
    redis_max_connections: int = field(
        default=200,
        metadata=_meta(
            "COACH_REDIS_MAX_CONNECTIONS", help="Redis connections per process (excess callers wait)"
        ),
    )
    redis_namespace: str = field(
        default="coach",
        metadata=_meta("COACH_REDIS_NAMESPACE", help="Prefix for every Redis key and channel"),
    )
    secret_key: str = field(
        default=DEFAULT_SECRET,
        metadata=_meta(
            "COACH_SECRET_KEY", "SECRET_KEY", help="JWT signing key; required in prod (≥ 32 chars)"
        ),
    )
    allowed_origins: tuple[str, ...] = field(
        default=("http://127.0.0.1:8000", "http://localhost:8000"),
        metadata=_meta(
            "COACH_ALLOWED_ORIGINS",
            help="Comma-separated origins allowed for CORS and WebSocket `Origin`; the serving port is added",
        ),
    )
    access_token_minutes: float = field(
        default=30.0,
        metadata=_meta(
            "COACH_ACCESS_TOKEN_MINUTES",
            help="Access token lifetime, minutes (fractions allowed: 0.5 = 30 s); open sockets close at its end",
        ),
    )
    login_rate_limit: int = field(
        default=10,
        metadata=_meta("COACH_LOGIN_RATE_LIMIT", help="Login/register attempts per minute per client"),
    )
    password_hash_concurrency: int = field(
        default=4,
        metadata=_meta("COACH_HASH_CONCURRENCY", help="Password hashes computed at once per process"),
    )
    password_hash_queue: int = field(
        default=16,
        metadata=_meta(
            "COACH_HASH_QUEUE",
            help="Password hashes that may wait for a slot per process; past that login/register answer 503 at once",
        ),
    )
    login_account_failures: int = field(
        default=10,
        metadata=_meta(
            "COACH_LOGIN_ACCOUNT_FAILURES",
            help="Failed logins per account (any client) before it is locked; a growing delay starts after 3",
        ),
    )
    login_lock_seconds: int = field(
        default=900,
        metadata=_meta(
            "COACH_LOGIN_LOCK_SECONDS", help="How long an account stays locked after too many failed logins"
        ),
    )
    register_global_limit: int = field(
        default=120,
        metadata=_meta(
            "COACH_REGISTER_GLOBAL_LIMIT", help="Registrations per minute across all clients and instances"
        ),
    )
    trusted_proxies: tuple[str, ...] = field(
        default=(),
        metadata=_meta(
            "COACH_TRUSTED_PROXIES",
            help="Comma-separated proxy addresses/CIDRs whose X-Forwarded-For/-Proto are believed; unset = none",
        ),
    )
    header_timeout: float = field(
        default=10.0,
        metadata=_meta(
            "COACH_HEADER_TIMEOUT",
            help="Seconds a client has to send a request's headers before it is cut off",
        ),
    )
    body_timeout: float = field(
        default=30.0,
        metadata=_meta(
            "COACH_BODY_TIMEOUT", help="Seconds a client has to send a request body once its headers arrived"
        ),
    )
    keep_alive_timeout: int = field(
        default=15,
        metadata=_meta("COACH_KEEP_ALIVE_TIMEOUT", help="Seconds an idle keep-alive connection stays open"),
    )
    metrics_token: str | None = field(
        default=None,
        metadata=_meta(
            "COACH_METRICS_TOKEN",
            help="Bearer token for /metrics; in prod /metrics needs it or an allowed address",
        ),
    )
    metrics_allow: tuple[str, ...] = field(
        default=(),
        metadata=_meta(
            "COACH_METRICS_ALLOW",
            help="Comma-separated addresses/CIDRs that may read /metrics without the token in prod",
        ),
    )
    max_body_bytes: int = field(
        default=256 * 1024, metadata=_meta("COACH_MAX_BODY_BYTES", help="Largest accepted request body")
    )
    llm_base_url: str | None = field(
        default=None,
        metadata=_meta(
            "COACH_LLM_BASE_URL",
            "OPENAI_BASE_URL",
            help="OpenAI-compatible endpoint; unset = offline interviewer",
        ),
    )
    llm_api_key: str | None = field(
        default=None,
        metadata=_meta("COACH_LLM_API_KEY", "OPENAI_API_KEY", help="API key for the LLM endpoint"),
    )
    llm_model: str = field(default="gpt-4o-mini", metadata=_meta("COACH_LLM_MODEL", help="Chat model name"))
    llm_timeout: float = field(
        default=60.0, metadata=_meta("COACH_LLM_TIMEOUT", help="Total deadline per LLM call, seconds")
    )
    llm_stream_idle_timeout: float = field(
        default=15.0,
        metadata=_meta("COACH_LLM_IDLE_TIMEOUT", help="Longest silence inside a stream, seconds"),
    )
    question_cache_ttl: float = field(
        default=3600.0,
        metadata=_meta(
            "COACH_QUESTION_CACHE_TTL",
            help="Seconds an LLM-written question stays in the shared pool (0 = no cache)",
        ),
    )
    question_cache_size: int = field(
        default=50,
        metadata=_meta("COACH_QUESTION_CACHE_SIZE", help="Questions kept per (type, difficulty, role) pool"),
    )
    evaluation_lease_seconds: float = field(
        default=90.0,
        metadata=_meta(
            "COACH_EVAL_LEASE", help="How long a worker owns an evaluation before another may retry"
        ),
    )
    evaluation_max_attempts: int = field(
        default=3,
        metadata=_meta("COACH_EVAL_ATTEMPTS", help="Attempts before an evaluation is marked failed"),
    )
    evaluation_offline_fallback: bool = field(
        default=True,
        metadata=_meta(
            "COACH_EVAL_OFFLINE_FALLBACK",
            help="With an LLM: score with the offline evaluator once every attempt failed (else mark failed)",
        ),
    )
    worker_poll_seconds: float = field(
        default=2.0, metadata=_meta("COACH_WORKER_POLL", help="Seconds a worker waits between database polls")
    )
    run_worker: bool = field(
        default=True,
        metadata=_meta("COACH_RUN_WORKER", help="Run an evaluation worker inside `coach serve`"),
    )
    coalesce_ms: int = field(
        default=25,
        metadata=_meta("COACH_COALESCE_MS", help="Window for merging question deltas into a frame"),
    )
    ws_messages_per_second: float = field(
        default=20.0,
        metadata=_meta("COACH_WS_RATE", help="Messages per second a socket may send (bursts of twice that)"),
    )
    code_runs: bool = field(
        default=True,
        metadata=_meta(
            "COACH_CODE_RUNS",
            help="Run candidates' code in the bubblewrap sandbox (off, or without bwrap: review only)",
        ),
    )
    code_runner: str = field(
        default="local",
        metadata=_meta(
            "COACH_CODE_RUNNER",
            help="`local`: run code in this process's sandbox; `remote`: send runs to `coach runner` processes through Redis",
        ),
    )
    code_runs_per_minute: int = field(
        default=12,
        metadata=_meta("COACH_CODE_RUNS_PER_MINUTE", help="Run-button presses a socket may make per minute"),
    )
    sandbox_concurrency: int = field(
        default=2,
        metadata=_meta(
            "COACH_SANDBOX_CONCURRENCY", help="Code runs at once per process (about one per core)"
        ),
    )
    sandbox_queue: int = field(
        default=8,
        metadata=_meta("COACH_SANDBOX_QUEUE", help="Code runs that may wait for a slot before `busy`"),
    )
    sandbox_max_wait: float = field(
        default=10.0,
        metadata=_meta("COACH_SANDBOX_MAX_WAIT", help="Longest a queued code run waits, seconds"),
    )
    sandbox_bwrap: str = field(
        default="bwrap", metadata=_meta("COACH_SANDBOX_BWRAP", help="The bubblewrap executable")
    )
    sandbox_work_dir: str | None = field(
        default=None,
        metadata=_meta(
            "COACH_SANDBOX_WORK_DIR", help="Where run directories are made (default: the temp dir)"
        ),
    )
    sandbox_cgroup_dir: str | None = field(
        default=None,
        metadata=_meta(
            "COACH_SANDBOX_CGROUP_DIR",
            help="A delegated cgroup v2 directory for per-run memory/CPU limits (else rlimits)",
        ),
    )
    offline_token_delay: float = field(
        default=0.02,
        metadata=_meta(
            "COACH_OFFLINE_TOKEN_DELAY", help="Seconds between words the offline interviewer streams"
        ),
    )
    presence_ttl_seconds: float = field(
        default=20.0,
        metadata=_meta(
            "COACH_PRESENCE_TTL", help="Seconds an instance's socket count stays valid without a heartbeat"
        ),
    )
    presence_interval_seconds: float = field(
        default=5.0,
        metadata=_meta("COACH_PRESENCE_INTERVAL", help="Seconds between an instance's presence heartbeats"),
    )
    admin_live_poll_seconds: float = field(
        default=0.5,
        metadata=_meta("COACH_ADMIN_LIVE_POLL", help="How often the admin live view checks for changes"),
    )
    llm_health_cache_seconds: float = field(
        default=30.0,
        metadata=_meta("COACH_LLM_HEALTH_CACHE", help="Seconds /health/ready reuses the LLM endpoint check"),
    )
    log_level: str = field(default="INFO", metadata=_meta("COACH_LOG_LEVEL", help="Logging level"))
    log_json: bool | None = field(
        default=None, metadata=_meta("COACH_LOG_JSON", help="JSON logs; default on in prod, off in dev")
    )

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def access_token_lifetime(self) -> timedelta:
        return timedelta(minutes=self.access_token_minutes)

    @property
    def json_logs(self) -> bool:
        return self.is_prod if self.log_json is None else self.log_json

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    def browser_origins(self) -> tuple[str, ...]:
        """The origins a browser may call from: COACH_ALLOWED_ORIGINS plus this server's own port."""
        own = (f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}")
        return tuple(dict.fromkeys([*self.allowed_origins, *own]))

    def check(self) -> None:
        """Refuse settings that would be unsafe or meaningless."""
        if self.environment not in ("dev", "prod"):
            raise SettingsError(f"COACH_ENV must be dev or prod, not {self.environment!r}")
        if self.is_prod and (self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32):
            raise SettingsError(
                "COACH_SECRET_KEY must be set to a random value of at least 32 characters in prod"
            )
        if not (0 < self.port < 65536):
            raise SettingsError(f"port out of range: {self.port}")
        if not self.access_token_minutes > 0:
            raise SettingsError("COACH_ACCESS_TOKEN_MINUTES must be positive")
        for name, entries in (
            ("COACH_TRUSTED_PROXIES", self.trusted_proxies),
            ("COACH_METRICS_ALLOW", self.metrics_allow),
        ):
            for entry in entries:
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError as exc:
                    raise SettingsError(
                        f"{name}: {entry!r} is not an address or CIDR (list the proxies; '*' is refused)"
                    ) from exc
        if self.code_runner not in ("local", "remote"):
            raise SettingsError(f"COACH_CODE_RUNNER must be local or remote, not {self.code_runner!r}")
        if self.code_runner == "remote" and not self.redis_url:
            raise SettingsError("COACH_CODE_RUNNER=remote sends runs through Redis: set REDIS_URL")
        if self.header_timeout <= 0 or self.body_timeout <= 0 or self.keep_alive_timeout <= 0:
            raise SettingsError(
                "COACH_HEADER_TIMEOUT, COACH_BODY_TIMEOUT and COACH_KEEP_ALIVE_TIMEOUT must be > 0"
            )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
    ) -> Settings:
        """Read every setting from the environment (or the mapping given); then apply overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            setting: Setting = f.metadata["setting"]
            raw = next((env[name] for name in setting.env if env.get(name, "") != ""), None)
            if raw is not None:
                values[f.name] = _parse(f.name, f.type, raw)
        values.update(overrides or {})
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings


def _parse(name: str, kind: object, raw: str) -> object:
    text = str(kind)
    try:
        if text.startswith("bool"):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if text == "int":
            return int(raw)
        if text == "float":
            return float(raw)
        if text.startswith("tuple"):
            return tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}: cannot read {raw!r} as {text}") from exc
    return raw


def settings_table() -> str:
    """The README's configuration table, generated from the fields."""
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    defaults = Settings()
    for f in fields(Settings):
        setting: Setting = f.metadata["setting"]
        default = getattr(defaults, f.name)
        if f.name == "secret_key":
            default = "(dev-only placeholder)"
        shown = (",".join(default) or "unset") if isinstance(default, tuple) else default
        shown = "unset" if shown is None else shown
        names = " / ".join(f"`{n}`" for n in setting.env)
        rows.append(f"| {names} | `{shown}` | {setting.help} |")
    return "\n".join(rows)
