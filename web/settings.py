"""Settings of the web app, read from the environment (`AFFICHE_*`) by pydantic-settings.

`get_settings()` is the cached dependency; tests override it with
`app.dependency_overrides[get_settings]`.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_TOKENS = frozenset({"", "changethis", "change-me", "changeme", "secret", "token"})
MIN_TOKEN_LENGTH = 16


class InsecureSettings(RuntimeError):
    """Settings that must not run in production (missing or placeholder token)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AFFICHE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    token: str | None = Field(default=None, description="bearer token of the producer API")
    db: str | None = Field(default=None, description="SQLAlchemy URL; default DIR/affiche.db")
    solve_processes: int = Field(default=1, ge=1, le=16)
    solve_time_limit: float = Field(default=30.0, gt=0, le=3600)
    page_max_age: int = Field(default=60, ge=0)
    file_max_age: int = Field(default=300, ge=0)
    static_max_age: int = Field(default=3600, ge=0, description="Cache-Control of /static")
    base_url: str | None = Field(
        default=None,
        description="the site's public address (https://...): absolute links and feeds are "
        "built from it, never from the request's Host header; unset: links from the site root",
    )
    session_hours: float = Field(default=12, gt=0, le=24 * 30, description="login lifetime")
    login_attempts: int = Field(
        default=5, ge=1, le=1000, description="failed logins allowed per client per window"
    )
    login_window_minutes: float = Field(default=15, gt=0, le=24 * 60)
    max_body_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, description="largest request body accepted"
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server the producer page sends artists' notices through"
    )
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = Field(default="programme@localhost", description="the notices' From")

    @field_validator("base_url")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from affiche.programmes.model import web_url

        return web_url(value.strip()).rstrip("/")


def checked_token(settings: Settings) -> tuple[str, bool]:
    """The token to use and whether it was generated here.

    Production refuses a missing, short or placeholder token; development makes one up.
    """
    token = settings.token
    weak = token is None or token.strip().lower() in PLACEHOLDER_TOKENS
    weak = weak or len(token or "") < MIN_TOKEN_LENGTH
    if not weak:
        return token or "", False
    if settings.env == "production":
        raise InsecureSettings(
            "AFFICHE_TOKEN is missing, a placeholder or shorter than "
            f"{MIN_TOKEN_LENGTH} characters: refusing to start in production"
        )
    return secrets.token_urlsafe(24), True


@lru_cache
def get_settings() -> Settings:
    return Settings()
