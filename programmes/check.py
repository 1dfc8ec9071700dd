"""An independent checker of finished schedules.

It reads the spec and a `Schedule` (aware datetimes) and checks every hard rule as
`programmes/rules.py` defines it, in wall-clock terms, without the solver: no problem, no
grains, no domain filters, no solver code (nothing from `affiche.scheduler`), so that a
bug in the model shows up here. Used after every solve, by `affiche check`, and by the
tests. Each broken rule is a `Violation`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import combinations

from affiche.programmes import rules
from affiche.programmes.identity import occurrence_uid
from affiche.programmes.model import Artist, Festival, Item, Spec
from affiche.programmes.schedule import Placement, Schedule
from affiche.venues.model import Venue
from affiche.venues.timeutil import localize

COVERAGE = "every occurrence placed once or listed as unplaced"
IDENTITY = "placements name their item, venue and festival"
DURATION = "an item lasts its duration"
PROGRAMME_DAY = "programme days"
PINS = "pins"


@dataclass(frozen=True)
class Violation:
    """One broken rule: which (`rules` names), the occurrences, venue and artists it is
    about, and a message in the producer's words."""

    rule: str
    message: str
    uids: tuple[str, ...] = ()
    venue: str | None = None
    artists: tuple[str, ...] = ()
    subject: str | None = None  # the occurrence the message speaks of, if one

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}" if self.subject else self.message


