"""Fixtures shared by the test modules (instead of importing test modules for them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings

from affiche.web.app import create_app
from affiche.web.settings import Settings

PRODUCER_TOKEN = "test-token-0123456789abcdef"

# No per-example time limit: hypothesis's 200 ms deadline is a timed test, and it fails on
# a loaded shared machine (test_spans did at 440 ms) without anything being wrong.
settings.register_profile("affiche", deadline=None)
settings.load_profile("affiche")


@pytest.fixture
def producer_token() -> str:
    return PRODUCER_TOKEN


@pytest.fixture
def empty_site(tmp_path: Path) -> Iterator[TestClient]:
    """The app on an empty folder (as `affiche serve EMPTY` runs it), its store beside."""
    folder = tmp_path / "site"
    folder.mkdir()
    settings = Settings(token=PRODUCER_TOKEN, db=f"sqlite:///{tmp_path / 'store.db'}")
    with TestClient(create_app(folder, settings)) as client:
        client.headers["Authorization"] = f"Bearer {PRODUCER_TOKEN}"
        yield client
