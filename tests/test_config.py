"""Settings: one clear line naming a bad setting, exit code 2, and never the token itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

SECRET = "987654:SECRET-do-not-print-abcdefghijklmnop"


def thidua(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    unset = {"BOT_TOKEN", "ZALO_BOT_TOKEN", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=clean | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LOCALE", "fr"),
        ("DATABASE_URL", "mysql://x"),
        ("WEBHOOK_LISTEN", "no-port"),
        ("INVITE_TTL_DAYS", "zero"),
    ],
)
def test_a_malformed_setting_is_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^Invalid setting {name}:"):
        load_settings(_env_file=None)


def test_a_malformed_token_is_named_but_not_shown(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", "not-a-token-SECRET")
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "BOT_TOKEN" in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_plain_postgres_urls_get_the_async_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/thidua")
    assert load_settings(_env_file=None).database_url == "postgresql+asyncpg://u:p@db:5432/thidua"


def test_run_without_a_token_exits_2_with_one_line(tmp_path):
    result = thidua("run", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "thidua: Missing setting BOT_TOKEN or ZALO_BOT_TOKEN: set the token of at least one "
        "bot (in the environment or .env)."
    ]


def test_a_zalo_webhook_without_its_secret_exits_2_naming_it(tmp_path):
    env = {"ZALO_BOT_TOKEN": "zalo-token", "ZALO_WEBHOOK_URL": "https://bot.example.vn/zalo"}
    result = thidua("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Missing setting ZALO_WEBHOOK_SECRET" in result.stderr
    assert "zalo-token" not in result.stderr + result.stdout


def test_settings_come_from_a_dot_env_file(tmp_path):
    (tmp_path / ".env").write_text("TIMEZONE=Nowhere/Land\n")
    result = thidua("db", "upgrade", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "Invalid setting TIMEZONE" in result.stderr


def test_webhook_mode_needs_a_secret(tmp_path):
    env = {"BOT_TOKEN": SECRET, "WEBHOOK_URL": "https://bot.example.vn/tg"}
    result = thidua("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr
    assert SECRET not in result.stdout + result.stderr
