"""The hard rules of a programme, each defined once, in the spec's own terms.

Plain functions over the spec: minutes, aware datetimes, venue and artist ids. The
scheduler translates them into grains (`scheduler/domains.py`, `hard.py`, `greedy.py`,
`explain.py`); the independent checker (`programmes/check.py`) reads them directly.

**Windows.** Every window is one window: an item sits inside one of them, start to end.
Windows that touch (a room open round the clock whose day ends at 09:05 when the next day
opens at 09:05) are *not* joined: under the frab import rules an event belongs to its
programme day and sits inside that day's window, so no item may straddle two windows.
The same holds for an item's own windows and an artist's availability.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Protocol, TypeVar

from affiche.programmes.model import Artist, DayBoundary, Festival, Item, RunningOrder, Spec
from affiche.venues.model import Hours, Venue
from affiche.venues.sun import sunrise, sunset
from affiche.venues.timeutil import days_between, local_at, localize, programme_day, zone
from affiche.venues.travel import walking_minutes
from affiche.venues.window import Window

Interval = tuple[datetime, datetime]
T = TypeVar("T")

# The rules by name, in the producer's words (reasons and violations use them).
VENUES = "allowed venues"
FEATURES = "required features"
CAPACITY = "capacity"
PINNED_VENUE = "pinned venue"
INSTALLATION_SLOTS = "installation slots"
OPENING_HOURS = "opening hours and closures"
ITEM_WINDOWS = "the item's windows"
ITEM_DAYS = "the item's days"
AVAILABILITY = "artist availability"
CURFEW = "the sound curfew"
AFTER_DARK = "after dark"
PINNED_START = "the pinned start"
VENUE_AT_ONCE = "one venue, one item at a time (or `parallel`)"
ARTIST_NO_OVERLAP = "artist no-overlap, with walking and travel time"
AFTER, SAME_DAY, NOT_SAME_DAY = "after", "same_day", "not_same_day"
LINKED_BEFORE = "linked before (ends within its gap before the item starts, in its venue)"
LINKED_AFTER = "linked after (starts within its gap after the item ends, in its venue)"
SETUP = "installation set-up (its artists before it first opens)"
STAY = "the artist's arrival and departure"
PER_DAY = "the artist's items per day (max_per_day)"
REST = "the artist's rest between items (min_rest_minutes)"
PRIME = "prime time (headliner: must)"
RUNNING_ORDER = "running order"
BEFORE_DARK = "before dark"
AT_SUNRISE = "at sunrise"


# --- programme days ----------------------------------------------------------------------


class DayRule(Protocol):
    """What the programme-day rule reads: a spec `Festival` or a schedule's `FestivalInfo`."""

    @property
    def timezone(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def day_start_hour(self) -> int: ...
    @property
    def day_boundaries(self) -> Sequence[DayBoundary]: ...


def programme_days(festival: DayRule) -> list[date]:
    return days_between(festival.start, festival.end)


def _day_starts(festival: DayRule, day: date) -> datetime:
    """The wall-clock start of programme day `day`: its `day_boundaries` entry, else
    `day_start_hour` on that date."""
    for boundary in festival.day_boundaries:
        if boundary.date == day:
            return boundary.starts
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=festival.day_start_hour)


def day_bounds(festival: DayRule, day: date) -> Interval:
    """Programme day `day`: from its start to its `ends`, else to the next day's start
    (by default from `day_start_hour` to the same hour the next morning)."""
    tz = festival.timezone
    end = next((b.ends for b in festival.day_boundaries if b.date == day and b.ends), None)
    if end is None:
        end = _day_starts(festival, day + timedelta(days=1))
    return localize(_day_starts(festival, day), tz), localize(end, tz)


