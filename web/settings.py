"""Settings of the web app, read from the environment (`AFFICHE_*`) by pydantic-settings.

`get_settings()` is the cached dependency; tests override it with
`app.dependency_overrides[get_settings]`.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Literal

from pydantic import Field
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
