"""Hard constraint families that link occurrences (the unary ones are in `domains.py`).

One function per family; each adds its constraints and returns nothing.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ortools.sat.python import cp_model

from affiche.programmes import rules
from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem, timed_by_item
from affiche.scheduler.variables import Literal, Variables


def _literals(*values: int | cp_model.IntVar) -> list[cp_model.IntVar]:
    """The real literals among `values` (constant trues are left out)."""
    return [v for v in values if not isinstance(v, int)]


def add_placement(problem: Problem, v: Variables) -> None:
    """Each occurrence is placed in exactly one venue (or, if allowed, reported unplaced)."""
    for occ in problem.occurrences:
        presences = [v.is_at(occ.uid, o.venue) for o in occ.options]
        if len(presences) == 1 and isinstance(presences[0], int):
            continue
        v.model.add(sum(presences) == v.is_placed(occ.uid))


def add_venue_no_overlap(problem: Problem, v: Variables) -> None:
    """A venue holds at most `parallel` timed items at once (`rules.at_once`), each from
    its start to its end plus the venue's changeover (`rules.held_until`): no-overlap for
    one, a cumulative of capacity N for N. Since each interval carries its changeover,
    the cumulative is exactly N lanes with a changeover after each item in its lane
    (intervals that never exceed N at once can always be dealt to N lanes)."""
    by_venue = defaultdict(list)
    for occ in problem.occurrences:
        for option in occ.options:
            interval = v.venue_interval(occ.uid, option.venue)
            if interval is not None:
                by_venue[option.venue].append(interval)
    for venue, intervals in by_venue.items():
        capacity = problem.venues[venue].parallel
        if len(intervals) <= capacity:
            continue
        if capacity == 1:
            v.model.add_no_overlap(intervals)
        else:
            v.model.add_cumulative(intervals, [1] * len(intervals), capacity)


def add_installation_slots(problem: Problem, v: Variables) -> None:
    """A site hosts at most as many installations as it has slots on each programme day,
    counting those that hold a slot that day (`rules.installation_days`): installations
    on days that do not meet share a slot. Days with the same installations are one
    constraint."""
    by_venue: dict[str, list[tuple[Occurrence, Literal]]] = defaultdict(list)
    for occ in problem.occurrences:
        if occ.installation:
            for option in occ.options:
                by_venue[option.venue].append((occ, v.is_at(occ.uid, option.venue)))
    for venue, held in by_venue.items():
        slots = problem.venues[venue].installation_slots
        days = sorted({d for occ, _ in held for d in occ.slot_days})
        groups = {tuple(n for n, (occ, _) in enumerate(held) if d in occ.slot_days)
                  for d in days}
        for group in groups:
            if len(group) > slots:
                v.model.add(sum(held[n][1] for n in group) <= slots)


def artist_occurrences(problem: Problem) -> dict[str, list[Occurrence]]:
    """The timed occurrences each artist is bound to (`rules.books_artist`)."""
    by_artist = defaultdict(list)
    for occ in problem.occurrences:
        for artist in occ.bound_artists:
            by_artist[artist].append(occ)
    return by_artist


def _travel_expression(
    problem: Problem, v: Variables, first: Occurrence, second: Occurrence
) -> cp_model.LinearExpr | int:
    """The travel time between the venues the two occurrences end up in.

    Constant when every pair of candidate venues is as far apart (or the two share no
    candidate venue); `T - T * same_venue` when all distinct venues are equally far (the
    common case of a festival-wide walking time), `same_venue` being the other's literal
    for the one venue when one of them has only one; else read from a table by an element
    constraint.
    """
    apart = problem.travel_values(first.festival, second.festival)
    shared = _shared_venues(first, second)
    if len(apart) == 1 and (first.festival != second.festival or not shared):
        return next(iter(apart))  # never in one venue: always that far apart
    if len(apart) == 1:
        distance = next(iter(apart))
        if len(first.options) == 1 or len(second.options) == 1:
            # in the same venue exactly when the other one is in the one venue this one has
            (venue,) = shared
            other = second if len(first.options) == 1 else first
            return distance - distance * v.is_at(other.uid, venue)
        same = v.model.new_bool_var(f"same_venue[{first.uid},{second.uid}]")
        v.model.add(v.venue_code(first.uid) == v.venue_code(second.uid)).only_enforce_if(same)
        return distance - distance * same
    table = [
        problem.travel_between(a.venue, b.venue) for a in first.options for b in second.options
    ]
    if min(table) == max(table):
        return table[0]
    choice = v.model.new_int_var(0, len(table) - 1, f"venues[{first.uid},{second.uid}]")
    v.model.add(
        choice == v.venue_index(first.uid) * len(second.options) + v.venue_index(second.uid)
    )
    travel = v.model.new_int_var(min(table), max(table), f"travel[{first.uid},{second.uid}]")
    v.model.add_element(choice, table, travel)
    return travel


def _shared_venues(first: Occurrence, second: Occurrence) -> set[str]:
    return {o.venue for o in first.options} & {o.venue for o in second.options}


def _add_travel_pair(
    problem: Problem, v: Variables, first: Occurrence, second: Occurrence, rest: int = 0
) -> None:
    """Between two items of one artist, the travel time between their venues, and the
    artist's rest (`min_rest_minutes`) on top."""
    travel = _travel_expression(problem, v, first, second) + rest
    first_before = v.model.new_bool_var(f"order[{first.uid},{second.uid}]")
    both = _literals(v.is_placed(first.uid), v.is_placed(second.uid))
    v.model.add(v.start_of(second.uid) >= v.end_of(first.uid) + travel).only_enforce_if(
        [first_before, *both]
    )
    v.model.add(v.start_of(first.uid) >= v.end_of(second.uid) + travel).only_enforce_if(
        [~first_before, *both]
    )