def day_of(festival: DayRule, moment: datetime, listed: Iterable[date] = ()) -> date:
    """The programme day an occurrence starting at `moment` belongs to: the one of its
    `listed` days whose bounds hold `moment`, else the latest-starting day that holds it,
    else (outside every day) the `day_start_hour` rule. Without `day_boundaries` this is
    the `day_start_hour` rule itself."""
    if not festival.day_boundaries:
        return programme_day(moment, festival.timezone, festival.day_start_hour)
    holding = [day for day in programme_days(festival)
               if (bounds := day_bounds(festival, day))[0] <= moment < bounds[1]]
    wanted = set(listed)
    for day in holding:
        if day in wanted:
            return day
    if holding:
        return max(holding, key=lambda day: day_bounds(festival, day)[0])
    return programme_day(moment, festival.timezone, festival.day_start_hour)


# --- windows -------------------------------------------------------------------------------


def localized(windows: Iterable[Window], zone_name: str) -> list[Interval]:
    """Aware windows (naive times read in `zone_name`), one per window, in the order given."""
    return [(here.start, here.end) for here in (w.localized(zone_name) for w in windows)]


def hours_window(festival: Festival, day: date, hours: Hours) -> Interval:
    """Daily hours on programme day `day`; `closes` before `opens` is after midnight."""
    tz, dsh = festival.timezone, festival.day_start_hour
    opens = local_at(day, hours.opens, tz, dsh)
    closes = local_at(day, hours.closes, tz, dsh)
    if closes <= opens:
        closes = localize(datetime.combine(day + timedelta(days=1), hours.closes), tz)
    return opens, closes


def venue_hours(festival: Festival, venue: Venue, day: date) -> Hours:
    return venue.hours or festival.hours_by_day.get(day) or festival.hours


def open_windows(festival: Festival, venue: Venue) -> list[Interval]:
    """When a venue is open: its explicit `open` windows, else its (or the festival's)
    daily hours on each programme day. Closures are not removed (see `closures`)."""
    if venue.open:
        return localized(venue.open, festival.timezone)
    return [
        hours_window(festival, day, venue_hours(festival, venue, day))
        for day in programme_days(festival)
    ]


def closures(festival: Festival, venue: Venue) -> list[Interval]:
    return localized(venue.closures, festival.timezone)


def item_windows(festival: Festival, item: Item) -> list[Interval]:
    """The item's own windows; empty: any time."""
    return localized(item.windows, festival.timezone)


def availability(festival: Festival, artist: Artist) -> list[Interval]:
    """When the artist can perform (read in their zone, else the festival's); empty: any."""
    return localized(artist.availability, artist.timezone or festival.timezone)


def inside_one(start: datetime, end: datetime, windows: Iterable[Interval]) -> bool:
    """The window rule: the whole of [start, end) inside one window."""
    return any(a <= start and end <= b for a, b in windows)


def overlaps_any(start: datetime, end: datetime, windows: Iterable[Interval]) -> bool:
    return any(start < b and a < end for a, b in windows)


def item_days(item: Item) -> list[date]:
    """The programme days the item may start on (its `days` and its pins' days); empty: any."""
    return list(item.days) + [pin.day for pin in item.pins if pin.day]


# --- curfew and daylight ----------------------------------------------------------------


def curfew(festival: Festival, venue: Venue, item: Item, day: date) -> datetime | None:
    """When a loud item starting on programme day `day` must have ended (None: no curfew)."""
    if not item.is_loud or venue.sound_curfew is None:
        return None
    return local_at(day, venue.sound_curfew, festival.timezone, festival.day_start_hour)


def coordinates(festival: Festival, venue: Venue) -> tuple[float, float]:
    """Where the sun is watched from: the venue, else the festival."""
    latitude = venue.latitude if venue.latitude is not None else festival.latitude
    longitude = venue.longitude if venue.longitude is not None else festival.longitude
    if latitude is None or longitude is None:
        raise ValueError(f"{venue.id}: daylight rules need the venue's or festival's coordinates")
    return latitude, longitude


def dark_from(festival: Festival, venue: Venue, day: date) -> datetime:
    """Sunset on `day` at the venue (else at the festival's coordinates): after-dark items
    start no earlier, before-dark items end no later."""
    return sunset(*coordinates(festival, venue), day, festival.timezone)


