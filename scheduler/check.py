"""An independent checker of finished schedules.

It reads the spec and a `Schedule` (aware datetimes) and re-derives every hard rule in wall
clock terms, without the solver, the grain clock or the domain filters, so that a bug in
the model shows up here. Used after every solve, by `affiche check`, and by the tests.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from itertools import combinations

from affiche.programmes.identity import occurrence_uid
from affiche.programmes.model import Artist, Festival, Item, Spec
from affiche.programmes.schedule import Placement, Schedule
from affiche.scheduler.problem import travel_minutes
from affiche.venues.model import Venue
from affiche.venues.sun import sunset
from affiche.venues.timeutil import days_between, local_at, localize, programme_day

Interval = tuple[datetime, datetime]


def _inside(start: datetime, end: datetime, windows: list[Interval]) -> bool:
    return any(a <= start and end <= b for a, b in windows)


def _overlaps(start: datetime, end: datetime, windows: list[Interval]) -> bool:
    return any(start < b and a < end for a, b in windows)


def venue_windows(festival: Festival, venue: Venue) -> list[Interval]:
    """When a venue is open, in aware datetimes (closures not removed)."""
    tz = festival.timezone
    if venue.open:
        return [(w.localized(tz).start, w.localized(tz).end) for w in venue.open]
    windows = []
    for day in days_between(festival.start, festival.end):
        hours = venue.hours or festival.hours_by_day.get(day) or festival.hours
        opens = local_at(day, hours.opens, tz, festival.day_start_hour)
        closes = local_at(day, hours.closes, tz, festival.day_start_hour)
        if closes <= opens:
            closes = localize(datetime.combine(day + timedelta(days=1), hours.closes), tz)
        windows.append((opens, closes))
    return windows


class Checker:
    def __init__(self, spec: Spec, schedule: Schedule) -> None:
        self.spec = spec
        self.schedule = schedule
        self.problems: list[str] = []
        self.artists: dict[str, Artist] = {a.id: a for a in spec.artists}
        self.items: dict[str, tuple[Festival, Item]] = {
            item.id: (f, item) for f in spec.festivals for item in f.items
        }
        self.venues: dict[str, tuple[Festival, Venue]] = {
            v.id: (f, v) for f in spec.festivals for v in f.venues
        }

    def fail(self, placement: Placement | None, message: str) -> None:
        self.problems.append(f"{placement.uid}: {message}" if placement else message)

    def run(self) -> list[str]:
        self.check_coverage()
        valid = [p for p in self.schedule.placements if self.check_identity(p)]
        for placement in valid:
            self.check_placement(placement)
        self.check_venue_overlaps(valid)
        self.check_artists(valid)
        self.check_relations(valid)
        self.check_installations(valid)
        return self.problems

    def check_coverage(self) -> None:
        placed = [p.uid for p in self.schedule.placements]
        listed = set(placed) | {u.uid for u in self.schedule.unplaced}
        for uid in {u for u in placed if placed.count(u) > 1}:
            self.fail(None, f"{uid} is placed more than once")
        for festival, item in self.items.values():
            for number in range(1, item.occurrences + 1):
                uid = occurrence_uid(festival.id, item.id, number)
                if uid not in listed:
                    self.fail(None, f"{uid} is neither placed nor listed as unplaced")

    def check_identity(self, p: Placement) -> bool:
        if p.item not in self.items or p.venue not in self.venues:
            self.fail(p, f"unknown item {p.item!r} or venue {p.venue!r}")
            return False
        festival, item = self.items[p.item]
        if self.venues[p.venue][0].id != festival.id or p.festival != festival.id:
            self.fail(p, f"venue {p.venue} is not a venue of festival {festival.id}")
            return False
        if p.uid != occurrence_uid(festival.id, item.id, p.occurrence):
            self.fail(p, "uid does not match festival, item and occurrence")
        return True

    def check_placement(self, p: Placement) -> None:
        festival, item = self.items[p.item]
        _, venue = self.venues[p.venue]
        if item.venues and venue.id not in item.venues:
            self.fail(p, f"{venue.id} is not among the allowed venues")
        missing = [f.value for f in item.requires if not venue.has_feature(f)]
        if missing:
            self.fail(p, f"{venue.id} lacks {', '.join(missing)}")
        if item.audience and venue.capacity and venue.capacity < item.audience:
            self.fail(p, f"audience {item.audience} exceeds capacity {venue.capacity}")
        if p.end <= p.start:
            self.fail(p, "ends before it starts")
        if not item.is_installation:
            self.check_times(p, festival, item, venue)
        self.check_pins(p, festival, item)

    def check_times(self, p: Placement, festival: Festival, item: Item, venue: Venue) -> None:
        tz = festival.timezone
        if p.end - p.start != timedelta(minutes=item.duration or 0):
            self.fail(p, f"lasts {p.end - p.start}, the item lasts {item.duration} min")
        if not _inside(p.start, p.end, venue_windows(festival, venue)):
            self.fail(p, f"outside the opening hours of {venue.id}")
        closures = [(w.localized(tz).start, w.localized(tz).end) for w in venue.closures]
        if _overlaps(p.start, p.end, closures):
            self.fail(p, f"during a closure of {venue.id}")
        windows = [(w.localized(tz).start, w.localized(tz).end) for w in item.windows]
        if windows and not _inside(p.start, p.end, windows):
            self.fail(p, "outside the item's windows")
        day = programme_day(p.start, tz, festival.day_start_hour)
        if day != p.day:
            self.fail(p, f"programme day is {day}, the schedule says {p.day}")
        if item.days and day not in item.days:
            self.fail(p, f"on {day}, not one of the item's days")
        if not festival.start <= day <= festival.end:
            self.fail(p, f"on {day}, outside the festival")
        for artist_id in item.artists:
            artist = self.artists[artist_id]
            zone_name = artist.timezone or tz
            available = [(w.localized(zone_name).start, w.localized(zone_name).end)
                         for w in artist.availability]
            if available and not _inside(p.start, p.end, available):
                self.fail(p, f"artist {artist_id} is not available then")
        if item.is_loud and venue.sound_curfew is not None:
            curfew = local_at(day, venue.sound_curfew, tz, festival.day_start_hour)
            if p.end > curfew:
                self.fail(p, f"ends after the sound curfew of {venue.id} ({curfew:%H:%M})")
        if item.after_dark:
            lat = venue.latitude if venue.latitude is not None else festival.latitude
            lon = venue.longitude if venue.longitude is not None else festival.longitude
            dark = sunset(lat, lon, day, tz)
            if p.start < dark:
                self.fail(p, f"starts before sunset ({dark:%H:%M})")

    def check_pins(self, p: Placement, festival: Festival, item: Item) -> None:
        for pin in item.pins:
            if pin.occurrence != p.occurrence:
                continue
            if pin.venue and pin.venue != p.venue:
                self.fail(p, f"pinned to {pin.venue}, placed in {p.venue}")
            if pin.start and localize(pin.start, festival.timezone) != p.start:
                self.fail(p, f"pinned to start at {pin.start}")
            if pin.day and pin.day != p.day:
                self.fail(p, f"pinned to {pin.day}")

    def check_venue_overlaps(self, placements: list[Placement]) -> None:
        by_venue = defaultdict(list)
        for p in placements:
            if not self.items[p.item][1].is_installation:
                by_venue[p.venue].append(p)
        for venue_id, group in by_venue.items():
            changeover = timedelta(minutes=self.venues[venue_id][1].changeover_minutes)
            group.sort(key=lambda p: p.start)
            for first, second in zip(group, group[1:], strict=False):
                if second.start < first.end + changeover:
                    self.fail(second, f"overlaps {first.uid} in {venue_id} (with changeover)")

    def check_artists(self, placements: list[Placement]) -> None:
        travel = travel_minutes(self.spec)
        by_artist = defaultdict(list)
        for p in placements:
            _, item = self.items[p.item]
            if item.is_installation:
                continue
            for artist_id in item.artists:
                if not self.artists[artist_id].may_double_book:
                    by_artist[artist_id].append(p)
        for artist_id, group in by_artist.items():
            for a, b in combinations(sorted(group, key=lambda p: p.start), 2):
                gap = timedelta(minutes=travel.get((a.venue, b.venue), 0))
                if b.start < a.end + gap:
                    self.fail(b, f"artist {artist_id} cannot get there from {a.uid} in time")

    def check_relations(self, placements: list[Placement]) -> None:
        by_item = defaultdict(list)
        for p in placements:
            by_item[p.item].append(p)
        for _festival, item in self.items.values():
            mine = sorted(by_item[item.id], key=lambda p: p.occurrence)
            for other in item.after:
                for a in mine:
                    for b in by_item[other]:
                        if a.start < b.end:
                            self.fail(a, f"must start after {b.uid} ends")
            for other in item.same_day_as:
                theirs = {p.occurrence: p for p in by_item[other]}
                for a, b in ((a, theirs[a.occurrence]) for a in mine if a.occurrence in theirs):
                    if a.day != b.day:
                        self.fail(a, f"must be on the same day as {b.uid}")
            for other in item.not_same_day_as:
                for a in mine:
                    for b in by_item[other]:
                        if a.day == b.day:
                            self.fail(a, f"must not be on the same day as {b.uid}")

    def check_installations(self, placements: list[Placement]) -> None:
        counts: dict[str, int] = defaultdict(int)
        for p in placements:
            if self.items[p.item][1].is_installation:
                counts[p.venue] += 1
        for venue_id, count in counts.items():
            slots = self.venues[venue_id][1].installation_slots
            if count > slots:
                self.fail(None, f"{venue_id} hosts {count} installations, it has {slots} slots")


def check_schedule(spec: Spec, schedule: Schedule) -> list[str]:
    """Every hard rule the schedule breaks, in words; empty when it is sound."""
    return Checker(spec, schedule).run()
