"""The base URL chosen at one publish is kept by later publishes that do not give one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from affiche.programmes.publish import publish_directory
from affiche.programmes.schedule import save_schedule
from tests.publish_builders import paris_and_tokyo

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def _urls(directory: Path) -> list[str]:
    feed = (directory / "ical" / "festival-nuits.ics").read_text(encoding="utf-8")
    return [line for line in feed.replace("\r\n ", "").splitlines() if line.startswith("URL")]


def test_republish_without_base_url_keeps_the_first_one(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    publish_directory(tmp_path, base_url="https://prog.example.org", now=NOW, progress=print)
    first = _urls(tmp_path)
    assert first and all("https://prog.example.org/item/" in u for u in first)
    publish_directory(tmp_path, now=NOW)
    assert _urls(tmp_path) == first
    record = json.loads((tmp_path / "versions" / "0002.json").read_text(encoding="utf-8"))
    assert record["base_url"] == "https://prog.example.org"
    assert "https://prog.example.org" in (tmp_path / "schedule.xml").read_text(encoding="utf-8")


def test_a_new_base_url_replaces_the_kept_one(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    publish_directory(tmp_path, base_url="https://old.example.org", now=NOW)
    publish_directory(tmp_path, base_url="https://new.example.org", now=NOW)
    assert all("https://new.example.org/item/" in u for u in _urls(tmp_path))
