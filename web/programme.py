"""The published programme as the web pages see it: a `Schedule` with indexes and filters.

Plain data and pure functions; the only state is `ProgrammeSource`, which re-reads
`DIR/schedule.json` when the file changes and lives on the app object.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytz

from affiche.programmes import rules
from affiche.programmes.schedule import (
    ArtistInfo,
    FestivalInfo,
    ItemInfo,
    Placement,
    Schedule,
    VenueInfo,
    load_schedule,
)


class UnknownEntity(LookupError):
    """A festival, item, venue, artist or day that the programme does not hold."""

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} {identifier!r} in the programme")
        self.kind = kind
        self.identifier = identifier


class NoProgramme(RuntimeError):
    """The served folder holds no readable schedule.json."""


@dataclass(frozen=True)
class Occurrence:
    """One placement with everything a page shows, times in the festival's zone."""

    placement: Placement
    item: ItemInfo
    venue: VenueInfo
    festival: FestivalInfo
    artists: tuple[ArtistInfo, ...]
    start: datetime
    end: datetime
    spells: tuple[tuple[datetime, datetime], ...] = ()  # an installation's open days

    @property
    def uid(self) -> str:
        return self.placement.uid

    @property
    def day(self) -> date:
        return self.placement.day

    @property
    def is_installation(self) -> bool:
        return self.item.kind == "installation"


def folded(text: str) -> str:
    """Text for matching: case and accents ignored (« Fête » finds "fete")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(occ: Occurrence) -> str:
    """What free-text search looks in: titles in both languages, artists, track, venue."""
    parts = [occ.item.title.en, occ.item.title.fr, occ.item.track or "", occ.venue.name,
             occ.venue.name_fr or "", *(a.name for a in occ.artists)]
    return folded(" ".join(p for p in parts if p))


@dataclass(frozen=True)
class Filters:
    day: date | None = None
    venue: str | None = None
    kind: str | None = None
    tag: str | None = None
    track: str | None = None
    festival: str | None = None
    q: str | None = None  # free text: every word must appear

    def accepts(self, occ: Occurrence) -> bool:
        if self.day and not (occ.day == self.day or _spans_day(occ, self.day)):
            return False
        if self.venue and occ.venue.id != self.venue:
            return False
        if self.kind and occ.item.kind != self.kind:
            return False
        if self.track and occ.item.track != self.track:
            return False
        if self.festival and occ.festival.id != self.festival:
            return False
        if self.q and not all(word in search_text(occ) for word in folded(self.q).split()):
            return False
        return not (self.tag and self.tag not in occ.item.tags)

    @property
    def active(self) -> bool:
        return any((self.day, self.venue, self.kind, self.tag, self.track, self.festival,
                    self.q))

    @property
    def narrow(self) -> bool:
        """A selection small enough to list whole: a day, a venue, a track or a search."""
        return any((self.day, self.venue, self.track, self.q))


def _spans_day(occ: Occurrence, day: date) -> bool:
    return occ.is_installation and day in open_days(occ)


@dataclass
class Programme:
    schedule: Schedule
    digest: str
    occurrences: list[Occurrence] = field(default_factory=list)

    def festival(self, festival_id: str) -> FestivalInfo:
        return _find(self.schedule.festivals, festival_id, "festival")

    def item(self, item_id: str) -> ItemInfo:
        return _find(self.schedule.items, item_id, "item")

    def venue(self, venue_id: str) -> VenueInfo:
        return _find(self.schedule.venues, venue_id, "venue")

    def artist(self, artist_id: str) -> ArtistInfo:
        return _find(self.schedule.artists, artist_id, "artist")

    def days(self) -> list[date]:
        return sorted({o.day for o in self.occurrences if not o.is_installation})

    def kinds(self) -> list[str]:
        return sorted({i.kind for i in self.schedule.items})

    def tags(self) -> list[str]:
        return sorted({t for i in self.schedule.items for t in i.tags})

    def tracks(self) -> list[str]:
        return sorted({i.track for i in self.schedule.items if i.track}, key=folded)

    def select(self, filters: Filters) -> list[Occurrence]:
        return [o for o in self.occurrences if filters.accepts(o)]

    def of_item(self, item_id: str) -> list[Occurrence]:
        return [o for o in self.occurrences if o.item.id == item_id]

    def of_venue(self, venue_id: str) -> list[Occurrence]:
        return [o for o in self.occurrences if o.venue.id == venue_id]

    def of_artist(self, artist_id: str) -> list[Occurrence]:
        return [o for o in self.occurrences if artist_id in o.placement.artists]


def _find(entities: list[Any], identifier: str, kind: str) -> Any:
    for entity in entities:
        if entity.id == identifier:
            return entity
    raise UnknownEntity(kind, identifier)


def build_programme(schedule: Schedule, digest: str = "", *, public: bool = True) -> Programme:
    """Index a schedule: one `Occurrence` per placement, sorted by start."""
    festivals = {f.id: f for f in schedule.festivals}
    items = {i.id: i for i in schedule.items}
    venues = {v.id: v for v in schedule.venues}
    artists = {a.id: a for a in schedule.artists}
    occurrences = []
    if public:  # meetings, soundchecks: never on the public pages (the producer sees them)
        schedule = schedule.public()
    for placement in schedule.placements:
        festival = festivals[placement.festival]
        tz = pytz.timezone(festival.timezone)
        occurrences.append(
            Occurrence(
                placement=placement,
                item=items[placement.item],
                venue=venues[placement.venue],
                festival=festival,
                artists=tuple(artists[a] for a in placement.artists if a in artists),
                start=placement.start.astimezone(tz),
                end=placement.end.astimezone(tz),
                spells=tuple((a.astimezone(tz), b.astimezone(tz)) for _, a, b in
                             placement.daily_spells(partial(rules.day_of, festival))
                             ) if placement.open else (),
            )
        )
    occurrences.sort(key=lambda o: (o.placement.start, o.venue.id, o.uid))
    return Programme(schedule=schedule, digest=digest, occurrences=occurrences)


@dataclass(frozen=True)
class DayGroup:
    festival: FestivalInfo
    day: date
    occurrences: list[Occurrence]
    installations: list[Occurrence] = field(default_factory=list)  # open that day


def _programme_day(occ: Occurrence, moment: datetime) -> date:
    """The programme day `moment` falls in, by the festival's one rule (`rules.day_of`)."""
    return rules.day_of(occ.festival, moment)


