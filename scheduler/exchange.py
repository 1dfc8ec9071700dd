"""Exchanges in a complete greedy programme. Shortening artists' stays: move an occurrence
from the first or last day of its artist's stay to a day in between, into free time there
or into the place of another occurrence, which takes its place in exchange. Trading for
cheaper starts (`trade_for_cheaper_starts`): an occurrence that costs something where it
is takes the place of one of its duration and another audience, which takes its place.

The greedy pass places each occurrence once, against what is placed so far: an artist's
first items go wherever their audience is free, and a night between them (4) is dearer
than a few minutes of overlap only once those are placed. Where audiences are
oversubscribed every day, overlap is forced anyway, and an exchange of two occurrences of
one duration and audience moves the artist without changing it. Every move is priced by
the soft families' marginals (`MarginalCost`, the same terms) and kept only if it costs
less; the greedy's own checks (`Greedy._fits_at`, `_earliest`, `_next_repeat`) keep every
hard rule, so the programme stays feasible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Protocol

from affiche.scheduler.marginal import MarginalCost
from affiche.scheduler.occurrences import Occurrence, Option
from affiche.scheduler.problem import Problem

PARTNERS = 24  # exchange partners priced per occurrence and day, the likeliest first
GROUP = 3  # occurrences of one stay's first or last day moved together, at most
SWEEPS = 6  # over the stays that cost nights, at most

Undo = Callable[[], None]
Step = Callable[[], bool]  # one move tried: whether it changed the programme


class Greedy(Protocol):
    """What shortening needs of the greedy pass (`greedy.Greedy`, which calls it): the
    programme, its costs, and the pass's own moves and checks of the hard rules."""

    problem: Problem
    placed: dict[str, tuple[str, int]]
    costs: MarginalCost
    by_item: dict[str, list[Occurrence]]
    work: int

    def interchangeable(self, item: str) -> bool: ...
    def _movable(self, occ: Occurrence) -> bool: ...
    def _out_of_time(self) -> bool: ...
    def _take(self, occ: Occurrence, venue: str, start: int) -> None: ...
    def _release(self, occ: Occurrence) -> tuple[str, int]: ...
    def _earliest(self, occ: Occurrence) -> int: ...
    def _next_repeat(self, occ: Occurrence) -> int | None: ...
    def _artists_may_be_free(self, occ: Occurrence, start: int) -> bool: ...
    def _fits_at(self, occ: Occurrence, option: Option, start: int) -> bool: ...
    def _cheapest(
        self, occ: Occurrence, earliest: int, latest: int | None
    ) -> tuple[int, int, str] | None: ...

# (festival, day index) -> the occurrences there, each with the venues it may use
ByDay = dict[tuple[str, int], list[tuple[Occurrence, frozenset[str]]]]


def sweep(greedy: Greedy, work: int, sweeps: int, steps: Callable[[], Iterable[Step]]) -> int:
    """Take the steps of each sweep (`steps()` lists them as the sweep begins; each says
    whether it changed the programme) until a sweep changes nothing, `sweeps` have run,
    `work` more placement checks are done, or the greedy's deadline has passed. Returns how
    many steps changed the programme."""
    budget = greedy.work + work
    changes = 0
    for _ in range(sweeps):
        changed = 0
        for step in steps():
            if greedy.work > budget or greedy._out_of_time():
                return changes + changed
            changed += step()
        changes += changed
        if not changed:
            break
    return changes


def shorten_stays(greedy: Greedy, work: int, sweeps: int = SWEEPS) -> int:
    """Moves and exchanges that shorten stays, while each lowers the cost (`sweep`).
    Returns how many stays were shortened."""
    movable = {occ.uid: occ for occ in greedy.problem.occurrences if greedy._movable(occ)}
    if not movable or not greedy.problem.weights.hotel_nights:
        return 0

    def steps() -> Iterator[Step]:
        on_day = _by_day(greedy, movable)
        for group, targets in _ends_of_stays(greedy, movable):
            yield partial(_move_inward, greedy, group, targets, on_day)

    return sweep(greedy, work, sweeps, steps)


def _stay_days(greedy: Greedy) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(day, uid) of each artist's timed occurrences at each festival."""
    problem = greedy.problem
    days: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for occ in problem.occurrences:
        if occ.installation or occ.uid not in greedy.placed:
            continue
        day = greedy.costs.day(occ, greedy.placed[occ.uid][1])
        if day is not None:
            for artist in occ.bound_artists:
                days[(artist, occ.festival)].append((day, occ.uid))
    return days


