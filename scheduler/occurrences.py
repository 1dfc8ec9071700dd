"""What the solver places, as plain data in grains: occurrences, their options, days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from affiche.scheduler.spans import Spans

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Option:
    """A venue an occurrence may use, and the spans (grains) it must fit inside there:
    one span per window (touching windows stay apart, see `programmes/rules.py`)."""

    venue: str
    spans: Spans


@dataclass(frozen=True)
class Occurrence:
    uid: str
    festival: str
    item: str
    number: int
    duration: int
    installation: bool
    artists: tuple[str, ...]
    bound_artists: tuple[str, ...]
    options: tuple[Option, ...]
    preferred_venues: frozenset[str] = frozenset()
    preferred_spans: Spans = ()
    tags: tuple[str, ...] = ()
    priority: int = 3
    headliner: bool = False
    pinned: bool = False
    slot_days: tuple[int, ...] = ()  # installations: the programme days (indexes) they
    # hold a slot (`rules.installation_days`)
    setup: int = 0  # installations: grains their artists set up before they first open
    setup_artists: tuple[str, ...] = ()  # who that set-up books (`rules.books_setup`)
    prime: tuple[tuple[str, Spans], ...] = ()  # a headliner's spans inside prime time, by venue


@dataclass(frozen=True)
class Day:
    """A programme day of a festival: [start, end) in grains."""

    festival: str
    date: date
    start: int
    end: int


@dataclass(frozen=True)
class Unplaceable:
    """An occurrence that fits nowhere even before solving, and why."""

    uid: str
    item: str
    loc: Loc
    reason: str
