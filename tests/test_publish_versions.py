"""Published versions: SEQUENCE only rises on a real change, cancellations stay in feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import vobject

from affiche.programmes.publish import PublishError, engine, publish_directory
from affiche.programmes.publish.versions import (
    PublishedVersion,
    load_latest_version,
    occurrences_from_schedule,
    reconcile,
)
from affiche.programmes.schedule import Schedule, save_schedule
from tests.publish_builders import dropped, moved, paris_and_tokyo

FIRST = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
SECOND = datetime(2026, 3, 21, 9, 0, tzinfo=UTC)
THIRD = datetime(2026, 3, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Versions do not depend on the booklet; skip the booklet to keep these tests fast."""
    monkeypatch.setattr(
        engine.pdf,
        "render_programme",
        lambda schedule, occurrences, lang, path: path.write_bytes(b"%PDF-"),
    )


def publish(directory: Path, schedule: Schedule, now: datetime) -> None:
    save_schedule(schedule, directory)
    publish_directory(directory, now=now)


def events(path: Path) -> dict[str, tuple[int, str, datetime]]:
    """uid -> (SEQUENCE, STATUS, DTSTART) of a feed, read back with vobject."""
    cal = vobject.readOne(path.read_text(encoding="utf-8"), validate=True)
    return {
        e.uid.value: (int(e.sequence.value), e.status.value, e.dtstart.value)
        for e in cal.vevent_list
    }


def feed(directory: Path, name: str = "festival-nuits.ics") -> Path:
    return directory / "ical" / name


def test_first_publish_writes_version_one_with_sequence_zero(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    result = publish_directory(tmp_path, now=FIRST)
    assert (result.version, result.new, result.changed, result.cancelled) == (1, 7, 0, 0)
    record = json.loads((tmp_path / "versions" / "0001.json").read_text())
    assert record["version"] == 1 and len(record["occurrences"]) == 7
    assert {o["sequence"] for o in record["occurrences"]} == {0}
    assert all(seq == 0 for seq, _, _ in events(feed(tmp_path)).values())


def test_unchanged_republish_keeps_every_sequence(tmp_path: Path) -> None:
    publish(tmp_path, paris_and_tokyo(), FIRST)
    before = events(feed(tmp_path))
    result = publish_directory(tmp_path, now=SECOND)
    assert (result.version, result.new, result.changed, result.cancelled) == (2, 0, 0, 0)
    assert events(feed(tmp_path)) == before
    assert (tmp_path / "versions" / "0002.json").exists()


def test_moving_one_placement_raises_only_its_sequence(tmp_path: Path) -> None:
    publish(tmp_path, paris_and_tokyo(), FIRST)
    before = events(feed(tmp_path))
    schedule = moved(paris_and_tokyo(), "nuits.talk.1", timedelta(minutes=30))
    save_schedule(schedule, tmp_path)
    result = publish_directory(tmp_path, now=SECOND)
    after = events(feed(tmp_path))
    assert result.changed == 1
    assert after["nuits.talk.1@affiche"][0] == 1
    assert after["nuits.talk.1@affiche"][2] - before["nuits.talk.1@affiche"][2] == timedelta(
        minutes=30
    )
    for uid, (sequence, status, _) in after.items():
        if uid != "nuits.talk.1@affiche":
            assert (sequence, status) == before[uid][:2]
    assert events(feed(tmp_path, "artist-cy.fr.ics"))["nuits.talk.1@affiche"][0] == 1


def test_retitling_or_changing_venue_is_a_change(tmp_path: Path) -> None:
    publish(tmp_path, paris_and_tokyo(), FIRST)
    schedule = paris_and_tokyo()
    items = [
        i.model_copy(update={"title": i.title.model_copy(update={"fr": "Nouveau"})})
        if i.id == "dawn"
        else i
        for i in schedule.items
    ]
    placements = [
        p.model_copy(update={"venue": "halle"}) if p.uid == "nuits.talk.1" else p
        for p in schedule.placements
    ]
    publish(
        tmp_path, schedule.model_copy(update={"items": items, "placements": placements}), SECOND
    )
    after = events(feed(tmp_path))
    assert after["nuits.dawn.1@affiche"][0] == 1 and after["nuits.talk.1@affiche"][0] == 1
    assert after["nuits.night.1@affiche"][0] == 0


def test_dropped_occurrence_is_cancelled_with_its_last_times(tmp_path: Path) -> None:
    publish(tmp_path, paris_and_tokyo(), FIRST)
    before = events(feed(tmp_path))
    save_schedule(dropped(paris_and_tokyo(), "nuits.nuit.2"), tmp_path)
    result = publish_directory(tmp_path, now=SECOND)
    assert result.cancelled == 1
    for name in (
        "festival-nuits.ics",
        "festival-nuits.fr.ics",
        "venue-halle.ics",
        "artist-ana.ics",
        "artist-bo.fr.ics",
    ):
        sequence, status, start = events(feed(tmp_path, name))["nuits.nuit.2@affiche"]
        assert (sequence, status) == (1, "CANCELLED"), name
        assert start == before["nuits.nuit.2@affiche"][2]
    assert events(feed(tmp_path))["nuits.nuit.1@affiche"][:2] == (0, "CONFIRMED")


def test_cancellation_is_kept_and_a_comeback_is_confirmed_again(tmp_path: Path) -> None:
    publish(tmp_path, paris_and_tokyo(), FIRST)
    publish(tmp_path, dropped(paris_and_tokyo(), "nuits.nuit.2"), SECOND)
    publish(tmp_path, dropped(paris_and_tokyo(), "nuits.nuit.2"), THIRD)
    assert events(feed(tmp_path))["nuits.nuit.2@affiche"][:2] == (1, "CANCELLED")
    publish(tmp_path, paris_and_tokyo(), THIRD + timedelta(days=1))
    assert events(feed(tmp_path))["nuits.nuit.2@affiche"][:2] == (2, "CONFIRMED")


def test_reconcile_counts() -> None:
    first, _ = reconcile(occurrences_from_schedule(paris_and_tokyo()), None)
    previous = PublishedVersion(version=1, published=FIRST, occurrences=first)
    schedule = moved(dropped(paris_and_tokyo(), "nuits.dawn.1"), "nuits.talk.1", timedelta(hours=1))
    _, changes = reconcile(occurrences_from_schedule(schedule), previous)
    assert (changes.new, changes.changed, changes.cancelled, changes.unchanged) == (0, 1, 1, 5)


def test_duplicate_uid_is_refused() -> None:
    schedule = paris_and_tokyo()
    doubled = schedule.model_copy(update={"placements": schedule.placements * 2})
    with pytest.raises(PublishError, match="appears twice"):
        occurrences_from_schedule(doubled)


def test_unreadable_previous_version_is_a_publish_error(tmp_path: Path) -> None:
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "0001.json").write_text("{not json")
    with pytest.raises(PublishError, match="0001.json"):
        load_latest_version(tmp_path / "versions")