def add_artist_no_overlap(problem: Problem, v: Variables) -> None:
    """An artist is in one place at a time, with walking or travel time between venues.

    Artists who share items share constraints: one no-overlap per set of occurrences, and
    one travel constraint per pair of occurrences, with the longest rest of their artists
    (which implies the others')."""
    sets: set[tuple[str, ...]] = set()
    pairs: dict[tuple[str, str], tuple[Occurrence, Occurrence, int]] = {}
    for artist, occurrences in artist_occurrences(problem).items():
        if len(occurrences) < 2:
            continue
        rest = problem.limits.get(artist, (None, 0))[1]
        uids = tuple(sorted(occ.uid for occ in occurrences))
        if uids not in sets:
            sets.add(uids)
            v.model.add_no_overlap([v.busy_interval(occ.uid) for occ in occurrences])
        for first, second in combinations(occurrences, 2):
            travel = max(problem.travel_values(first.festival, second.festival)) + rest
            if travel == 0:
                continue
            (start_a, end_a), (start_b, end_b) = problem.reach(first), problem.reach(second)
            if end_a + travel <= start_b or end_b + travel <= start_a:
                continue
            key = (first.uid, second.uid) if first.uid < second.uid else (second.uid, first.uid)
            if key not in pairs or pairs[key][2] < rest:
                pairs[key] = (first, second, rest)
    for first, second, rest in pairs.values():
        _add_travel_pair(problem, v, first, second, rest)


def add_artist_per_day(problem: Problem, v: Variables) -> None:
    """An artist with `max_per_day` has at most that many items on one programme day."""
    for artist, occurrences in artist_occurrences(problem).items():
        most = problem.limits.get(artist, (None, 0))[0]
        if most is None or len(occurrences) <= most:
            continue
        on_day: dict[tuple[str, int], list[cp_model.IntVar | int]] = defaultdict(list)
        for occ in occurrences:
            day = v.day_of(occ.uid)
            placed = v.is_placed(occ.uid)
            for index in _possible_days(problem, occ):
                if isinstance(day, int):
                    on_day[(occ.festival, index)].append(placed if day == index else 0)
                    continue
                here = v.model.new_bool_var(f"on_day[{artist},{occ.uid},{index}]")
                v.model.add(day == index).only_enforce_if(here)
                v.model.add(day != index).only_enforce_if([~here, *_literals(placed)])
                if not isinstance(placed, int):
                    v.model.add_implication(here, placed)
                on_day[(occ.festival, index)].append(here)
        for counted in on_day.values():
            if all(isinstance(c, int) for c in counted) and sum(counted) > most:
                v.model.add_bool_or([])  # fixed on one day by the domains: cannot hold
            elif len(counted) > most:
                v.model.add(sum(counted) <= most)


def _possible_days(problem: Problem, occ: Occurrence) -> list[int]:
    first, last = problem.reach(occ)
    return [index for index, day in enumerate(problem.days[occ.festival])
            if day.start <= last - occ.duration and day.end > first]


def add_running_orders(problem: Problem, v: Variables) -> None:
    """Running orders: the next item starts when the one before ends plus the changeover
    (`rules.back_to_back`); the stage and day are domain filters (`domains.py`)."""
    known = {occ.uid for occ in problem.occurrences if not occ.installation}
    for first, then, changeover in problem.sequences:
        if first in known and then in known:
            both = _literals(v.is_placed(first), v.is_placed(then))
            v.model.add(v.start_of(then) == v.end_of(first) + changeover).only_enforce_if(both)


def add_order_relations(problem: Problem, v: Variables) -> None:
    """'after': start after the other's end. 'same_day': on the same programme day.
    'not_same_day': never on one day. Which occurrences pair up: `rules.related_pairs`."""
    items = timed_by_item(problem)
    for relation in problem.relations:
        mine = {o.number: o for o in items.get(relation.item, [])}
        theirs = {o.number: o for o in items.get(relation.other, [])}
        for a, b in rules.related_pairs(relation.kind, mine, theirs):
            both = _literals(v.is_placed(a.uid), v.is_placed(b.uid))
            if relation.kind == rules.AFTER:
                v.model.add(v.start_of(a.uid) >= v.end_of(b.uid)).only_enforce_if(both)
            elif relation.kind == rules.SAME_DAY:
                v.model.add(v.day_of(a.uid) == v.day_of(b.uid)).only_enforce_if(both)
            else:
                v.model.add(v.day_of(a.uid) != v.day_of(b.uid)).only_enforce_if(both)