def sunrise_in(festival: Festival, venue: Venue, day: date) -> datetime | None:
    """The sunrise inside programme day `day` (from `day_start_hour` to the next morning's),
    None if none is: an at-sunrise item starts by it and ends no earlier."""
    start, end = day_bounds(festival, day)
    for calendar_day in (day, day + timedelta(days=1)):
        rise = sunrise(*coordinates(festival, venue), calendar_day, festival.timezone)
        if rise is not None and start <= rise < end:
            return rise
    return None


def sunrise_window(festival: Festival, venue: Venue, item: Item, day: date) -> Interval | None:
    """Where an at-sunrise item of programme day `day` fits: from its length before
    sunrise to its length after (so it starts by sunrise and ends after it)."""
    rise = sunrise_in(festival, venue, day)
    if rise is None:
        return None
    length = timedelta(minutes=item.duration or 0)
    return rise - length, rise + length


def spans_sunrise(start: datetime, end: datetime, rise: datetime | None) -> bool:
    return rise is not None and start <= rise <= end


# --- prime time ----------------------------------------------------------------------------


def prime_hours(venue: Venue, day: date) -> Hours | None:
    return venue.prime_by_day.get(day) or venue.prime


def prime_windows(festival: Festival, venue: Venue) -> list[Interval]:
    """The venue's prime time on each programme day that has one: a headliner's set lies
    inside one of them (soft for `headliner: true`, hard for `headliner: must`)."""
    windows = []
    for day in programme_days(festival):
        hours = prime_hours(venue, day)
        if hours is not None:
            windows.append(hours_window(festival, day, hours))
    return windows


def has_prime(venue: Venue) -> bool:
    return venue.prime is not None or bool(venue.prime_by_day)


def item_time_rules(item: Item) -> list[str]:
    """The hard rules an item's own fields put on its time, by name (for explanations of
    an impossible programme: a core narrowed by them says so)."""
    held = [
        (item.must_take_prime, PRIME),
        (item.after_dark, AFTER_DARK),
        (item.before_dark, BEFORE_DARK),
        (item.at_sunrise, AT_SUNRISE),
        (bool(item.days), ITEM_DAYS),
        (bool(item.windows), ITEM_WINDOWS),
        (any(pin.start is not None for pin in item.pins), PINNED_START),
    ]
    return [name for on, name in held if on]


# --- running orders ------------------------------------------------------------------------


def running_order_of(festival: Festival, item_id: str) -> RunningOrder | None:
    """The running order an item is in (validation allows one at most)."""
    return next((r for r in festival.running_orders if item_id in r.order), None)


def running_pairs(festival: Festival) -> list[tuple[RunningOrder, str, str]]:
    """(order, item, the item right after it) for every running order."""
    return [(r, a, b) for r in festival.running_orders for a, b in pairwise(r.order)]


def back_to_back(venue: Venue, first_end: datetime, next_start: datetime) -> bool:
    """The running-order rule: the next item starts when the one before ends plus the
    venue's changeover."""
    return next_start == held_until(venue, first_end)


# --- the venue's time ------------------------------------------------------------------


def held_until(venue: Venue, end: datetime) -> datetime:
    """An item holds its venue (one of its `parallel` places) until its end plus the
    changeover."""
    return end + timedelta(minutes=venue.changeover_minutes)


def at_once(venue: Venue) -> int:
    """How many timed items the venue holds at once (`parallel`, default 1)."""
    return venue.parallel


def first_overload(
    held: list[tuple[datetime, datetime, T]], capacity: int
) -> tuple[T, list[T]] | None:
    """The first booking that puts more than `capacity` bookings in one place at once, and
    the ones it meets there; None if the venue is never overbooked. `held` is a list of
    (start, held until, booking)."""
    ordered = sorted(held, key=lambda h: (h[0], h[1]))
    running: list[tuple[datetime, datetime, T]] = []
    for start, until, booking in ordered:
        running = [r for r in running if r[1] > start]
        if len(running) >= capacity:
            return booking, [r[2] for r in running]
        running.append((start, until, booking))
    return None