class Checker:
    def __init__(self, spec: Spec, schedule: Schedule) -> None:
        self.spec = spec
        self.schedule = schedule
        self.violations: list[Violation] = []
        self.artists: dict[str, Artist] = {a.id: a for a in spec.artists}
        self.items: dict[str, tuple[Festival, Item]] = {
            item.id: (f, item) for f in spec.festivals for item in f.items
        }
        self.venues: dict[str, tuple[Festival, Venue]] = {
            v.id: (f, v) for f in spec.festivals for v in f.venues
        }

    def fail(
        self,
        rule: str,
        placement: Placement | None,
        message: str,
        others: tuple[Placement, ...] = (),
        venue: str | None = None,
        artists: tuple[str, ...] = (),
    ) -> None:
        uids = tuple(p.uid for p in (placement, *others) if p is not None)
        venue = venue or (placement.venue if placement else None)
        self.violations.append(Violation(
            rule, message, uids, venue, artists, placement.uid if placement else None
        ))

    def run(self) -> list[Violation]:
        self.check_coverage()
        valid = [p for p in self.schedule.placements if self.check_identity(p)]
        for placement in valid:
            self.check_placement(placement)
        self.check_venue_occupancy(valid)
        self.check_artists(valid)
        self.check_relations(valid)
        self.check_running_orders(valid)
        self.check_installations(valid)
        self.check_links(valid)
        self.check_setups(valid)
        return self.violations

    def check_coverage(self) -> None:
        placed = [p.uid for p in self.schedule.placements]
        listed = set(placed) | {u.uid for u in self.schedule.unplaced}
        for uid in {u for u in placed if placed.count(u) > 1}:
            self.violations.append(Violation(COVERAGE, f"{uid} is placed more than once", (uid,)))
        for festival, item in self.items.values():
            for number in range(1, item.occurrences + 1):
                uid = occurrence_uid(festival.id, item.id, number)
                if uid not in listed:
                    self.violations.append(Violation(
                        COVERAGE, f"{uid} is neither placed nor listed as unplaced", (uid,)
                    ))

    def check_identity(self, p: Placement) -> bool:
        if p.item not in self.items or p.venue not in self.venues:
            self.fail(IDENTITY, p, f"unknown item {p.item!r} or venue {p.venue!r}")
            return False
        festival, item = self.items[p.item]
        if self.venues[p.venue][0].id != festival.id or p.festival != festival.id:
            self.fail(IDENTITY, p, f"venue {p.venue} is not a venue of festival {festival.id}")
            return False
        if p.uid != occurrence_uid(festival.id, item.id, p.occurrence):
            self.fail(IDENTITY, p, "uid does not match festival, item and occurrence")
        return True

    def check_placement(self, p: Placement) -> None:
        festival, item = self.items[p.item]
        _, venue = self.venues[p.venue]
        if item.venues and venue.id not in item.venues:
            self.fail(rules.VENUES, p, f"{venue.id} is not among the allowed venues")
        missing = [str(f) for f in item.requires if not venue.has_feature(f)]
        if missing:
            self.fail(rules.FEATURES, p, f"{venue.id} lacks {', '.join(missing)}")
        if item.audience and venue.capacity and venue.capacity < item.audience:
            self.fail(rules.CAPACITY, p,
                      f"audience {item.audience} exceeds capacity {venue.capacity}")
        if p.end <= p.start:
            self.fail(DURATION, p, "ends before it starts")
        if not item.is_installation:
            self.check_times(p, festival, item, venue)
        else:
            self.check_open(p, festival, item, venue)
        self.check_pins(p, festival, item)

    def check_times(self, p: Placement, festival: Festival, item: Item, venue: Venue) -> None:
        if p.end - p.start != timedelta(minutes=item.duration or 0):
            self.fail(DURATION, p, f"lasts {p.end - p.start}, the item lasts {item.duration} min")
        if not rules.inside_one(p.start, p.end, rules.open_windows(festival, venue)):
            self.fail(rules.OPENING_HOURS, p, f"outside the opening hours of {venue.id}")
        if rules.overlaps_any(p.start, p.end, rules.closures(festival, venue)):
            self.fail(rules.OPENING_HOURS, p, f"during a closure of {venue.id}")
        windows = rules.item_windows(festival, item)
        if windows and not rules.inside_one(p.start, p.end, windows):
            self.fail(rules.ITEM_WINDOWS, p, "outside the item's windows")
        day = rules.day_of(festival, p.start, rules.item_days(item))
        if day != p.day:
            self.fail(PROGRAMME_DAY, p, f"programme day is {day}, the schedule says {p.day}")
        if item.days and day not in item.days:
            self.fail(rules.ITEM_DAYS, p, f"on {day}, not one of the item's days")
        if not festival.start <= day <= festival.end:
            self.fail(PROGRAMME_DAY, p, f"on {day}, outside the festival")
        for artist_id in item.artists:
            available = rules.availability(festival, self.artists[artist_id])
            if available and not rules.inside_one(p.start, p.end, available):
                self.fail(rules.AVAILABILITY, p, f"artist {artist_id} is not available then",
                          artists=(artist_id,))
        limit = rules.curfew(festival, venue, item, day)
        if limit is not None and p.end > limit:
            self.fail(rules.CURFEW, p,
                      f"ends after the sound curfew of {venue.id} ({limit:%H:%M})")
        if item.after_dark:
            dark = rules.dark_from(festival, venue, day)
            if p.start < dark:
                self.fail(rules.AFTER_DARK, p, f"starts before sunset ({dark:%H:%M})")
        self.check_daylight(p, festival, item, venue, day)
        self.check_stays(p, festival, item)
        if item.must_take_prime and not rules.inside_one(
                p.start, p.end, rules.prime_windows(festival, venue)):
            self.fail(rules.PRIME, p, f"a headliner outside the prime time of {venue.id}")

    def check_daylight(
        self, p: Placement, festival: Festival, item: Item, venue: Venue, day: date
    ) -> None:
        if item.before_dark:
            dark = rules.dark_from(festival, venue, day)
            if p.end > dark:
                self.fail(rules.BEFORE_DARK, p, f"ends after sunset ({dark:%H:%M})")
        if item.at_sunrise:
            rise = rules.sunrise_in(festival, venue, day)
            if not rules.spans_sunrise(p.start, p.end, rise):
                when = f"{rise:%H:%M}" if rise else "none that day"
                self.fail(rules.AT_SUNRISE, p, f"is not under way at sunrise ({when})")

    def check_stays(self, p: Placement, festival: Festival, item: Item) -> None:
        for artist_id in item.artists:
            artist = self.artists[artist_id]
            bounds = rules.stay_bounds(self.spec, festival, artist)
            if bounds is not None and not rules.inside_one(p.start, p.end, [bounds]):
                self.fail(rules.STAY, p, rules.stay_words(self.spec, festival, artist),
                          artists=(artist_id,))

    def check_open(self, p: Placement, festival: Festival, item: Item, venue: Venue) -> None:
        """An installation is open when its site is, on its days and in its windows."""
        opened = rules.installation_open(festival, venue, item)
        if p.spells() != opened:
            self.fail(rules.ITEM_DAYS, p, f"open {_spells(p.spells())}, but {venue.id} on the "
                      f"installation's days and windows is open {_spells(opened)}")

    def check_pins(self, p: Placement, festival: Festival, item: Item) -> None:
        for pin in item.pins:
            if pin.occurrence != p.occurrence:
                continue
            if pin.venue and pin.venue != p.venue:
                self.fail(PINS, p, f"pinned to {pin.venue}, placed in {p.venue}")
            if pin.start and localize(pin.start, festival.timezone) != p.start:
                self.fail(PINS, p, f"pinned to start at {pin.start}")
            if pin.day and pin.day != p.day:
                self.fail(PINS, p, f"pinned to {pin.day}")

    def check_venue_occupancy(self, placements: list[Placement]) -> None:
        by_venue = defaultdict(list)
        for p in placements:
            if not self.items[p.item][1].is_installation:
                by_venue[p.venue].append(p)
        for venue_id, group in by_venue.items():
            venue = self.venues[venue_id][1]
            capacity = rules.at_once(venue)
            held = [(p.start, rules.held_until(venue, p.end), p) for p in group]
            while (found := rules.first_overload(held, capacity)) is not None:
                late, met = found
                if capacity == 1:
                    message = f"overlaps {met[0].uid} in {venue_id} (with changeover)"
                else:
                    message = (f"{venue_id} holds {capacity} at once (parallel), but "
                               f"{late.uid} meets {', '.join(p.uid for p in met)} there "
                               "(with changeover)")
                self.fail(rules.VENUE_AT_ONCE, late, message, tuple(met), venue_id)
                held = [h for h in held if h[2] is not late]

    def check_artists(self, placements: list[Placement]) -> None:
        travel = rules.travel_minutes(self.spec)
        by_artist = defaultdict(list)
        for p in placements:
            _, item = self.items[p.item]
            for artist_id in item.artists:
                if rules.books_artist(item, self.artists[artist_id]):
                    by_artist[artist_id].append(p)
        for artist_id, group in by_artist.items():
            rest = rules.rest_between(self.artists[artist_id])
            for a, b in combinations(sorted(group, key=lambda p: p.start), 2):
                gap = timedelta(minutes=travel.get((a.venue, b.venue), 0))
                if b.start < a.end + gap:
                    self.fail(rules.ARTIST_NO_OVERLAP, b,
                              f"artist {artist_id} cannot get there from {a.uid} in time",
                              (a,), artists=(artist_id,))
                elif rest and b.start < a.end + gap + rest:
                    self.fail(rules.REST, b, f"artist {artist_id} rests {rest} after "
                              f"{a.uid} (min_rest_minutes), beyond {gap} of travel",
                              (a,), artists=(artist_id,))
            self.check_per_day(artist_id, group)

    def check_per_day(self, artist_id: str, group: list[Placement]) -> None:
        artist = self.artists[artist_id]
        by_day: dict[tuple[str, date], list[Placement]] = defaultdict(list)
        for p in group:
            by_day[(p.festival, p.day)].append(p)
        for (_, day), placed in by_day.items():
            if rules.too_many_on_a_day(artist, [day] * len(placed)):
                self.fail(rules.PER_DAY, placed[-1],
                          f"artist {artist_id} has {len(placed)} items on {day}, at most "
                          f"{artist.max_per_day} a day", tuple(placed[:-1]),
                          artists=(artist_id,))

    def check_running_orders(self, placements: list[Placement]) -> None:
        by_item = _by_item(placements)
        for festival in self.spec.festivals:
            for order in festival.running_orders:
                stage = order.venue + (f" on {order.day}" if order.day else "")
                for p in (p for item in order.order for p in by_item[item].values()):
                    if p.venue != order.venue or (order.day and p.day != order.day):
                        self.fail(rules.RUNNING_ORDER, p, f"its running order plays on {stage}")
            for order, first, then in rules.running_pairs(festival):
                venue = self.venues[order.venue][1]
                pairs = rules.related_pairs(rules.SAME_DAY, by_item[then], by_item[first])
                for b, a in pairs:
                    self.check_running_pair(order.venue, venue, a, b)

    def check_running_pair(self, venue_id: str, venue: Venue, a: Placement,
                           b: Placement) -> None:
        if not rules.back_to_back(venue, a.end, b.start):
            self.fail(rules.RUNNING_ORDER, b, f"must start right after {a.uid} on {venue_id} "
                      f"(its end plus the {venue.changeover_minutes} min changeover)", (a,))

    def check_relations(self, placements: list[Placement]) -> None:
        by_item = _by_item(placements)
        for festival in self.spec.festivals:
            for relation in rules.relations(festival):
                mine, theirs = by_item[relation.item], by_item[relation.other]
                for a, b in rules.related_pairs(relation.kind, mine, theirs):
                    broken = _breaks(relation.kind, a, b)
                    if broken:
                        self.fail(relation.kind, a, broken, (b,))

    def check_installations(self, placements: list[Placement]) -> None:
        """Per site and programme day, the installations holding a slot that day
        (`rules.installation_days`) fit its slots."""
        counts: dict[tuple[str, date], list[Placement]] = defaultdict(list)
        for p in placements:
            festival, item = self.items[p.item]
            if item.is_installation:
                for day in rules.installation_days(festival, item):
                    counts[(p.venue, day)].append(p)
        reported: set[tuple[str, tuple[str, ...]]] = set()
        for (venue_id, day), group in sorted(counts.items()):
            slots = self.venues[venue_id][1].installation_slots
            uids = tuple(p.uid for p in group)
            if len(group) > slots and (venue_id, uids) not in reported:
                reported.add((venue_id, uids))
                self.violations.append(Violation(
                    rules.INSTALLATION_SLOTS,
                    f"{venue_id} hosts {len(group)} installations, it has {slots} slots "
                    f"(on {day})", uids, venue_id,
                ))

    def check_links(self, placements: list[Placement]) -> None:
        by_item = _by_item(placements)
        for festival in self.spec.festivals:
            for link in rules.links(festival):
                mine, theirs = by_item[link.item], by_item[link.other]
                for a, b in rules.linked_pairs(link, mine, theirs):
                    broken = rules.link_broken(link, (a.start, a.end), a.venue,
                                               (b.start, b.end), b.venue)
                    if broken:
                        self.fail(link.side, a, broken, (b,))

    def check_setups(self, placements: list[Placement]) -> None:
        """An installation's set-up books its artists: nothing else of theirs then, with
        the travel time between venues."""
        travel = rules.travel_minutes(self.spec)
        for p in placements:
            _, item = self.items[p.item]
            window = rules.setup_window(item, p.start) if item.is_installation else None
            if window is None:
                continue
            for other in placements:
                _, theirs = self.items[other.item]
                for artist_id in set(item.artists) & set(theirs.artists):
                    artist = self.artists[artist_id]
                    if not rules.books_setup(item, artist) or other.uid == p.uid:
                        continue
                    if not (rules.books_artist(theirs, artist)
                            or rules.books_setup(theirs, artist)):
                        continue
                    busy = (rules.setup_window(theirs, other.start) or (other.start, other.start)
                            if theirs.is_installation else (other.start, other.end))
                    there = timedelta(minutes=travel.get((other.venue, p.venue), 0))
                    back = timedelta(minutes=travel.get((p.venue, other.venue), 0))
                    if busy[0] < window[1] + back and window[0] < busy[1] + there:
                        self.fail(rules.SETUP, p, f"artist {artist_id} sets {p.item} up from "
                                  f"{window[0]:%d %b %H:%M} to {window[1]:%H:%M}, but "
                                  f"{other.uid} keeps them then", (other,),
                                  artists=(artist_id,))