def open_spells(occ: Occurrence) -> list[tuple[date, Occurrence]]:
    """An installation open on several days: each open day with the occurrence as it is
    that day (that day's hours); anything else: each day it covers, as it is."""
    if not occ.spells:
        return [(day, occ) for day in open_days(occ)]
    return [(_programme_day(occ, a), replace(occ, start=a, end=b)) for a, b in occ.spells]


def open_days(occ: Occurrence) -> list[date]:
    """The programme days an occurrence covers: its own day for a show, every day it is
    open for an installation (one closing at midnight is not open the day after)."""
    if occ.spells:
        return [_programme_day(occ, a) for a, _ in occ.spells]
    last = _programme_day(occ, occ.end - timedelta(minutes=1))
    return [occ.day + timedelta(days=n) for n in range(max(0, (last - occ.day).days) + 1)]


def group_by_day(
    occurrences: list[Occurrence], *, installations: bool = False, day: date | None = None
) -> list[DayGroup]:
    """Timed occurrences per (festival, programme day), in festival then day order; with
    `installations`, each installation also on every day it is open (only `day` if given)."""
    groups: dict[tuple[str, date], list[Occurrence]] = defaultdict(list)
    open_on: dict[tuple[str, date], list[Occurrence]] = defaultdict(list)
    festivals: dict[str, FestivalInfo] = {}
    for occ in occurrences:
        festivals[occ.festival.id] = occ.festival
        if not occ.is_installation:
            groups[(occ.festival.id, occ.day)].append(occ)
        elif installations:
            for open_day, that_day in open_spells(occ):
                if day is None or open_day == day:
                    open_on[(occ.festival.id, open_day)].append(that_day)
    keys = sorted(set(groups) | set(open_on), key=lambda k: (festivals[k[0]].start, k[0], k[1]))
    return [
        DayGroup(festivals[f], d, groups.get((f, d), []), open_on.get((f, d), []))
        for f, d in keys
    ]


@dataclass(frozen=True)
class NowNext:
    festival: FestivalInfo
    now: list[Occurrence]
    next: list[Occurrence]