# --- artists and travel ------------------------------------------------------------------


def books_artist(item: Item, artist: Artist) -> bool:
    """Whether the item takes the artist's time: timed items do, installations do not, and
    artists the import lets double-book are exempt."""
    return not item.is_installation and not artist.may_double_book


def home_travel_minutes(spec: Spec, festival: Festival, artist: Artist) -> int:
    """From the artist's home city to the festival's: 0 from the same city (or none given),
    else the solver's travel table (`solver.travel`, else `default_travel_minutes`)."""
    if not artist.home_city or not festival.city:
        return 0
    if artist.home_city.casefold() == festival.city.casefold():
        return 0
    return city_travel_minutes(spec, artist.home_city, festival.city)


def _moment(festival: Festival, artist: Artist, value: date, leaving: bool) -> datetime:
    """A datetime is read in the artist's zone (else the festival's); a date arrives at the
    start of that programme day and departs at its end (`day_bounds`)."""
    if isinstance(value, datetime):
        return localize(value, artist.timezone or festival.timezone)
    return day_bounds(festival, value)[1 if leaving else 0]


def arrival(festival: Festival, artist: Artist) -> datetime | None:
    return None if artist.arrive is None else _moment(festival, artist, artist.arrive, False)


def departure(festival: Festival, artist: Artist) -> datetime | None:
    return None if artist.depart is None else _moment(festival, artist, artist.depart, True)


def stay_bounds(spec: Spec, festival: Festival, artist: Artist) -> Interval | None:
    """When the artist can be on stage at `festival`: from arrival plus travel from home to
    departure minus travel home (None: no arrival or departure given). Without one of
    the two, the festival's first or last programme day bounds that side."""
    if artist.arrive is None and artist.depart is None:
        return None
    travel = timedelta(minutes=home_travel_minutes(spec, festival, artist))
    came, leaves = arrival(festival, artist), departure(festival, artist)
    first = came + travel if came else day_bounds(festival, festival.start)[0]
    last = leaves - travel if leaves else day_bounds(festival, festival.end)[1]
    return first, last


def stay_words(spec: Spec, festival: Festival, artist: Artist) -> str:
    """The stay in the producer's words: "Nadia Lopez arrives on 14 June at 15:00 (from
    Lyon, 2 h) and leaves on 16 June at 12:00"."""
    minutes = home_travel_minutes(spec, festival, artist)
    hours = f"{minutes // 60} h" + (f" {minutes % 60:02d}" if minutes % 60 else "")
    trip = f" (from {artist.home_city}, {hours})" if minutes else ""
    back = f" (to {artist.home_city}, {hours})" if minutes else ""
    parts = []
    # the artist's own clock, named when it is not the festival's (the rest is the festival's)
    own = artist.timezone or festival.timezone
    clock = "" if own == festival.timezone else f" {own.rsplit('/', 1)[-1].replace('_', ' ')} time"
    came, leaves = arrival(festival, artist), departure(festival, artist)
    if came is not None:
        came = came.astimezone(zone(own))
        parts.append(f"arrives on {came:%-d %B} at {came:%H:%M}{clock}{trip}")
    if leaves is not None:
        leaves = leaves.astimezone(zone(own))
        parts.append(f"leaves on {leaves:%-d %B} at {leaves:%H:%M}{clock}{back}")
    bounds = stay_bounds(spec, festival, artist)
    limits = []
    if bounds is not None:
        first, last = (moment.astimezone(zone(festival.timezone)) for moment in bounds)
        limits += [f"from {first:%-d %B %H:%M}"] if came is not None else []
        limits += [f"until {last:%-d %B %H:%M}"] if leaves is not None else []
    on_stage = ", so is on stage only " + " ".join(limits) if limits else ""
    return f"{artist.name} " + " and ".join(parts) + on_stage


