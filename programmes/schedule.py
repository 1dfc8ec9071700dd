"""The solved programme as plain data: what `schedule.json` holds.

A `Schedule` is self-contained: it carries the festivals, venues, artists and items it
places (names, titles in French and English, time zones), so publishers need nothing else.
Times are aware datetimes; the JSON form is ISO 8601 with the UTC offset.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from affiche.programmes.identity import Source
from affiche.programmes.model import DayBoundary
from affiche.programmes.text import Text

SCHEDULE_FORMAT = "affiche-schedule/1"
Status = Literal["optimal", "feasible", "unknown", "infeasible", "invalid"]


class FestivalInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    city: str = ""
    country: str = ""
    timezone: str
    start: date
    end: date
    day_start_hour: int = 4
    day_boundaries: list[DayBoundary] = Field(default_factory=list)
    base_url: str | None = None
    description: Text = Field(default_factory=Text)


class VenueInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    name_fr: str | None = None
    festival: str
    timezone: str
    outdoor: bool = False
    capacity: int | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    parallel: int = Field(default=1, ge=1, description="items at once (the timeline's lanes)")

    def name_in(self, lang: str) -> str:
        """The venue's name in `lang` (the French name where one is given)."""
        return self.name_fr if lang == "fr" and self.name_fr else self.name


class ArtistInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    home_city: str = ""
    timezone: str | None = None
    source: Source | None = None
    email: str | None = None  # for notices only: no public output or API carries it


class ItemInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    festival: str
    kind: str
    title: Text
    description: Text = Field(default_factory=Text)
    description_html: Text | None = Field(default=None, description="sanitized HTML")
    artists: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    duration_minutes: int
    track: str | None = None
    language: str | None = None
    source: Source | None = None


class Spell(BaseModel):
    """One spell an installation is open (a day's hours at its site)."""

    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime
    end: AwareDatetime


class Placement(BaseModel):
    """One occurrence of an item, placed in a venue at a time."""

    model_config = ConfigDict(extra="forbid")
    uid: str
    festival: str
    item: str
    occurrence: int
    venue: str
    start: AwareDatetime
    end: AwareDatetime
    day: date = Field(description="programme day (a 01:00 show belongs to the evening before)")
    artists: list[str] = Field(default_factory=list)
    pinned: bool = False
    private: bool = Field(default=False, description="a one-to-one meeting: never published")
    table: int | None = Field(default=None, ge=1, description="meeting table number")
    open: list[Spell] = Field(
        default_factory=list,
        description="installations: each spell it is open (one per open day), start to end; "
        "empty: open from start to end",
    )

    def spells(self) -> list[tuple[datetime, datetime]]:
        """When the occurrence runs: its spells, else start to end."""
        return [(s.start, s.end) for s in self.open] or [(self.start, self.end)]

    def daily_spells(
        self, day_of: Callable[[datetime], date]
    ) -> list[tuple[date, datetime, datetime]]:
        """One spell per programme day it runs (what is published: one event a day), from
        that day's first opening to its last closing: a venue closure splits a day's
        opening in two, which would otherwise be two events of one uid. `day_of`: the
        festival's programme-day rule (`rules.day_of`)."""
        days: dict[date, tuple[datetime, datetime]] = {}
        for start, end in self.spells():
            day = day_of(start)
            first, last = days.get(day, (start, end))
            days[day] = (min(first, start), max(last, end))
        return [(day, start, end) for day, (start, end) in sorted(days.items())]


class Unplaced(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uid: str
    festival: str
    item: str
    occurrence: int
    reason: str


class ViolationInfo(BaseModel):
    """One soft wish the programme does not grant (the solver's `Violation`, as data)."""

    model_config = ConfigDict(extra="forbid")
    family: str
    label: str
    cost: float
    message: str
    occurrences: list[str] = Field(default_factory=list)
    artist: str | None = None
    festival: str | None = None
    venue: str | None = None


class SolveInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    wall_seconds: float = 0.0
    terms: dict[str, float] = Field(default_factory=dict)
    violations: list[ViolationInfo] = Field(default_factory=list)
    # the bound's parts: what every complete programme pays, family by family (repeats on
    # one day include the hotel nights spreading them forces), proven from the spec alone
    bounds: dict[str, float] = Field(default_factory=dict)


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str = SCHEDULE_FORMAT
    generated: AwareDatetime
    solve: SolveInfo
    festivals: list[FestivalInfo]
    venues: list[VenueInfo]
    artists: list[ArtistInfo]
    items: list[ItemInfo]
    placements: list[Placement]
    unplaced: list[Unplaced] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def festival(self, festival_id: str) -> FestivalInfo:
        return next(f for f in self.festivals if f.id == festival_id)

    def venue(self, venue_id: str) -> VenueInfo:
        return next(v for v in self.venues if v.id == venue_id)

    def item(self, item_id: str) -> ItemInfo:
        return next(i for i in self.items if i.id == item_id)

    def artist(self, artist_id: str) -> ArtistInfo:
        return next(a for a in self.artists if a.id == artist_id)

    def public(self) -> Schedule:
        """What the public may see: no private placement (meetings, soundchecks), and no
        item that only private placements hold."""
        if not any(p.private for p in self.placements):
            return self
        placements = [p for p in self.placements if not p.private]
        private_only = {p.item for p in self.placements if p.private} - {
            p.item for p in placements
        }
        items = [i for i in self.items if i.id not in private_only]
        # an artist booked only in private placements (a jury member, a crew) has no public page
        hidden = {a for p in self.placements if p.private for a in p.artists} - {
            a for p in placements for a in p.artists
        }
        artists = [a for a in self.artists if a.id not in hidden]
        return self.model_copy(
            update={"placements": placements, "items": items, "artists": artists}
        )


def write_json_atomically(path: Path, payload: str) -> None:
    """Write JSON text `payload` to `path` so that readers see the old file or the new."""
    write_text_atomically(path, payload)


# mkstemp creates its file 0600; the written file gets the mode an ordinary open() would
# give (0666 less the umask), so a web server or a colleague can read a published schedule.
# Read once at import, while the process is still single-threaded.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_text_atomically(path: Path, payload: str) -> None:
    """Write `payload` to `path` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_schedule(schedule: Schedule, directory: Path) -> Path:
    path = Path(directory) / "schedule.json"
    write_json_atomically(path, schedule.model_dump_json(indent=2) + "\n")
    return path


def load_schedule(directory: Path) -> Schedule:
    path = Path(directory) / "schedule.json"
    return Schedule.model_validate(json.loads(path.read_text(encoding="utf-8")))
