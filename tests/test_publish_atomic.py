"""A failing publish leaves the last good version untouched and no half-written folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from affiche.programmes.publish import PublishError, engine, publish_directory
from affiche.programmes.schedule import save_schedule
from tests.publish_builders import dropped, moved, paris_and_tokyo

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "schedule.json"
    }


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("renderer failed")


@pytest.mark.parametrize(
    "target", ["pdf.render_programme", "ical.serialize_calendar", "frab.build_frab_json"]
)
def test_failure_mid_way_keeps_the_last_good_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    publish_directory(tmp_path, now=NOW)
    good = snapshot(tmp_path)
    module, name = target.split(".")
    save_schedule(
        dropped(moved(paris_and_tokyo(), "nuits.talk.1", timedelta(hours=1)), "nuits.nuit.2"),
        tmp_path,
    )
    with monkeypatch.context() as patch:
        patch.setattr(getattr(engine, module), name, boom)
        with pytest.raises(RuntimeError, match="renderer failed"):
            publish_directory(tmp_path, now=NOW + timedelta(days=1))
    assert snapshot(tmp_path) == good
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".publish-")]
    result = publish_directory(tmp_path, now=NOW + timedelta(days=2))
    assert (result.version, result.changed, result.cancelled) == (2, 1, 1)


def test_result_lists_every_written_path(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    result = publish_directory(tmp_path, now=NOW)
    assert all(p.is_file() for p in result.paths)
    assert result.paths[-1] == tmp_path / "versions" / "0001.json"
    assert {p.name for p in result.paths} >= {
        "programme.pdf",
        "programme.fr.pdf",
        "schedule.xml",
        "schedule.frab.json",
    }
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".publish-")]


def test_missing_schedule_is_a_publish_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="schedule.json"):
        publish_directory(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_naive_now_is_refused(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    with pytest.raises(ValueError, match="aware"):
        publish_directory(tmp_path, now=datetime(2026, 3, 20, 9, 0))