def now_and_next(programme: Programme, moment: datetime, limit: int = 5) -> list[NowNext]:
    """What runs at `moment` and what starts next, per festival running that day."""
    results = []
    for festival in programme.schedule.festivals:
        timed = [
            o
            for o in programme.occurrences
            if o.festival.id == festival.id and not o.is_installation
        ]
        if not timed or not _festival_is_on(festival, timed, moment):
            continue
        now = [o for o in timed if o.placement.start <= moment < o.placement.end]
        upcoming = [o for o in timed if o.placement.start > moment]
        horizon = moment + timedelta(hours=24)
        upcoming = [o for o in upcoming if o.placement.start < horizon][:limit]
        if now or upcoming:
            results.append(NowNext(festival, now, upcoming))
    return results


def _festival_is_on(festival: FestivalInfo, timed: list[Occurrence], moment: datetime) -> bool:
    programme_day = rules.day_of(festival, moment)
    return festival.start <= programme_day <= festival.end or any(
        o.day == programme_day for o in timed
    )


@dataclass(frozen=True)
class GridBlock:
    occurrence: Occurrence
    column: int
    row_start: int
    row_end: int


@dataclass(frozen=True)
class Grid:
    festival: FestivalInfo
    day: date
    venues: list[VenueInfo]
    hours: list[tuple[int, datetime]]
    blocks: list[GridBlock]
    rows: int
    row_rem: float = 0.4  # height of one GRID_MINUTES row

    @property
    def hour_rows(self) -> int:
        return 60 // GRID_MINUTES


GRID_MINUTES = 5  # blocks start and end on their own five minutes
LINE_REM = 1.0  # one line of a block
BLOCK_LINES = 3.6  # the shortest block still shows its time, two lines of title, a name


def row_height(timed: list[Occurrence]) -> float:
    """Rows tall enough that the shortest block is readable, within 0.4-1.2 rem."""
    shortest = min(max(1.0, (o.end - o.start).total_seconds() / 60) for o in timed)
    wanted = BLOCK_LINES * LINE_REM * GRID_MINUTES / shortest
    return round(min(1.2, max(0.4, wanted)), 2)


def build_grid(
    festival: FestivalInfo,
    day: date,
    occurrences: list[Occurrence],
    venue_order: list[VenueInfo] | None = None,
) -> Grid | None:
    """Venues as columns (in `venue_order`, the producer's, when given), 15-minute rows,
    one block per timed occurrence of that day."""
    timed = [o for o in occurrences if not o.is_installation and o.day == day]
    timed = [o for o in timed if o.festival.id == festival.id]
    if not timed:
        return None
    used = {o.venue.id: o.venue for o in timed}
    rank = {v.id: n for n, v in enumerate(venue_order or [])}
    venue_ids = sorted(used, key=lambda v: (rank.get(v, len(rank)), v))
    venues = [used[v] for v in venue_ids]
    first = min(o.start for o in timed).replace(minute=0, second=0, microsecond=0)
    last = max(o.end for o in timed)

    def row(moment: datetime) -> int:
        return int((moment - first).total_seconds() // (GRID_MINUTES * 60)) + 2

    rows = row(last) + (1 if (last - first).total_seconds() % (GRID_MINUTES * 60) else 0)
    hours, moment = [], first
    while moment < last:
        hours.append((row(moment), moment))
        moment = (moment + timedelta(hours=1)).astimezone(moment.tzinfo)
    blocks = [
        GridBlock(
            o, venue_ids.index(o.venue.id) + 2, row(o.start), max(row(o.end), row(o.start) + 1)
        )
        for o in timed
    ]
    return Grid(festival, day, venues, hours, blocks, rows, row_height(timed))


class ProgrammeSource:
    """Reads `DIR/schedule.json`, again only when the file changes (thread-safe)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._programme: Programme | None = None
        self._whole: Programme | None = None  # private placements too, for the producer
        self._schedule: Schedule | None = None

    def get(self, *, public: bool = True) -> Programme:
        """The public programme, or with `public=False` the whole one (the producer's)."""
        path = self.directory / "schedule.json"
        try:
            stat = path.stat()
        except FileNotFoundError as error:
            raise NoProgramme(f"{path} does not exist") from error
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._programme is None or key != self._key:
                raw = path.read_bytes()
                try:
                    schedule = load_schedule(self.directory)
                except ValueError as error:
                    raise NoProgramme(f"{path} is not a valid schedule: {error}") from error
                digest = hashlib.sha256(raw).hexdigest()[:16]
                self._programme, self._key = build_programme(schedule, digest), key
                self._schedule, self._whole = schedule, None
            if public:
                return self._programme
            if self._whole is None:  # built when the producer first asks, not on every change
                assert self._schedule is not None
                self._whole = build_programme(self._schedule, self._programme.digest, public=False)
            return self._whole