def _ends_of_stays(
    greedy: Greedy, movable: dict[str, Occurrence]
) -> list[tuple[list[Occurrence], list[int]]]:
    """The occurrences on the first or last day of each stay that costs nights (at most
    GROUP, all movable), with the days they could move to that shorten the stay (the
    artist's other days first, nearest the middle)."""
    found = []
    for (_artist, _festival), held in _stay_days(greedy).items():
        days = sorted(day for day, _ in held)
        if days[0] == days[-1]:
            continue
        for end in (days[0], days[-1]):
            there = [uid for day, uid in held if day == end]
            if len(there) > GROUP or any(uid not in movable for uid in there):
                continue
            rest = [d for d in days if d != end]
            low, high = min(rest), max(rest)
            targets = sorted(range(low, high + 1),
                             key=lambda d: (d not in rest, abs(d - (low + high) / 2)))
            found.append(([movable[uid] for uid in there], targets))
    return found


def _move_inward(
    greedy: Greedy, group: list[Occurrence], targets: list[int],
    on_day: ByDay,
) -> bool:
    """Move each of `group` to one of `targets` (day indices), each the cheapest way found
    (into free time, or in exchange with an occurrence there), if together that costs
    less; False (and nothing changed) if not."""
    if any(o.uid not in greedy.placed for o in group):
        return False
    done: list[Undo] = []
    added = 0
    for occ in group:
        found = sorted((option for day in targets
                        for option in _relocations(greedy, occ, day, on_day)),
                       key=lambda option: option[0])  # stable: the first of equals first
        chosen = next((option for option in found if option[2]()), None)
        if chosen is None:
            break
        added += chosen[0]
        done.append(chosen[1]())
    if len(done) == len(group) and added < 0:
        return True
    for undo in reversed(done):
        undo()
    return False


# what it adds; the move, which returns its undo; whether it keeps every hard rule (checked
# only for the cheapest ways, in order, until one does: most are never the cheapest)
Relocation = tuple[int, Callable[[], Undo], Callable[[], bool]]


def _relocations(
    greedy: Greedy, occ: Occurrence, day: int, on_day: ByDay
) -> list[Relocation]:
    """The ways found to put `occ` on `day` (its cheapest free start there, exchanges with
    occurrences there), each with what it adds; nothing is changed."""
    found = [free] if (free := _free_time(greedy, occ, day)) is not None else []
    for other in _partners(greedy, occ, day, on_day):
        swap = _exchange_cost(greedy, occ, other)
        if swap is not None:
            found.append(swap)
    return found


def _cost(greedy: Greedy, occ: Occurrence, venue: str, start: int) -> int:
    """What placing `occ` at `venue` from `start` adds to the soft costs."""
    return greedy.costs.placing(occ, venue, start)


def _apply(greedy: Greedy, moves: list[tuple[Occurrence, str, int]]) -> Undo:
    """Move each occurrence to its (venue, start), then number the repeats of the items
    moved in time order again (`renumber`); how to put everything back."""
    items = {occ.item for occ, _, _ in moves}
    touched = [o for item in items for o in greedy.by_item[item] if o.uid in greedy.placed]
    was = {o.uid: greedy.placed[o.uid] for o in touched}
    for occ, _, _ in moves:
        greedy._release(occ)
    for occ, venue, start in moves:
        greedy._take(occ, venue, start)
    for item in items:
        renumber(greedy, item)

    return partial(put_back, greedy, touched, was)


def put_back(greedy: Greedy, occs: Iterable[Occurrence], was: dict[str, tuple[str, int]]) -> None:
    """`occs` where `was` has them (uid -> venue, start), unplaced where it has none."""
    occs = list(occs)
    for occ in occs:
        if occ.uid in greedy.placed:
            greedy._release(occ)
    for occ in occs:
        if occ.uid in was:
            greedy._take(occ, *was[occ.uid])


def renumber(greedy: Greedy, item: str) -> None:
    """Repeats of an item start in their numbers' order (`add_repeat_order`): those
    interchangeable (`Greedy.interchangeable`) take the item's places in time order."""
    if not greedy.interchangeable(item) or any(
            o.uid not in greedy.placed for o in greedy.by_item[item]):
        return
    occs = sorted(greedy.by_item[item], key=lambda o: o.number)
    places = sorted((greedy.placed[o.uid] for o in occs), key=lambda place: place[1])
    if [greedy.placed[o.uid] for o in occs] == places:
        return
    for occ in occs:
        greedy._release(occ)
    for occ, place in zip(occs, places, strict=True):
        greedy._take(occ, *place)