def stay_days(festival: Festival, artist: Artist) -> tuple[int | None, int | None]:
    """The programme days (indices from the festival's first, maybe outside it) of the
    artist's arrival and departure: hotel nights count from one to the other."""
    def index(value: date | None, moment: datetime | None) -> int | None:
        if value is None or moment is None:
            return None
        day = value if not isinstance(value, datetime) else day_of(festival, moment)
        return (day - festival.start).days

    return (index(artist.arrive, arrival(festival, artist)),
            index(artist.depart, departure(festival, artist)))


def rest_between(artist: Artist) -> timedelta:
    """The rest an artist keeps between two items (beyond walking or travel time)."""
    return timedelta(minutes=artist.min_rest_minutes)


def too_many_on_a_day(artist: Artist, days: Iterable[date]) -> list[date]:
    """The programme days on which the artist has more items than `max_per_day` allows."""
    if artist.max_per_day is None:
        return []
    counted: dict[date, int] = {}
    for day in days:
        counted[day] = counted.get(day, 0) + 1
    return sorted(day for day, count in counted.items() if count > artist.max_per_day)


def city_travel_minutes(spec: Spec, city_a: str, city_b: str) -> int:
    for travel in spec.solver.travel:
        if {city_a.casefold(), city_b.casefold()} == {c.casefold() for c in travel.between}:
            return travel.minutes
    return spec.solver.default_travel_minutes


def travel_minutes(spec: Spec) -> dict[tuple[str, str], int]:
    """Minutes an artist needs between two venues: walking within a festival (the
    festival's default between festivals of one city), travel between cities. Pairs of
    one venue, and pairs 0 minutes apart, are left out."""
    located = [(festival, venue) for festival in spec.festivals for venue in festival.venues]
    travel: dict[tuple[str, str], int] = {}
    for fest_a, venue_a in located:
        for fest_b, venue_b in located:
            if venue_a.id == venue_b.id:
                continue
            if fest_a.id == fest_b.id:
                minutes = walking_minutes(venue_a, venue_b, fest_a.default_walking_minutes)
            elif fest_a.city.casefold() == fest_b.city.casefold():
                minutes = max(fest_a.default_walking_minutes, fest_b.default_walking_minutes)
            else:
                minutes = city_travel_minutes(spec, fest_a.city, fest_b.city)
            if minutes:
                travel[(venue_a.id, venue_b.id)] = minutes
    return travel


# --- relations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """`item` relates to `other`: kind is AFTER, SAME_DAY or NOT_SAME_DAY."""

    kind: str
    item: str
    other: str


def relations(festival: Festival) -> list[Relation]:
    found = []
    for item in festival.items:
        found += [Relation(AFTER, item.id, other) for other in item.after_ids]
        found += [Relation(SAME_DAY, item.id, other) for other in item.same_day_as]
        found += [Relation(NOT_SAME_DAY, item.id, other) for other in item.not_same_day_as]
    return found


def related_pairs(kind: str, mine: Mapping[int, T], theirs: Mapping[int, T]) -> list[tuple[T, T]]:
    """The occurrence pairs a relation binds, by occurrence number: 'same_day' pairs
    occurrence k with occurrence k; 'after' (mine start after theirs end) and
    'not_same_day' pair every occurrence with every other."""
    if kind == SAME_DAY:
        return [(mine[n], theirs[n]) for n in mine if n in theirs]
    return [(a, b) for a in mine.values() for b in theirs.values()]


