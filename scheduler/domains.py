"""Unary hard constraint families, applied as filters on where and when an item may go.

Each family is one function: it takes the spans (grains) an occurrence may still use at a
venue and returns what is left, or excludes the venue with a reason. When no venue is left
the occurrence is unplaceable before any solving, and the reason names the family.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo as tz

from affiche.programmes import rules
from affiche.programmes.identity import occurrence_uid
from affiche.programmes.model import Artist, Festival, Item
from affiche.scheduler.grains import Clock
from affiche.scheduler.occurrences import Day, Loc, Occurrence, Option, Unplaceable
from affiche.scheduler.spans import Spans, intersect, long_enough, normalise, subtract
from affiche.venues.model import Venue
from affiche.venues.timeutil import localize

Family = Callable[["Frame", Item, Venue, Spans], Spans]


@dataclass
class Frame:
    """One festival's time frame in grains, with per-venue spans computed once."""

    festival: Festival
    clock: Clock
    days: list[Day]
    artists: dict[str, Artist]
    stays: dict[str, rules.Interval] = field(default_factory=dict)  # `rules.stay_bounds`
    stay_words: dict[str, str] = field(default_factory=dict)  # `rules.stay_words`
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def cached(self, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def grains(self, window: rules.Interval) -> tuple[int, int]:
        """An aware window in grains: its start rounded up, its end down."""
        return self.clock.ceil(window[0]), self.clock.floor(window[1])

    def spans(self, windows: list[rules.Interval]) -> Spans:
        """Aware windows in grains (starts rounded up, ends down), one span per window:
        windows that touch stay apart (`programmes/rules.py`)."""
        return normalise((self.grains(window) for window in windows), join_touching=False)

    def day_spans(self, days: list[date]) -> Spans:
        wanted = set(days)
        return normalise((d.start, d.end) for d in self.days if d.date in wanted)

    def per_day(self, bound: Callable[[Day], tuple[int, int]]) -> Spans:
        return normalise((bound(day) for day in self.days), join_touching=False)


# --- venue families -------------------------------------------------------------------


def allowed_venues(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    return spans if not item.venues or venue.id in item.venues else ()


def features(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    return spans if all(venue.has_feature(f) for f in item.requires) else ()


def capacity(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    fits = item.audience is None or venue.capacity is None or venue.capacity >= item.audience
    return spans if fits else ()


def pinned_venue(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    venues = {pin.venue for pin in item.pins if pin.venue}
    return spans if not venues or venue.id in venues else ()


def installation_slots(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    return spans if not item.is_installation or venue.installation_slots > 0 else ()


def running_order_venue(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """An item in a running order plays on that order's stage."""
    order = rules.running_order_of(frame.festival, item.id)
    return spans if order is None or order.venue == venue.id else ()


# --- time families ----------------------------------------------------------------------


def venue_open_spans(frame: Frame, venue: Venue) -> Spans:
    """`rules.open_windows` minus `rules.closures`, in grains."""
    def compute() -> Spans:
        opened = frame.spans(rules.open_windows(frame.festival, venue))
        return subtract(opened, frame.spans(rules.closures(frame.festival, venue)))

    return frame.cached(("open", venue.id), compute)


def opening_hours(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Venue opening hours (or explicit open windows) minus its closures."""
    return intersect(spans, venue_open_spans(frame, venue))


def item_windows(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    windows = rules.item_windows(frame.festival, item)
    return intersect(spans, frame.spans(windows)) if windows else spans


def item_days(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Its `days`, and its pin's day too: a day pin holds as the checker reads it, even
    against the item's own days (which leaves nothing, said in words)."""
    pinned = [pin.day for pin in item.pins if pin.day]
    for days in (list(item.days), pinned):
        spans = intersect(spans, frame.day_spans(days)) if days else spans
    return spans


def artist_availability(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    for artist_id in item.artists:
        available = rules.availability(frame.festival, frame.artists[artist_id])
        if available:
            spans = intersect(spans, frame.spans(available))
    return spans


def sound_curfew(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Loud items end by an outdoor venue's sound curfew (`rules.curfew`)."""
    if rules.curfew(frame.festival, venue, item, frame.festival.start) is None:
        return spans

    def limit(day: Day) -> tuple[int, int]:
        ends = rules.curfew(frame.festival, venue, item, day.date)
        return day.start, min(day.end, frame.clock.floor(ends)) if ends else day.end

    return intersect(spans, frame.cached(("curfew", venue.id), lambda: frame.per_day(limit)))


def after_dark(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Items marked after dark start after sunset at the venue on their programme day."""
    if not item.after_dark:
        return spans

    def dark(day: Day) -> tuple[int, int]:
        return frame.clock.ceil(rules.dark_from(frame.festival, venue, day.date)), day.end

    return intersect(spans, frame.cached(("dark", venue.id), lambda: frame.per_day(dark)))


def artist_stay(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Between the artists' arrival plus travel and departure minus travel
    (`rules.stay_bounds`)."""
    for artist_id in item.artists:
        if artist_id in frame.stays:
            spans = intersect(spans, frame.spans([frame.stays[artist_id]]))
    return spans


def prime_time(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """`headliner: must` items lie inside their venue's prime time (`rules.prime_windows`)."""
    if not item.must_take_prime:
        return spans
    return intersect(spans, prime_spans(frame, venue))


def prime_spans(frame: Frame, venue: Venue) -> Spans:
    compute = lambda: frame.spans(rules.prime_windows(frame.festival, venue))  # noqa: E731
    return frame.cached(("prime", venue.id), compute)


def running_order_day(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    order = rules.running_order_of(frame.festival, item.id)
    if order is None or order.day is None:
        return spans
    return intersect(spans, frame.day_spans([order.day]))


def before_dark(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Items marked before dark end by sunset (`rules.dark_from`) on their programme day."""
    if not item.before_dark:
        return spans

    def light(day: Day) -> tuple[int, int]:
        dark = frame.clock.floor(rules.dark_from(frame.festival, venue, day.date))
        return day.start, min(day.end, dark)

    return intersect(spans, frame.cached(("light", venue.id), lambda: frame.per_day(light)))


def at_sunrise(frame: Frame, item: Item, venue: Venue, spans: Spans) -> Spans:
    """Items marked at sunrise start by sunrise and end after it (`rules.sunrise_window`)."""
    if not item.at_sunrise:
        return spans
    windows = [rules.sunrise_window(frame.festival, venue, item, day.date) for day in frame.days]
    return intersect(spans, frame.spans([w for w in windows if w is not None]))


VENUE_FAMILIES: list[tuple[str, Family]] = [
    (rules.VENUES, allowed_venues),
    (rules.FEATURES, features),
    (rules.CAPACITY, capacity),
    (rules.PINNED_VENUE, pinned_venue),
    (rules.INSTALLATION_SLOTS, installation_slots),
    (rules.RUNNING_ORDER, running_order_venue),
]
TIME_FAMILIES: list[tuple[str, Family]] = [
    (rules.OPENING_HOURS, opening_hours),
    (rules.ITEM_WINDOWS, item_windows),
    (rules.ITEM_DAYS, item_days),
    (rules.AVAILABILITY, artist_availability),
    (rules.CURFEW, sound_curfew),
    (rules.AFTER_DARK, after_dark),
    (rules.STAY, artist_stay),
    (rules.PRIME, prime_time),
    (rules.RUNNING_ORDER, running_order_day),
    (rules.BEFORE_DARK, before_dark),
    (rules.AT_SUNRISE, at_sunrise),
]


def _longest(spans: Spans) -> int:
    return max((end - start for start, end in spans), default=0)


def _pinned_start(frame: Frame, item: Item, number: int, duration: int) -> Spans | None:
    for pin in item.pins:
        if pin.occurrence == number and pin.start is not None:
            start = frame.clock.ceil(localize(pin.start, frame.festival.timezone))
            return ((start, start + duration),)
    return None


def venue_option(
    frame: Frame, item: Item, venue: Venue, duration: int, pinned: Spans | None
) -> tuple[Spans, str]:
    """What is left at `venue` for the item, and (if nothing) which family emptied it."""
    everything: Spans = ((min(d.start for d in frame.days), max(d.end for d in frame.days)),)
    spans = everything
    for name, family in VENUE_FAMILIES:
        if not family(frame, item, venue, spans):
            return (), f"{venue.name}: {name}"
    families = list(TIME_FAMILIES)
    if pinned is not None:
        families.append((rules.PINNED_START, lambda f, i, v, s: intersect(s, pinned)))
    narrowed_by = ""  # the last family that took time away: what a pin runs into
    for name, family in families:
        before = spans
        spans = family(frame, item, venue, spans)
        if not item.is_installation and not long_enough(spans, duration):
            if name == rules.PINNED_START and pinned is not None and narrowed_by:
                return (), _pin_outside(frame, venue, pinned, before, narrowed_by)
            minutes = _longest(spans) * frame.clock.minutes
            had = _longest(before) * frame.clock.minutes
            return (), (
                f"{venue.name}: after {name}{_rule_words(name, venue)} the longest window is "
                f"{minutes} min (was {had}), the item needs {duration * frame.clock.minutes}"
            )
        if spans != before:
            narrowed_by = name
    if item.is_installation and not spans:
        return (), f"{venue.name}: never open during the festival"
    return long_enough(spans, duration) if not item.is_installation else spans, ""


def _rule_words(name: str, venue: Venue) -> str:
    """The rule's own time, when it has one the producer wrote: " (loud items end by 22:00)"."""
    if name == rules.CURFEW and venue.sound_curfew is not None:
        return f" (loud items end by {venue.sound_curfew:%H:%M})"
    return ""


def _pin_outside(
    frame: Frame, venue: Venue, pinned: Spans, left: Spans, narrowed_by: str
) -> str:
    """A pinned start the other rules do not leave, with the rule that closed it and the
    nearest time they do leave: "the pinned 21:30-22:45 is not inside what after dark
    leaves (nearest: 21:55-01:00)"."""
    zone = frame.festival.timezone

    def when(first: int, last: int) -> str:
        a, b = (frame.clock.instant(g).astimezone(tz(zone)) for g in (first, last))
        return f"{a:%-d %b %H:%M}-{b:%H:%M}" if a.date() == b.date() else (
            f"{a:%-d %b %H:%M}-{b:%-d %b %H:%M}")

    (start, end), = pinned
    nearest = min(left, key=lambda span: abs(span[0] - start), default=None)
    near = f" (nearest it leaves: {when(*nearest)})" if nearest else ""
    return (f"{venue.name}: after {rules.PINNED_START} nothing is left: the pinned "
            f"{when(start, end)} is not inside what {narrowed_by} leaves{near}")


def _preferred_spans(frame: Frame, item: Item) -> Spans:
    return normalise(
        frame.grains(rules.hours_window(frame.festival, day.date, hours))
        for day in frame.days
        for hours in item.preferred_hours
    )


# Item fields no family above reads: items that differ only in these share their options.
# Any other field (a new one too) keeps items apart, so the cache can only miss, never lie.
NOT_READ_BY_FAMILIES = {
    "id", "title", "description", "occurrences", "artists", "preferred_venues",
    "preferred_hours", "after", "same_day_as", "not_same_day_as", "tags", "priority",
    "track", "language", "before", "setup_minutes",
}


def domain_key(frame: Frame, item: Item) -> str:
    """What the families read of `item` (its artists only through their availability)."""
    data = item.model_dump(mode="json", exclude=NOT_READ_BY_FAMILIES)
    data["availability"] = [
        frame.artists[a].model_dump(mode="json", include={"availability", "timezone"})
        for a in item.artists
        if frame.artists[a].availability
    ]
    data["stays"] = [frame.stays[a][0].isoformat() + frame.stays[a][1].isoformat()
                     for a in item.artists if a in frame.stays]
    order = rules.running_order_of(frame.festival, item.id)
    data["running_order"] = order.model_dump(mode="json", exclude={"order"}) if order else None
    return json.dumps(data, sort_keys=True)


def venue_options(
    frame: Frame, item: Item, duration: int, pinned: Spans | None
) -> tuple[tuple[Option, ...], list[str]]:
    """Every venue where the item may go with what is left there, and why the others
    are out; computed once for all items the families see alike (`domain_key`), whose
    occurrences then share one options tuple (caches downstream key on its identity)."""

    def compute() -> tuple[tuple[Option, ...], list[str]]:
        options, reasons = [], []
        for venue in frame.festival.venues:
            spans, reason = venue_option(frame, item, venue, duration, pinned)
            if spans:
                options.append(Option(venue.id, spans))
            elif reason:
                reasons.append(reason)
        return tuple(options), reasons

    return frame.cached(("options", domain_key(frame, item)), compute)


def item_occurrences(
    frame: Frame, item: Item, loc: Loc
) -> tuple[list[Occurrence], list[Unplaceable]]:
    """The occurrences of `item` with their options, or why each fits nowhere."""
    duration = 0 if item.is_installation else frame.clock.grains(item.duration or 0)
    bound = tuple(a for a in item.artists if rules.books_artist(item, frame.artists[a]))
    slot_days: tuple[int, ...] = ()
    if item.is_installation:
        held = set(rules.installation_days(frame.festival, item))
        slot_days = tuple(n for n, day in enumerate(frame.days) if day.date in held)
    preferred = _preferred_spans(frame, item)
    placed, unplaceable = [], []
    for number in range(1, item.occurrences + 1):
        uid = occurrence_uid(frame.festival.id, item.id, number)
        pinned = _pinned_start(frame, item, number, duration)
        this_one = _with_own_pins(item, number)
        options, reasons = venue_options(frame, this_one, duration, pinned)
        if not options:
            reason = _explain(item, reasons) + _stay_note(frame, item, reasons)
            unplaceable.append(Unplaceable(uid, item.id, loc, reason))
            continue
        placed.append(
            Occurrence(
                uid=uid,
                festival=frame.festival.id,
                item=item.id,
                number=number,
                duration=duration,
                installation=item.is_installation,
                artists=tuple(item.artists),
                bound_artists=bound,
                options=options,
                preferred_venues=frozenset(item.preferred_venues),
                preferred_spans=preferred,
                tags=tuple(item.tags),
                priority=item.priority,
                headliner=item.is_headliner,
                pinned=bool(this_one.pins),
                slot_days=slot_days,
                setup=frame.clock.grains(item.setup_minutes) if item.setup_minutes else 0,
                setup_artists=tuple(
                    a for a in item.artists if rules.books_setup(item, frame.artists[a])
                ),
                prime=_prime_options(frame, item, options, duration),
            )
        )
    return placed, unplaceable


def _prime_options(
    frame: Frame, item: Item, options: tuple[Option, ...], duration: int
) -> tuple[tuple[str, Spans], ...]:
    """For a headliner: where it would lie inside prime time, venue by venue, for each of
    its venues that has a prime time (empty: none of it is left to the item); the soft
    family `prime_time` prices a start outside them."""
    if not item.is_headliner or item.is_installation:
        return ()
    venues = {venue.id: venue for venue in frame.festival.venues}
    found = []
    for option in options:
        venue = venues[option.venue]
        if rules.has_prime(venue):
            found.append((venue.id, long_enough(intersect(option.spans,
                                                          prime_spans(frame, venue)), duration)))
    return tuple(found)


def _with_own_pins(item: Item, number: int) -> Item:
    """The item as one occurrence sees it: only the pins of that occurrence apply."""
    own = [pin for pin in item.pins if pin.occurrence == number]
    return item if len(own) == len(item.pins) else item.model_copy(update={"pins": own})


def _stay_note(frame: Frame, item: Item, reasons: list[str]) -> str:
    """When arrivals or departures empty the item's windows: the stays, in words."""
    if not any(rules.STAY in reason for reason in reasons):
        return ""
    words = [frame.stay_words[a] for a in item.artists if a in frame.stay_words]
    return "; " + "; ".join(words) if words else ""


def _explain(item: Item, reasons: list[str]) -> str:
    title = item.title.en or item.title.fr
    chosen = [r for r in reasons if not r.endswith((": allowed venues", ": pinned venue"))]
    reasons = chosen or reasons
    shown = "; ".join(reasons[:4]) + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else "")
    return f"{title!r} fits in no venue: {shown or 'the festival has no venue'}"