def _free_time(
    greedy: Greedy, occ: Occurrence, day: int
) -> Relocation | None:
    """What moving `occ` to its cheapest free start on programme day `day` adds, and the
    move; None if it has none there."""
    span = greedy.problem.days[occ.festival][day]
    venue, start = greedy._release(occ)
    here = _cost(greedy, occ, venue, start)
    earliest, latest = span.start, span.end - 1
    if not greedy.interchangeable(occ.item):
        earliest = max(greedy._earliest(occ), span.start)
        later = greedy._next_repeat(occ)
        latest = latest if later is None else min(latest, later)
    found = greedy._cheapest(occ, earliest, latest) if earliest <= latest else None
    greedy._take(occ, venue, start)
    if found is None or not _on_day(greedy, occ, found[1], day):
        return None
    cost, to, where = found
    return cost - here, lambda: _apply(greedy, [(occ, where, to)]), lambda: True


def _on_day(greedy: Greedy, occ: Occurrence, start: int, day: int) -> bool:
    return greedy.costs.day(occ, start) == day


def _by_day(greedy: Greedy, movable: dict[str, Occurrence]) -> ByDay:
    """The movable occurrences on each programme day, as placed now."""
    found: ByDay = defaultdict(list)
    for occ in movable.values():
        if occ.uid in greedy.placed:
            day = greedy.costs.day(occ, greedy.placed[occ.uid][1])
            if day is not None:
                found[(occ.festival, day)].append(
                    (occ, frozenset(o.venue for o in occ.options)))
    return found


def _partners(greedy: Greedy, occ: Occurrence, day: int, on_day: ByDay) -> list[Occurrence]:
    """Occurrences on `day` of occ's festival (`on_day`, as the sweep began) that could
    take its place and give it theirs (each may use the other's venue, and its artists are
    not busy at the other's time), the likeliest to cost nothing first: the same audience
    and duration, no artist of their own with a stay to lengthen."""
    venues = {o.venue for o in occ.options}
    tags = set(occ.tags)
    mine, start_a = greedy.placed[occ.uid]
    found = []
    for other, theirs in on_day.get((occ.festival, day), ()):
        if other.item == occ.item or other.uid not in greedy.placed or mine not in theirs:
            continue
        if greedy.placed[other.uid][0] in venues:
            found.append(((set(other.tags) != tags, abs(other.duration - occ.duration),
                           len(other.bound_artists), other.uid), other))
    found.sort(key=lambda pair: pair[0])
    chosen = []
    for _, other in found:
        start = greedy.placed[other.uid][1]
        if greedy._artists_may_be_free(occ, start) and greedy._artists_may_be_free(
                other, start_a):
            chosen.append(other)
            if len(chosen) == PARTNERS:
                break
    return chosen


def _exchange_cost(greedy: Greedy, a: Occurrence, b: Occurrence) -> Relocation | None:
    """What giving `a` the venue and start of `b`, and `b` those of `a`, adds, the
    exchange, and whether both fit there (every hard rule the greedy checks); None if
    they share an artist or an audience and do not fit."""
    if set(a.tags) & set(b.tags) or set(a.bound_artists) & set(b.bound_artists):
        return _tied_exchange_cost(greedy, a, b)
    place_a, place_b = greedy._release(a), greedy._release(b)
    # apart, each one's cost does not depend on where the other is
    added = (_cost(greedy, a, *place_b) + _cost(greedy, b, *place_a)
             - _cost(greedy, a, *place_a) - _cost(greedy, b, *place_b))
    greedy._take(a, *place_a)
    greedy._take(b, *place_b)
    return (added, lambda: _apply(greedy, [(a, *place_b), (b, *place_a)]),
            lambda: _exchange_fits(greedy, a, b))


def _exchange_fits(greedy: Greedy, a: Occurrence, b: Occurrence) -> bool:
    """Whether `a` and `b` may trade places (each checked with the other moved)."""
    place_a, place_b = greedy._release(a), greedy._release(b)
    fits = _trade_fits(greedy, a, b, place_a, place_b)
    greedy._take(a, *place_a)
    greedy._take(b, *place_b)
    return fits