def add_links(problem: Problem, v: Variables) -> None:
    """`before`/`after` links (`rules.Linked`): the gap between the linked item and its
    item within [low, high] minutes, and (`same_venue`) in the same venue. Pairs:
    `rules.linked_pairs`."""
    items = timed_by_item(problem)
    grain = problem.clock.minutes
    for link in problem.links:
        mine = {o.number: o for o in items.get(link.item, [])}
        theirs = {o.number: o for o in items.get(link.other, [])}
        for a, b in rules.linked_pairs(link, mine, theirs):
            both = _literals(v.is_placed(a.uid), v.is_placed(b.uid))
            if link.side == rules.LINKED_BEFORE:
                gap = v.start_of(b.uid) - v.end_of(a.uid)
            else:
                gap = v.start_of(a.uid) - v.end_of(b.uid)
            v.model.add(gap >= -(-link.low // grain)).only_enforce_if(both)
            if link.high is not None:
                v.model.add(gap <= link.high // grain).only_enforce_if(both)
            if link.same_venue:
                _same_venue(v, a, b, both)


def _same_venue(v: Variables, a: Occurrence, b: Occurrence, both: list[cp_model.IntVar]) -> None:
    """a in b's venue (codes equal: a venue b cannot use is out for a)."""
    v.model.add(v.venue_code(a.uid) == v.venue_code(b.uid)).only_enforce_if(both)


Setup = tuple[str, int, int, Literal]  # venue, start, end (grains), present


def setup_intervals(problem: Problem, v: Variables) -> dict[str, list[Setup]]:
    """Each artist's installation set-ups: (venue, start, end, present) per site the
    installation may get, `setup` grains before it first opens there (`rules.setup_window`)."""
    found: dict[str, list[Setup]] = defaultdict(list)
    for occ in problem.occurrences:
        if not occ.installation or not occ.setup:
            continue
        for option in occ.options:
            opens = option.spans[0][0]
            for artist in occ.setup_artists:
                found[artist].append(
                    (option.venue, opens - occ.setup, opens, v.is_at(occ.uid, option.venue))
                )
    return found


def add_installation_setup(problem: Problem, v: Variables) -> None:
    """An installation's artists set it up before it first opens: no other item of theirs
    then, with walking or travel time between it and their other venues."""
    timed = artist_occurrences(problem)
    for artist, setups in setup_intervals(problem, v).items():
        intervals = [v.busy_interval(occ.uid) for occ in timed.get(artist, [])]
        for venue, start, end, present in setups:
            name = f"setup[{artist},{venue},{start}]"
            if isinstance(present, int):
                if present:
                    intervals.append(v.model.new_fixed_size_interval_var(start, end - start, name))
            else:
                intervals.append(v.model.new_optional_fixed_size_interval_var(
                    start, end - start, present, name))
            for occ in timed.get(artist, []):
                _setup_travel(problem, v, occ, (venue, start, end, present))
        if len(intervals) > 1:
            v.model.add_no_overlap(intervals)


def _setup_travel(
    problem: Problem, v: Variables, occ: Occurrence, setup: Setup
) -> None:
    """Between a set-up at `venue` and another item of the artist, the travel time."""
    venue, start, end, present = setup
    low, high = problem.reach(occ)
    for option in occ.options:
        travel = max(problem.travel_between(option.venue, venue),
                     problem.travel_between(venue, option.venue))
        if not travel or high + travel <= start or end + travel <= low:
            continue
        when = _literals(v.is_placed(occ.uid), v.is_at(occ.uid, option.venue), present)
        first = v.model.new_bool_var(f"before_setup[{occ.uid},{venue},{start}]")
        v.model.add(v.end_of(occ.uid) + travel <= start).only_enforce_if([first, *when])
        v.model.add(v.start_of(occ.uid) >= end + travel).only_enforce_if([~first, *when])


def add_repeat_order(problem: Problem, v: Variables) -> None:
    """Occurrences of one item are interchangeable: number them in time order
    (symmetry breaking; skipped for pinned items, whose numbers mean something)."""
    for occurrences in timed_by_item(problem).values():
        if any(o.pinned or o.uid in problem.previous for o in occurrences):
            continue
        for earlier, later in zip(occurrences, occurrences[1:], strict=False):
            both = _literals(v.is_placed(earlier.uid), v.is_placed(later.uid))
            v.model.add(v.start_of(later.uid) >= v.start_of(earlier.uid)).only_enforce_if(both)


HARD_FAMILIES = [
    add_placement,
    add_venue_no_overlap,
    add_installation_slots,
    add_artist_no_overlap,
    add_order_relations,
    add_links,
    add_installation_setup,
    add_repeat_order,
    add_artist_per_day,
    add_running_orders,
]
