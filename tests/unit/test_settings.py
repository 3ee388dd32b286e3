"""Settings come from the environment, typed, and refuse unsafe production setups."""

from __future__ import annotations

import pytest

from coach.settings import DEFAULT_SECRET, Settings, SettingsError, settings_table


def test_defaults_are_the_embedded_setup() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///data/coach.db"
    assert settings.redis_url is None
    assert settings.llm_enabled is False
    assert settings.port == 8000


def test_environment_is_parsed_into_types() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "REDIS_URL": "redis://h:6379/1",
            "PORT": "9000",
            "COACH_ALLOWED_ORIGINS": "https://a.example/, https://b.example",
            "COACH_RUN_WORKER": "false",
            "COACH_LLM_TIMEOUT": "12.5",
            "OPENAI_API_KEY": "sk-test",
        }
    )
    assert settings.port == 9000
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.run_worker is False
    assert settings.llm_timeout == 12.5
    assert settings.llm_enabled is True
    assert settings.is_sqlite is False


def test_coach_variable_wins_over_the_generic_one() -> None:
    assert Settings.from_env({"COACH_PORT": "8001", "PORT": "9000"}).port == 8001


@pytest.mark.parametrize("secret", [None, DEFAULT_SECRET, "short"])
def test_prod_refuses_a_default_or_weak_secret(secret: str | None) -> None:
    env = {"COACH_ENV": "prod"}
    if secret:
        env["COACH_SECRET_KEY"] = secret
    with pytest.raises(SettingsError, match="COACH_SECRET_KEY"):
        Settings.from_env(env)


def test_prod_starts_with_a_real_secret() -> None:
    assert Settings.from_env({"COACH_ENV": "prod", "COACH_SECRET_KEY": "x" * 40}).is_prod


def test_bad_values_are_reported_by_name() -> None:
    with pytest.raises(SettingsError, match="port"):
        Settings.from_env({"PORT": "eighty"})
    with pytest.raises(SettingsError, match="COACH_ENV"):
        Settings.from_env({"COACH_ENV": "staging"})


def test_the_readme_table_lists_every_variable() -> None:
    table = settings_table()
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "COACH_SECRET_KEY",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "COACH_ENV",
    ):
        assert f"`{name}`" in table


def test_the_readme_shows_the_current_configuration_table() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert settings_table() in readme, "README's configuration table is stale: paste `coach settings`"