def _trade_fits(greedy: Greedy, a: Occurrence, b: Occurrence, place_a: tuple[str, int],
                place_b: tuple[str, int]) -> bool:
    """With both released: whether `a` fits at `place_b` and then `b` at `place_a`."""
    fits = _fits(greedy, a, *place_b)
    if fits:
        greedy._take(a, *place_b)
        fits = _fits(greedy, b, *place_a)
        greedy._release(a)
    return fits


def _tied_exchange_cost(greedy: Greedy, a: Occurrence, b: Occurrence) -> Relocation | None:
    """`_exchange_cost` for two occurrences whose costs depend on each other's place:
    each second one is priced with the first in place; None if they do not fit."""
    place_a, place_b = greedy._release(a), greedy._release(b)
    added = None
    if _trade_fits(greedy, a, b, place_a, place_b):
        before = _cost(greedy, a, *place_a)
        greedy._take(a, *place_a)
        before += _cost(greedy, b, *place_b)
        greedy._release(a)
        added = _cost(greedy, a, *place_b)
        greedy._take(a, *place_b)
        added += _cost(greedy, b, *place_a) - before
        greedy._release(a)
    greedy._take(a, *place_a)
    greedy._take(b, *place_b)
    if added is None:
        return None
    return added, lambda: _apply(greedy, [(a, *place_b), (b, *place_a)]), lambda: True


def _fits(greedy: Greedy, occ: Occurrence, venue: str, start: int) -> bool:
    """Whether `occ` may start at `start` in `venue` given everything placed: its repeats'
    order (unless they are interchangeable), and every rule `Greedy._fits_at` checks."""
    option = next((o for o in occ.options if o.venue == venue), None)
    if option is None:
        return False
    if not greedy.interchangeable(occ.item):  # else `renumber` restores the order
        later = greedy._next_repeat(occ)
        if start < greedy._earliest(occ) or (later is not None and start > later):
            return False
    return greedy._fits_at(occ, option, start)


def trade_for_cheaper_starts(greedy: Greedy, work: int, sweeps: int = SWEEPS) -> int:
    """Exchanges of two occurrences of one duration and festival, each into the other's
    venue and start, that lower the cost: an occurrence that costs something where it is
    (its audience busy then, an hour it would rather not have) trades places with one of
    another audience whose place would cost it least. `Greedy.improve` moves one
    occurrence into free time; where the time its audience has free is held by other
    audiences' items, only an exchange frees it. In sweeps (`sweep`); returns how many
    exchanges were made."""
    movable = [occ for occ in greedy.problem.occurrences
               if greedy._movable(occ) and not occ.installation]
    alike: dict[tuple[str, int], list[Occurrence]] = defaultdict(list)
    for occ in movable:
        alike[(occ.festival, occ.duration)].append(occ)

    def steps() -> Iterator[Step]:
        for occ in movable:
            yield partial(_trade_for_cheaper_start, greedy, occ,
                          alike[(occ.festival, occ.duration)])

    return sweep(greedy, work, sweeps, steps)


def _trade_for_cheaper_start(greedy: Greedy, occ: Occurrence, alike: list[Occurrence]) -> bool:
    """Exchange `occ` with one of `alike` (the places that would cost it least tried
    first) if that lowers the cost; False (and nothing changed) if none does."""
    if occ.uid not in greedy.placed:
        return False
    venue, start = greedy._release(occ)
    here = _cost(greedy, occ, venue, start)
    ranked = []
    if here > 0:
        venues = {o.venue for o in occ.options}
        tags = set(occ.tags)
        for other in alike:
            place = greedy.placed.get(other.uid)
            if (place is None or other.item == occ.item or place[0] not in venues
                    or set(other.tags) == tags):
                continue
            there = _cost(greedy, occ, *place)
            if there < here:
                ranked.append((there, other.uid, other))
    greedy._take(occ, venue, start)
    ranked.sort(key=lambda row: row[:2])
    for _, _, other in ranked[:PARTNERS]:
        if venue not in {o.venue for o in other.options}:
            continue
        if not (greedy._artists_may_be_free(occ, greedy.placed[other.uid][1])
                and greedy._artists_may_be_free(other, start)):
            continue
        found = _exchange_cost(greedy, occ, other)
        if found is not None and found[0] < 0 and found[2]():
            found[1]()
            return True
    return False
