"""Published versions: what was published, with per-occurrence SEQUENCE and STATUS.

Every publish writes `versions/NNNN.json` (a `PublishedVersion`). The next publish
compares the new schedule with the latest version:

- an occurrence seen for the first time gets SEQUENCE 0;
- an occurrence whose start, end, venue or title changed gets SEQUENCE + 1;
- an occurrence that disappeared stays in the version as CANCELLED, with its last times
  and SEQUENCE + 1 (a cancellation is a significant revision in RFC 5545 terms); it is
  carried forward unchanged by later versions, so a feed never forgets a cancellation;
- a cancelled occurrence that comes back is CONFIRMED again, with SEQUENCE + 1;
- anything else keeps its SEQUENCE, so an unchanged republish changes no SEQUENCE.

Records are self-contained (venue name, artist names, titles), so a cancelled occurrence
can be published after its venue, item or artists left the schedule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from affiche.programmes import rules
from affiche.programmes.identity import Source
from affiche.programmes.schedule import FestivalInfo, Placement, Schedule
from affiche.programmes.text import Text

VERSION_FORMAT = "affiche-published/1"
VERSION_FILE = re.compile(r"^(\d{4,})\.json$")
Status = Literal["CONFIRMED", "CANCELLED"]


class PublishError(Exception):
    """A schedule that cannot be published as it is (the message says why)."""


class PublishedOccurrence(BaseModel):
    """One occurrence as published: everything an exporter needs, nothing to look up."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    uid: str
    festival: str
    item: str
    occurrence: int
    kind: str
    title: Text
    description: Text = Field(default_factory=Text)
    track: str | None = None
    language: str | None = None
    venue: str
    venue_name: str
    venue_name_fr: str | None = None
    venue_address: str = ""
    timezone: str
    start: AwareDatetime
    end: AwareDatetime
    day: date
    artists: tuple[str, ...] = ()
    artist_names: tuple[str, ...] = ()
    source: Source | None = None
    artist_sources: tuple[Source | None, ...] = ()
    sequence: int = 0
    status: Status = "CONFIRMED"
    private: bool = False  # in its artists' and venue's own feeds only, never in public outputs
    spell_of: str | None = None  # one open day of an installation: the placement's uid

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"

    def venue_in(self, lang: str) -> str:
        """The venue's name in `lang` (the French name where one is given)."""
        return self.venue_name_fr if lang == "fr" and self.venue_name_fr else self.venue_name


class PublishedVersion(BaseModel):
    """The content of `versions/NNNN.json`."""

    model_config = ConfigDict(extra="forbid")
    format: str = VERSION_FORMAT
    version: int
    published: AwareDatetime
    base_url: str | None = None
    occurrences: list[PublishedOccurrence]

    def sequences(self) -> dict[str, int]:
        return {occ.uid: occ.sequence for occ in self.occurrences}


@dataclass(frozen=True)
class Changes:
    """How a new version differs from the previous one (counts of occurrences)."""

    new: int = 0
    changed: int = 0
    cancelled: int = 0
    unchanged: int = 0


def occurrences_from_schedule(schedule: Schedule) -> list[PublishedOccurrence]:
    """Every placement of `schedule` as a CONFIRMED occurrence with SEQUENCE 0."""
    seen: set[str] = set()
    result = []
    for placement in schedule.placements:
        if placement.uid in seen:
            raise PublishError(f"schedule.json: placement uid {placement.uid!r} appears twice")
        seen.add(placement.uid)
        item = schedule.item(placement.item)
        venue = schedule.venue(placement.venue)
        festival = schedule.festival(placement.festival)
        artist_ids = tuple(placement.artists or item.artists)
        one = PublishedOccurrence(
                uid=placement.uid,
                festival=festival.id,
                item=item.id,
                occurrence=placement.occurrence,
                kind=item.kind,
                title=item.title,
                description=item.description,
                track=item.track,
                language=item.language,
                venue=venue.id,
                venue_name=venue.name,
                venue_name_fr=venue.name_fr,
                venue_address=venue.address,
                timezone=festival.timezone,
                start=placement.start,
                end=placement.end,
                day=placement.day,
                artists=artist_ids,
                artist_names=tuple(schedule.artist(a).name for a in artist_ids),
                private=placement.private,
                source=item.source,
                artist_sources=tuple(schedule.artist(a).source for a in artist_ids),
            )
        result += open_spells(one, placement, festival)
    return result


def open_spells(
    occ: PublishedOccurrence, placement: Placement, festival: FestivalInfo
) -> list[PublishedOccurrence]:
    """An installation open on several days as one occurrence per open day, with that
    day's hours (uid: the placement's, then the day); anything else as it is."""
    if not placement.open:
        return [occ]
    return [
        occ.model_copy(update={
            "uid": f"{occ.uid}.{day:%Y%m%d}", "start": start, "end": end,
            "day": day, "spell_of": occ.uid,
        })
        for day, start, end in placement.daily_spells(partial(rules.day_of, festival))
    ]


def public_occurrences(occurrences: list[PublishedOccurrence]) -> list[PublishedOccurrence]:
    """What the public sees: every occurrence but the private ones (meetings, soundchecks)."""
    return [occ for occ in occurrences if not occ.private]


def fingerprint(occ: PublishedOccurrence) -> tuple[object, ...]:
    """What makes a revision significant: instants, venue and title."""
    return (_utc(occ.start), _utc(occ.end), occ.venue, occ.title.en, occ.title.fr)


def reconcile(
    current: list[PublishedOccurrence], previous: PublishedVersion | None
) -> tuple[list[PublishedOccurrence], Changes]:
    """`current` with SEQUENCE and STATUS set against `previous`, plus kept cancellations."""
    before = {occ.uid: occ for occ in previous.occurrences} if previous else {}
    counts = {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 0}
    result = []
    for occ in current:
        sequence, change = _revision(occ, before.get(occ.uid))
        counts[change] += 1
        result.append(occ.model_copy(update={"sequence": sequence}))
    current_uids = {occ.uid for occ in current}
    for uid, old in before.items():
        if uid in current_uids:
            continue
        if not old.cancelled:
            counts["cancelled"] += 1
            old = old.model_copy(update={"status": "CANCELLED", "sequence": old.sequence + 1})
        result.append(old)
    return result, Changes(**counts)


def _revision(occ: PublishedOccurrence, old: PublishedOccurrence | None) -> tuple[int, str]:
    if old is None:
        return 0, "new"
    if old.cancelled or fingerprint(old) != fingerprint(occ):
        return old.sequence + 1, "changed"
    return old.sequence, "unchanged"


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def version_numbers(versions_dir: Path) -> list[int]:
    """The version numbers found in `versions_dir`, ascending."""
    if not versions_dir.is_dir():
        return []
    found = (VERSION_FILE.match(path.name) for path in versions_dir.iterdir())
    return sorted(int(match.group(1)) for match in found if match)


def version_path(versions_dir: Path, number: int) -> Path:
    return versions_dir / f"{number:04d}.json"


def load_latest_version(versions_dir: Path) -> PublishedVersion | None:
    """The most recent published version, or None before the first publish."""
    numbers = version_numbers(versions_dir)
    if not numbers:
        return None
    path = version_path(versions_dir, numbers[-1])
    try:
        return PublishedVersion.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, OSError) as error:
        message = f"{path}: cannot read the previous published version: {error}"
        raise PublishError(message) from error


def version_json(version: PublishedVersion) -> str:
    return version.model_dump_json(indent=2) + "\n"