# --- linked items ------------------------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    """`item` is placed relative to `other`: with `side` LINKED_BEFORE it ends between
    `low` and `high` minutes (None: no upper bound) before `other` starts; with
    LINKED_AFTER it starts that long after `other` ends. `same_venue`: in `other`'s venue.
    `occurrence`: every occurrence of `item` is linked to this one of `other`; None:
    occurrence k to occurrence k."""

    side: str
    item: str
    other: str
    low: int
    high: int | None
    same_venue: bool
    occurrence: int | None


def links(festival: Festival) -> list[Linked]:
    found = []
    for item in festival.items:
        for field_name, _, link in item.links:
            low, high = link.gap_minutes if link.gap_minutes is not None else (0, None)
            side = LINKED_BEFORE if field_name == "before" else LINKED_AFTER
            found.append(Linked(side, item.id, link.item, low, high, link.same_venue,
                                link.occurrence))
    return found


def linked_pairs(link: Linked, mine: Mapping[int, T], theirs: Mapping[int, T]) -> list[tuple[T, T]]:
    """The occurrence pairs a link binds: (mine, theirs)."""
    if link.occurrence is not None:
        return [(a, theirs[link.occurrence]) for a in mine.values() if link.occurrence in theirs]
    return [(mine[n], theirs[n]) for n in mine if n in theirs]


def link_gap(link: Linked, mine: Interval, theirs: Interval) -> timedelta:
    """The gap the link bounds: to the other's start (before), from its end (after)."""
    return theirs[0] - mine[1] if link.side == LINKED_BEFORE else mine[0] - theirs[1]


def link_broken(
    link: Linked, mine: Interval, my_venue: str, theirs: Interval, their_venue: str
) -> str:
    """How a placed pair breaks its link, in words (empty when it holds)."""
    gap = link_gap(link, mine, theirs) / timedelta(minutes=1)
    word = "before" if link.side == LINKED_BEFORE else "after"
    span = f"{link.low} to {link.high}" if link.high is not None else f"at least {link.low}"
    if gap < link.low or (link.high is not None and gap > link.high):
        return f"must be {span} minutes {word} {link.other} ({gap:g} minutes apart)"
    if link.same_venue and my_venue != their_venue:
        return f"must be in the venue of {link.other} ({their_venue}), not {my_venue}"
    return ""


# --- installations -------------------------------------------------------------------


def installation_days(festival: Festival, item: Item) -> list[date]:
    """The programme days an installation holds a slot at its site: its `days` (all
    programme days without), narrowed to the days its dated `windows` touch. Two
    installations share a slot when their days do not meet."""
    days = set(item_days(item)) or set(programme_days(festival))
    windows = item_windows(festival, item)
    if windows:
        days = {d for d in days if overlaps_any(*day_bounds(festival, d), windows)}
    return sorted(days)


def installation_open(festival: Festival, venue: Venue, item: Item) -> list[Interval]:
    """When an installation at `venue` is open, one window per open spell: the venue's
    opening windows, less closures, within the installation's days and windows."""
    days = installation_days(festival, item)
    spells = open_windows(festival, venue)
    own = item_windows(festival, item) or [day_bounds(festival, d) for d in days]
    within = _joined([day_bounds(festival, d) for d in days])
    cut = _clip(_clip(spells, own), within)
    for a, b in closures(festival, venue):
        cut = [piece for start, end in cut for piece in _minus(start, end, a, b)]
    return sorted(cut)


def _joined(spans: list[Interval]) -> list[Interval]:
    """Consecutive programme days as one span (an installation open past midnight)."""
    joined: list[Interval] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _clip(spells: list[Interval], bounds: list[Interval]) -> list[Interval]:
    return [(max(a, c), min(b, d)) for a, b in spells for c, d in bounds
            if max(a, c) < min(b, d)]


def _minus(start: datetime, end: datetime, a: datetime, b: datetime) -> list[Interval]:
    if b <= start or a >= end:
        return [(start, end)]
    return [(s, e) for s, e in ((start, a), (b, end)) if s < e]


def books_setup(item: Item, artist: Artist) -> bool:
    """Whether an installation's set-up takes the artist's time (as any item would)."""
    return item.is_installation and bool(item.setup_minutes) and not artist.may_double_book


def setup_window(item: Item, opens: datetime) -> Interval | None:
    """When an installation's artists set it up: `setup_minutes` before it first `opens`."""
    if not item.setup_minutes:
        return None
    return opens - timedelta(minutes=item.setup_minutes), opens
