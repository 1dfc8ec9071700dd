"""One-to-one meetings (La Fabrique numérique): the spec section, its checks, its time grid.

A festival's `meetings` section asks for short private meetings between participants (the
spec's `artists`) at a venue with parallel tables. This module holds the models, the
located validation, and the plain-data grid the solver works on: the meeting venue's
hours cut into slots of the greatest common divisor of the meeting lengths (so a meeting
holds its own minutes, no more), and for every request the slots where all its
participants are free (availability, their own festival items with walking time, lunch).
No solver objects here: `scheduler/meetings.py` solves the grid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import gcd
from typing import TYPE_CHECKING, Any

from affiche.programmes import rules
from affiche.programmes.meetings_spec import (  # the spec's section, re-exported
    MAX_MINUTES,
    MIN_MINUTES,
    Lunch,
    MeetingRequest,
    Meetings,
    ParticipantKind,
    Priority,
)
from affiche.venues.model import Venue
from affiche.venues.timeutil import days_between, local_at

if TYPE_CHECKING:
    from affiche.programmes.model import Artist, Festival, Spec
    from affiche.programmes.schedule import Placement, Status

__all__ = [
    "MAX_MINUTES", "MIN_MINUTES", "Lunch", "MeetingRequest", "Meetings", "ParticipantKind",
    "Priority",
]

Loc = tuple[int | str, ...]
Problem = tuple[Loc, str]


def meeting_item_id(between: Iterable[str]) -> str:
    """The item id of the meeting between these participants (stable across solves)."""
    return "meet-" + "-".join(sorted(between))


# --- validation ---------------------------------------------------------------------------


def _request_problems(
    loc: Loc, request: MeetingRequest, known: set[str], banned: set[frozenset[str]]
) -> list[Problem]:
    problems: list[Problem] = [
        ((*loc, "between", index), f"unknown participant {who!r} (declare them in 'artists')")
        for index, who in enumerate(request.between)
        if who not in known
    ]
    seen: set[str] = set()
    for index, who in enumerate(request.between):
        if who in seen:
            problems.append(((*loc, "between", index), f"{who!r} cannot meet themself"))
        seen.add(who)
    for pair in banned:
        if pair <= set(request.between):
            a, b = sorted(pair)
            if request.priority is Priority.must:
                message = f"a must meeting between {a!r} and {b!r}, who are on do_not_meet"
            else:
                message = f"{a!r} and {b!r} are on do_not_meet: this wish can never be placed"
            problems.append(((*loc, "between"), message))
    return problems


def _venue_problems(loc: Loc, section: Meetings, festival: Festival) -> list[Problem]:
    venue = next((v for v in festival.venues if v.id == section.venue), None)
    if venue is None:
        return [((*loc, "venue"), f"unknown venue {section.venue!r} in this festival")]
    if venue.parallel <= 1:
        return [((*loc, "venue"), f"venue {venue.id!r} has parallel: {venue.parallel}: a "
                 "meeting area needs parallel > 1 (its number of tables)")]
    return []


def meeting_problems(spec: Spec) -> list[Problem]:
    """Every problem of every festival's `meetings` section, each at its field."""
    known = {artist.id for artist in spec.artists}
    problems: list[Problem] = []
    for f_index, festival in enumerate(spec.festivals):
        section = festival.meetings
        if section is None:
            continue
        loc: Loc = ("festivals", f_index, "meetings")
        problems += _venue_problems(loc, section, festival)
        banned: set[frozenset[str]] = set()
        for index, (a, b) in enumerate(section.do_not_meet):
            here = (*loc, "do_not_meet", index)
            problems += [((*here, n), f"unknown participant {who!r}")
                         for n, who in enumerate((a, b)) if who not in known]
            if a == b:
                problems.append((here, f"{a!r} is paired with themself"))
            banned.add(frozenset((a, b)))
        asked: dict[frozenset[str], int] = {}
        for index, request in enumerate(section.requests):
            here = (*loc, "requests", index)
            problems += _request_problems(here, request, known, banned)
            key = frozenset(request.between)
            if key in asked:
                problems.append(((*here, "between"), f"the same meeting as request "
                                 f"{asked[key]}: ask once (mutual: true when both asked)"))
            asked.setdefault(key, index)
    return problems


