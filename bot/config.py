"""Settings from the environment and ``.env`` (pydantic-settings).

A missing or malformed setting stops the program with one line that names the setting, never
its value: tokens and database passwords must not reach a terminal or a log.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_ZALO_API_URL = "https://bot-api.zaloplatforms.com"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line, safe to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr | None = None
    bot_username: str | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str = DEFAULT_ZALO_API_URL
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    zalo_listen: str = "0.0.0.0:8081"
    # Zalo publishes no rate limit for bots; outbox messages to Zalo are paced to this.
    zalo_messages_per_second: float = Field(default=5.0, gt=0, le=30)
    # The bot's own public address: Zalo fetches charts from it (sendPhoto takes only a URL).
    public_url: str | None = None
    # Signs the links to documents sent where files cannot be (Zalo): with PUBLIC_URL set, a
    # link is valid 24 hours, for one document. The same on every replica, so any serves it.
    document_link_secret: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///thidua.db"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0:8080"
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: Literal["vi", "en"] = "vi"
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not TELEGRAM_TOKEN_SHAPE.match(token.get_secret_value()):
            raise ValueError("does not look like a BotFather token (digits:letters)")
        return token

    @field_validator("webhook_url", "zalo_webhook_url")
    @classmethod
    def _public_https(cls, url: str | None) -> str | None:
        # Platforms only deliver to HTTPS; *_LISTEN is the local side behind the proxy.
        if url is not None and not url.startswith("https://"):
            raise ValueError("must be the public https:// address the platform will call")
        return url

    @field_validator(
        "telegram_api_url", "zalo_api_url", "webhook_url", "zalo_webhook_url", "public_url"
    )
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^https?://[^\s/]+", url):
            raise ValueError("must be an http:// or https:// address")
        return url.rstrip("/") if url else url

    @field_validator("webhook_secret", "zalo_webhook_secret")
    @classmethod
    def _secret_shape(cls, secret: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and -; Zalo 8-256.
        if secret is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{8,256}", secret.get_secret_value()
        ):
            raise ValueError("must be 8-256 characters of letters, digits, _ or -")
        return secret

    @field_validator("document_link_secret")
    @classmethod
    def _long_secret(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and len(secret.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return secret

    @field_validator("webhook_listen", "zalo_listen")
    @classmethod
    def _host_port(cls, listen: str) -> str:
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be HOST:PORT, e.g. 0.0.0.0:8080")
        return listen

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return name

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        # Operators paste plain postgresql:// URLs; the async engine needs the driver named.
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+asyncpg://" + url.removeprefix(plain)
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql://")
        return url

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def invite_ttl(self) -> timedelta:
        return timedelta(days=self.invite_ttl_days)

    @property
    def listen_host_port(self) -> tuple[str, int]:
        return _host_and_port(self.webhook_listen)

    @property
    def zalo_host_port(self) -> tuple[str, int]:
        return _host_and_port(self.zalo_listen)

    def require_telegram(self) -> SecretStr:
        if self.bot_token is None:
            raise SettingsError(
                "Missing setting BOT_TOKEN: set it to the token BotFather gave you "
                "(in the environment or .env)."
            )
        if self.webhook_url and self.webhook_secret is None:
            raise SettingsError(
                "Missing setting WEBHOOK_SECRET: webhook mode (WEBHOOK_URL is set) needs a secret."
            )
        return self.bot_token

    def require_zalo(self) -> SecretStr:
        if self.zalo_bot_token is None:
            raise SettingsError("Missing setting ZALO_BOT_TOKEN: set it to your Zalo bot's token.")
        if self.zalo_webhook_url and self.zalo_webhook_secret is None:
            raise SettingsError(
                "Missing setting ZALO_WEBHOOK_SECRET: Zalo webhook mode (ZALO_WEBHOOK_URL is set) "
                "needs a secret."
            )
        return self.zalo_bot_token

    def require_a_channel(self) -> None:
        if self.bot_token is None and self.zalo_bot_token is None:
            raise SettingsError(
                "Missing setting BOT_TOKEN or ZALO_BOT_TOKEN: set the token of at least one bot "
                "(in the environment or .env)."
            )


def _host_and_port(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host, int(port)


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
