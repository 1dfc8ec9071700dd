"""Grid-shaped instances that both affiche and PyCon UK's conference_scheduler can express.

The events and their speakers are the first N timed events of a programme: FOSDEM 2026 by
default (a seeded synthetic conference when the data is missing), or any file the loader
reads (`grid/160@talks.xml`; `grid@programme.yaml` takes all its events of at most an
hour). The grid is R rooms x 4 days x K slots from 09:00, with about 25 % spare slots: 5
rooms while K fits in a 09:00-21:00 day, more beyond. Slots last an hour when enough events
fit one; else the shortest length, in half-hour steps, that the N wanted events fit (a
programme of workshops gets longer slots: conference_scheduler puts an event only in a
slot at least as long); the first N events in file order that fit are taken.
Every event takes exactly one slot; two events sharing a speaker may not run at the same
time. For affiche the grid becomes a spec with slot-long items, slot-long grains (at most
an hour), no walking time and every soft weight at 0 (pure feasibility, as
conference_scheduler without an objective), so both solve exactly the same problem; the
same checker (`violations`) counts hard violations in both answers.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from affiche.programmes.model import Spec

ROOMS = 5  # at least
DAYS = 4
LAST_HOUR = 21
SLOT_MINUTES = 60
FIRST_HOUR = 9
SPARE = 1.25
FIRST_DAY = date(2027, 2, 6)
SOURCE = "fosdem-2026.xml"
CACHE = Path(__file__).resolve().parent / "results" / "instances"


@dataclass(frozen=True)
class GridEvent:
    id: str
    persons: tuple[str, ...]
    minutes: int = SLOT_MINUTES


@dataclass(frozen=True)
class Grid:
    events: tuple[GridEvent, ...]
    slots_per_day: int
    source: str
    room_count: int = ROOMS
    slot_minutes: int = SLOT_MINUTES

    @property
    def rooms(self) -> list[str]:
        return [f"room-{n}" for n in range(self.room_count)]

    @property
    def days(self) -> list[date]:
        return [FIRST_DAY + timedelta(days=n) for n in range(DAYS)]

    def slots(self) -> list[tuple[str, datetime]]:
        """(room, naive UTC start) of every slot, in a fixed order."""
        return [
            (room, datetime.combine(day, datetime.min.time())
             + timedelta(minutes=FIRST_HOUR * 60 + k * self.slot_minutes))
            for day in self.days
            for room in self.rooms
            for k in range(self.slots_per_day)
        ]


def _events_of(path: Path) -> list[GridEvent]:
    """The timed events (not installations) of any programme the loader reads (frab XML or
    JSON, pretalx, a spec), in file order."""
    from affiche.programmes.loader import load_specs

    spec = load_specs([path]).spec
    return [
        GridEvent(item.id, tuple(item.artists), item.duration)
        for festival in spec.festivals
        for item in festival.items
        if item.duration and not item.is_installation
    ]


def _synthetic_events(count: int, seed: int = 1) -> list[GridEvent]:
    rng = random.Random(seed)
    persons = [f"p{n}" for n in range(max(2, count * 3 // 4))]
    return [
        GridEvent(f"e{n}", tuple(rng.sample(persons, rng.choice([1, 1, 2])))) for n in range(count)
    ]


def slot_minutes_for(events: list[GridEvent], wanted: int) -> int:
    """The shortest slot, an hour or more in half-hour steps, that `wanted` events fit."""
    lengths = sorted(max(SLOT_MINUTES, math.ceil(e.minutes / 30) * 30) for e in events)
    return lengths[wanted - 1]


def _first_that_fit(events: list[GridEvent], count: int | None) -> list[GridEvent]:
    """The first `count` events (None: all of them that fit an hour, or else the shortest)
    in file order, among those that fit the shortest slot that many fit."""
    wanted = count if count is not None else max(
        1, sum(e.minutes <= SLOT_MINUTES for e in events))
    if len(events) < wanted or not events:
        raise ValueError(f"{len(events)} timed events, {wanted} wanted")
    minutes = slot_minutes_for(events, wanted)
    return [e for e in events if e.minutes <= minutes][:wanted]


def _build_grid(count: int | None, source: Path | None) -> Grid:
    """The first `count` timed events of `source` (default: FOSDEM 2026 in shared data,
    else a synthetic conference) on a grid with about 25 % spare slots."""
    from benchmarks.instances import data_dir

    path = source or data_dir() / "schedules" / SOURCE
    if source is not None or path.is_file():
        try:
            events = _first_that_fit(_events_of(path), count)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        described = f"first {len(events)} events of {path.name}"
    else:
        wanted = count or 160
        events, described = _synthetic_events(wanted), f"synthetic conference, {wanted} events"
    minutes = slot_minutes_for(events, len(events))
    fit_in_a_day = (LAST_HOUR - FIRST_HOUR) * 60 // minutes
    if fit_in_a_day < 1:
        longest = max(events, key=lambda e: e.minutes)
        raise ValueError(f"{longest.id} lasts {longest.minutes} min: longer than a grid day "
                         f"({FIRST_HOUR}:00-{LAST_HOUR}:00)")
    slots = math.ceil(len(events) * SPARE)
    rooms = max(ROOMS, math.ceil(slots / (DAYS * fit_in_a_day)))
    per_day = min(fit_in_a_day, max(2, math.ceil(slots / (rooms * DAYS))))
    return Grid(tuple(events), per_day, described, rooms, minutes)


def _cache_file(count: int | None, source: Path | None) -> Path:
    key = f"v4|{count}|{source.resolve() if source else SOURCE}"
    if source is not None and source.is_file():
        key += f"|{source.stat().st_mtime_ns}|{source.stat().st_size}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return CACHE / f"grid-{count or 'all'}-{digest}.json"


def make_grid(count: int | None, source: Path | None = None) -> Grid:
    """The grid, read from a JSON copy once built: the harness builds it in its own
    process, so each timed run (ours and the peer's) only reads a small file, as a
    user's run would read their programme."""
    cached = _cache_file(count, source)
    if cached.is_file():
        return grid_from_json(json.loads(cached.read_text(encoding="utf-8")))
    grid = _build_grid(count, source)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_text(json.dumps(grid_to_json(grid)), encoding="utf-8")
    partial.replace(cached)
    return grid


def grid_to_json(grid: Grid) -> dict[str, Any]:
    return {"source": grid.source, "slots_per_day": grid.slots_per_day, "rooms": grid.room_count,
            "slot_minutes": grid.slot_minutes,
            "events": [{"id": e.id, "persons": list(e.persons), "minutes": e.minutes}
                       for e in grid.events]}


def grid_from_json(data: dict[str, Any]) -> Grid:
    events = tuple(GridEvent(e["id"], tuple(e["persons"]), int(e["minutes"]))
                   for e in data["events"])
    return Grid(events, int(data["slots_per_day"]), str(data["source"]), int(data["rooms"]),
                int(data["slot_minutes"]))


def grid_spec_data(grid: Grid) -> dict[str, Any]:
    closing = FIRST_HOUR * 60 + grid.slots_per_day * grid.slot_minutes
    closes = f"{closing // 60:02d}:{closing % 60:02d}"
    persons = sorted({p for event in grid.events for p in event.persons})
    festival = {
        "id": f"grid-{len(grid.events)}",
        "name": f"Grid conference ({grid.source})",
        "city": "Brussels",
        "timezone": "UTC",
        "start": grid.days[0].isoformat(),
        "end": grid.days[-1].isoformat(),
        "hours": {"opens": f"{FIRST_HOUR:02d}:00", "closes": closes},
        "default_walking_minutes": 0,
        "venues": [{"id": room, "name": room, "changeover_minutes": 0} for room in grid.rooms],
        "items": [
            {"id": event.id, "kind": "talk", "title": event.id,
             "duration": grid.slot_minutes, "artists": list(event.persons)}
            for event in grid.events
        ],
    }
    zero = {name: 0 for name in ("preferred_venue", "preferred_hours", "audience_clash",
                                 "hotel_nights", "repeat_same_day", "moved")}
    return {
        "festivals": [festival],
        "artists": [{"id": p, "name": p} for p in persons],
        "solver": {"grain_minutes": math.gcd(grid.slot_minutes, 60), "weights": zero},
    }


def grid_spec(grid: Grid) -> Spec:
    return Spec.model_validate(grid_spec_data(grid))


def clashing_pairs(grid: Grid) -> list[tuple[int, int]]:
    """Pairs of events (indices) that share a person."""
    return [
        (i, j)
        for (i, a), (j, b) in combinations(enumerate(grid.events), 2)
        if set(a.persons) & set(b.persons)
    ]


def violations(grid: Grid, assignment: dict[int, list[int]]) -> int:
    """Hard violations of an answer (event index -> slot indices; -1: not on the grid)."""
    slots = grid.slots()
    count = sum(1 for e in range(len(grid.events)) if len(assignment.get(e, [])) != 1)
    used: dict[int, int] = {}
    for chosen in assignment.values():
        for slot in chosen:
            count += slot < 0
            used[slot] = used.get(slot, 0) + 1
    count += sum(n - 1 for slot, n in used.items() if slot >= 0 and n > 1)
    for i, j in clashing_pairs(grid):
        times_i = {slots[s][1] for s in assignment.get(i, []) if s >= 0}
        times_j = {slots[s][1] for s in assignment.get(j, []) if s >= 0}
        count += len(times_i & times_j)
    return count


def affiche_assignment(grid: Grid, chosen: dict[str, Any]) -> dict[int, list[int]]:
    """Our placements (uid -> Chosen) as grid slots."""
    index = {(room, start): n for n, (room, start) in enumerate(grid.slots())}
    by_item = {event.id: n for n, event in enumerate(grid.events)}
    assignment: dict[int, list[int]] = {}
    for uid, place in chosen.items():
        item = uid.split(".")[1]
        start = place.start.astimezone(UTC).replace(tzinfo=None)
        assignment.setdefault(by_item[item], []).append(index.get((place.venue, start), -1))
    return assignment


def solve_with_conference_scheduler(grid: Grid, time_limit: float) -> dict[str, Any]:
    """Build the same grid for conference_scheduler, solve it with CBC, count violations."""
    import pulp
    from conference_scheduler import scheduler
    from conference_scheduler.resources import Event, Slot

    slots = [
        Slot(venue=room, starts_at=start, duration=grid.slot_minutes, capacity=100,
             session=f"{start.date()}-{room}")
        for room, start in grid.slots()
    ]
    events = [Event(name=e.id, duration=e.minutes, demand=0) for e in grid.events]
    for i, j in clashing_pairs(grid):
        events[i].add_unavailability(events[j])
        events[j].add_unavailability(events[i])
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)
    started = time.perf_counter()
    try:
        solution = scheduler.solution(events, slots, solver=solver)
    except ValueError:
        return {"status": "no solution", "violations": None}
    solve_s = time.perf_counter() - started
    assignment: dict[int, list[int]] = {}
    for event, slot in solution:
        assignment.setdefault(event, []).append(slot)
    return {"status": "feasible", "solver_wall_s": solve_s,
            "violations": violations(grid, assignment)}