# --- the time grid ------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    day: date
    run: int  # slots of the same run are back to back (no lunch, closure or night between)


@dataclass
class GridRequest:
    """One request as the solver sees it: who, how many slots, the starts that fit."""

    index: int
    participants: tuple[str, ...]
    minutes: int
    length: int
    must: bool
    mutual: bool
    starts: list[int]
    reason: str = ""  # why `starts` is empty


@dataclass
class MeetingGrid:
    festival: str
    venue: str
    minutes: int  # the section's default meeting length
    tables: int
    max_in_a_row: int
    slots: list[Slot]
    requests: list[GridRequest]
    participants: list[str] = field(default_factory=list)
    taken: dict[int, int] = field(default_factory=dict)  # slot -> tables held by other items
    step: int = 0  # minutes per slot (the gcd of the lengths); 0: `minutes`
    # the previous (sent) agendas, for re-planning: request index -> its confirmed start
    # slot and table, when that start is still possible
    previous: dict[int, int] = field(default_factory=dict)
    previous_tables: dict[int, int] = field(default_factory=dict)

    def capacity(self, slot: int) -> int:
        """Tables free for meetings at `slot`."""
        return max(0, self.tables - self.taken.get(slot, 0))

    @property
    def slot_minutes(self) -> int:
        return self.step or self.minutes

    @property
    def rest(self) -> int:
        """Free slots that end a run of back-to-back meetings (one default length)."""
        return max(1, self.minutes // self.slot_minutes)

    @property
    def longest_run(self) -> int:
        """Slots a run of back-to-back meetings may span: max_in_a_row default lengths."""
        return self.max_in_a_row * self.rest


Interval = tuple[datetime, datetime]


def _open_windows(festival: Festival, venue: Venue) -> list[Interval]:
    if venue.open:
        return sorted((w.localized(festival.timezone).start, w.localized(festival.timezone).end)
                      for w in venue.open)
    windows = []
    for day in days_between(festival.start, festival.end):
        hours = venue.hours or festival.hours_by_day.get(day, festival.hours)
        start = local_at(day, hours.opens, festival.timezone)
        end = local_at(day, hours.closes, festival.timezone)
        if end <= start:
            end = local_at(day + timedelta(days=1), hours.closes, festival.timezone)
        windows.append((start, end))
    return windows


def _subtract(windows: list[Interval], holes: Iterable[Interval]) -> list[Interval]:
    result = list(windows)
    for hole_start, hole_end in holes:
        cut: list[Interval] = []
        for start, end in result:
            if hole_end <= start or hole_start >= end:
                cut.append((start, end))
                continue
            if start < hole_start:
                cut.append((start, hole_start))
            if hole_end < end:
                cut.append((hole_end, end))
        result = cut
    return result


def _breaks(festival: Festival, venue: Venue, section: Meetings) -> list[Interval]:
    holes = [(w.localized(festival.timezone).start, w.localized(festival.timezone).end)
             for w in venue.closures]
    if section.lunch is not None:
        for day in days_between(festival.start, festival.end):
            holes.append((local_at(day, section.lunch.start, festival.timezone),
                          local_at(day, section.lunch.end, festival.timezone)))
    return holes


def slot_minutes(section: Meetings) -> int:
    """The grid's step: the greatest common divisor of every meeting length, so that each
    meeting covers exactly its own minutes (a 30-minute one among 20-minute ones frees its
    table and people at half past, on a 10-minute grid)."""
    step = section.minutes
    for request in section.requests:
        step = gcd(step, request.minutes or section.minutes)
    return step


def meeting_slots(festival: Festival, section: Meetings) -> list[Slot]:
    """The venue's hours, minus closures and lunch, cut into slots of the grid's step."""
    venue = next(v for v in festival.venues if v.id == section.venue)
    runs = _subtract(_open_windows(festival, venue), _breaks(festival, venue, section))
    step = timedelta(minutes=slot_minutes(section))
    slots = []
    for run, (start, end) in enumerate(sorted(runs)):
        moment = start
        while moment + step <= end:
            day = rules.day_of(festival, moment)
            slots.append(Slot(moment, moment + step, day, run))
            moment += step
    return slots


def _free(windows: list[Interval] | None, busy: list[Interval], start: datetime,
          end: datetime) -> bool:
    if windows is not None and not any(ws <= start and end <= we for ws, we in windows):
        return False
    return not any(bs < end and start < be for bs, be in busy)


def busy_times(
    spec: Spec, festival: Festival, venue: str, placements: Iterable[Placement]
) -> dict[str, list[Interval]]:
    """Each artist's other commitments, widened by the way to the meeting area: their items
    in every festival of the spec (talks, stand duties, private ones such as a jury), all
    but this festival's meetings themselves. The way is the programme's rule
    (`rules.travel_minutes`: walking within a festival, travel between cities)."""
    from affiche.programmes.rules import travel_minutes

    travel = travel_minutes(spec)
    own = own_meeting_items(festival)
    busy: dict[str, list[Interval]] = {}
    for placement in placements:
        if placement.festival == festival.id and placement.item in own:
            continue
        walk = timedelta(minutes=travel.get((venue, placement.venue), 0))
        for artist in placement.artists:
            busy.setdefault(artist, []).append((placement.start - walk, placement.end + walk))
    return busy


def own_meeting_items(festival: Festival) -> set[str]:
    """The item ids of this festival's meetings (placements that are not commitments)."""
    section = festival.meetings
    return {meeting_item_id(r.between) for r in section.requests} if section else set()


def availability(artist: Artist, festival: Festival) -> list[Interval] | None:
    """The artist's availability as aware intervals; None: any time."""
    if not artist.availability:
        return None
    zone_name = artist.timezone or festival.timezone
    return [(w.localized(zone_name).start, w.localized(zone_name).end)
            for w in artist.availability]


def _starts(
    slots: list[Slot], length: int, minutes: int, people: tuple[str, ...],
    windows: dict[str, list[Interval] | None], busy: dict[str, list[Interval]],
) -> tuple[list[int], str]:
    spans = [s for s in range(len(slots) - length + 1)
             if slots[s + length - 1].run == slots[s].run]
    if not spans:
        return [], f"a {minutes}-minute meeting does not fit in the meeting area's hours"
    alone = {}
    for who in people:
        alone[who] = {s for s in spans if _free(
            windows.get(who), busy.get(who, []), slots[s].start,
            slots[s].start + timedelta(minutes=minutes))}
        if not alone[who]:
            return [], (f"{who} is never free during the meeting hours "
                        "(availability, own festival items and walking time)")
    common = sorted(set.intersection(*alone.values()))
    if not common:
        return [], f"{', '.join(people)} are never free at the same time during the meeting hours"
    return common, ""


def meeting_grid(
    spec: Spec, festival: Festival, placements: Iterable[Placement] = ()
) -> MeetingGrid:
    """The plain-data problem of one festival's meetings (the section must be valid)."""
    section = festival.meetings
    assert section is not None
    venue = next(v for v in festival.venues if v.id == section.venue)
    slots = meeting_slots(festival, section)
    step = slot_minutes(section)
    artists = {artist.id: artist for artist in spec.artists}
    windows = {who: availability(artist, festival) for who, artist in artists.items()}
    busy = busy_times(spec, festival, venue.id, placements)
    requests = []
    for index, request in enumerate(section.requests):
        minutes = request.minutes or section.minutes
        length = minutes // step
        people = tuple(request.between)
        starts, reason = _starts(slots, length, minutes, people, windows, busy)
        requests.append(GridRequest(index, people, minutes, length,
                                    request.priority is Priority.must, request.mutual,
                                    starts, reason))
    participants = sorted({who for r in section.requests for who in r.between})
    return MeetingGrid(festival.id, venue.id, section.minutes, venue.parallel,
                       section.max_in_a_row, slots, requests, participants,
                       _taken(festival, venue.id, slots, placements), step)


def _taken(festival: Festival, venue: str, slots: list[Slot],
           placements: Iterable[Placement]) -> dict[int, int]:
    """Tables of the meeting area held, slot by slot, by the programme's own items there."""
    taken: dict[int, int] = {}
    here = [p for p in placements if p.festival == festival.id and p.venue == venue
            and not getattr(p, "private", False)]
    for index, slot in enumerate(slots):
        count = sum(p.start < slot.end and slot.start < p.end for p in here)
        if count:
            taken[index] = count
    return taken


def set_previous(grid: MeetingGrid, placements: Iterable[Placement]) -> tuple[int, int]:
    """Record the previous agendas' meetings (a `meetings/schedule.json`'s placements) that
    are still asked for at a start still possible, so that the solve moves as few as it
    can. Returns (recorded, confirmed meetings in the previous agendas)."""
    by_item = {meeting_item_id(r.participants): r for r in grid.requests}
    slot_at = {slot.start: index for index, slot in enumerate(grid.slots)}
    grid.previous, grid.previous_tables = {}, {}
    confirmed = 0
    for placement in placements:
        if placement.festival != grid.festival:
            continue
        confirmed += 1
        request = by_item.get(placement.item)
        start = slot_at.get(placement.start)
        if request is None or start is None or start not in request.starts:
            continue
        grid.previous[request.index] = start
        if placement.table is not None:
            grid.previous_tables[request.index] = placement.table
    return len(grid.previous), confirmed


def meeting_sections(spec: Spec) -> list[Festival]:
    return [festival for festival in spec.festivals if festival.meetings is not None]


def request_rows_to_section(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a b2match-style `requests` sheet (requester, requested, priority) as spec
    requests: two rows asking for the same pair become one mutual request (the stronger
    priority wins)."""
    merged: dict[frozenset[str], dict[str, Any]] = {}
    for row in rows:
        a, b = str(row.get("requester", "")).strip(), str(row.get("requested", "")).strip()
        priority = str(row.get("priority") or "wish").strip().lower()
        key = frozenset((a, b))
        if key in merged and a != b:
            known = merged[key]
            known["mutual"] = known["mutual"] or known["between"][0] != a
            if priority == "must":
                known["priority"] = "must"
            continue
        merged[key] = {"between": [a, b], "priority": priority, "mutual": False}
    return list(merged.values())


# ---- a solve's answer, as plain data (scheduler/meetings.py fills it) ----


@dataclass
class MeetingSolution:
    status: Status
    starts: dict[int, int]  # request index -> first slot
    tables: dict[int, int] = field(default_factory=dict)  # request index -> table (1-based)
    unplaced: dict[int, str] = field(default_factory=dict)  # request index -> reason
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None  # of the wish stage (the floor held)
    idle_gap: float | None = None  # of the idle stage (floor and wishes held)
    floor: int = 0
    idle_slots: int = 0
    kept: int = 0  # re-planning: previous meetings at their previous start
    wall_seconds: float = 0.0
    first_solution_seconds: float | None = None  # CP-SAT's first
    first_agenda_seconds: float | None = None  # the first complete agenda (greedy or CP-SAT)
    notes: list[str] = field(default_factory=list)
    # "all placed"; "infeasible": proven that the musts cannot all be placed (the
    # unplaced ones say why); "not proven": some unplaced, without a proof
    musts: str = "all placed"
