"""An item's track is shown beside its kind in the booklet and is an iCal CATEGORY."""

from __future__ import annotations

from datetime import UTC, datetime

from affiche.programmes.publish import ical, pdf
from affiche.programmes.publish.versions import occurrences_from_schedule
from tests.publish_builders import paris_and_tokyo

STAMP = datetime(2026, 3, 1, tzinfo=UTC)


def _with_track() -> list:  # type: ignore[type-arg]
    schedule = paris_and_tokyo()
    items = [
        i.model_copy(update={"track": "Open Media"}) if i.id == "talk" else i
        for i in schedule.items
    ]
    return occurrences_from_schedule(schedule.model_copy(update={"items": items}))


def test_booklet_entry_names_kind_and_track() -> None:
    schedule = paris_and_tokyo()
    occurrences = _with_track()
    nuits = pdf.booklets(schedule, occurrences, "fr")[0]
    kinds = {e.uid: e.kind for d in nuits.days for v in d.venues for e in v.entries}
    assert kinds["nuits.talk.1"] == "conférence · Open Media"
    assert kinds["nuits.night.1"] == "performance"


def test_ical_categories_carry_the_track() -> None:
    occ = next(o for o in _with_track() if o.uid == "nuits.talk.1")
    text = ical.build_vevent(occ, "en", STAMP).to_ical().decode()
    assert "CATEGORIES:talk,Open Media" in text
    other = next(o for o in _with_track() if o.uid == "nuits.night.1")
    assert "CATEGORIES:performance\r\n" in ical.build_vevent(other, "en", STAMP).to_ical().decode()