def _spells(spells: list[tuple[datetime, datetime]]) -> str:
    return ", ".join(f"{a:%d %b %H:%M}-{b:%H:%M}" for a, b in spells) or "never"


def _breaks(kind: str, mine: Placement, theirs: Placement) -> str:
    """How `mine` breaks its relation to `theirs`, in words (empty when it holds)."""
    if kind == rules.AFTER and mine.start < theirs.end:
        return f"must start after {theirs.uid} ends"
    if kind == rules.SAME_DAY and mine.day != theirs.day:
        return f"must be on the same day as {theirs.uid}"
    if kind == rules.NOT_SAME_DAY and mine.day == theirs.day:
        return f"must not be on the same day as {theirs.uid}"
    return ""


def check_schedule(spec: Spec, schedule: Schedule) -> list[Violation]:
    """Every hard rule the schedule breaks; empty when it is sound. `str(violation)` is
    the line `affiche check` prints."""
    return Checker(spec, schedule).run()


def _by_item(placements: list[Placement]) -> dict[str, dict[int, Placement]]:
    """Placements by item, then occurrence number (what the pair rules of `rules` read)."""
    by_item: dict[str, dict[int, Placement]] = defaultdict(dict)
    for p in placements:
        by_item[p.item][p.occurrence] = p
    return by_item
