"""Why no programme exists, in the producer's words, smallest reason first.

Cheap counting checks come first (a venue-day or an artist asked for more minutes than it
has). Otherwise every occurrence's placement becomes an assumption literal; CP-SAT's
infeasible core (one worker) names a set of occurrences that cannot all be placed, which is
shrunk by deletion and described by what they share: venues, artists, days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import reduce

from ortools.sat.python import cp_model

from affiche.programmes import rules
from affiche.scheduler.hard import HARD_FAMILIES, artist_occurrences
from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem, VenueFacts, timed_by_item
from affiche.scheduler.spans import Spans, intersect, normalise, subtract, total
from affiche.scheduler.variables import Variables
from affiche.venues.timeutil import zone


@dataclass(frozen=True)
class Conflict:
    """A set of occurrences that cannot all be placed, and a sentence saying why."""

    uids: tuple[str, ...]
    message: str


def _label(problem: Problem, key: str) -> str:
    return problem.labels.get(key, key)


def _titles(problem: Problem, occurrences: list[Occurrence]) -> str:
    names = sorted({_label(problem, o.item) for o in occurrences})
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def _minutes(problem: Problem, grains: int) -> int:
    return grains * problem.clock.minutes


def venue_day_need(facts: VenueFacts, durations: list[int], spans: int = 1) -> int:
    """The least venue time (grains) these items need on one day inside their `spans`
    windows, changeovers included: spread over `parallel` lanes, a changeover between
    consecutive items of a lane, but for those that can fall between two windows."""
    lanes = min(facts.parallel, len(durations))
    return sum(durations) + facts.changeover * max(0, len(durations) - lanes * spans)


def overloaded_venue_days(problem: Problem) -> list[Conflict]:
    """Occurrences that can only go to one venue on one day, needing more than it is open
    (times `parallel`, for a venue holding several items at once)."""
    bound: dict[tuple[str, int], list[Occurrence]] = defaultdict(list)
    for occ in problem.occurrences:
        if occ.installation or len(occ.options) != 1:
            continue
        option = occ.options[0]
        days = {problem.day_of(occ.festival, a, occ.item) for a, _ in option.spans}
        index = days.pop() if len(days) == 1 else None
        if index is not None:
            bound[(option.venue, index)].append(occ)
    conflicts = []
    for (venue, day_index), occs in bound.items():
        facts = problem.venues[venue]
        window = normalise(s for o in occs for s in o.options[0].spans)
        need = venue_day_need(facts, [o.duration for o in occs], len(window))
        if need > total(window) * facts.parallel:
            conflicts.append(Conflict(
                tuple(o.uid for o in occs),
                _venue_day_words(problem, venue, day_index, occs, window, need),
            ))
    return conflicts


def _spans_words(problem: Problem, festival: str, spans: Spans) -> str:
    return ", ".join(f"{_clock(problem, festival, a)}-{_clock(problem, festival, b)}"
                     for a, b in spans)


def _venue_day_words(
    problem: Problem, venue: str, day_index: int, occs: list[Occurrence], window: Spans,
    need: int,
) -> str:
    """"K.1 is open 09:00-12:00 on 3 February; One and Two need 120 minutes": the venue's
    window that day as published, then, when narrower, the part these items may use and
    why (a pin says where it holds them)."""
    facts, festival = problem.venues[venue], occs[0].festival
    day = problem.days[festival][day_index]
    published = intersect(problem.opening.get(venue, ()), ((day.start, day.end),))
    at_once = f", {facts.parallel} at a time" if facts.parallel > 1 else ""
    opened = (f"{_label(problem, venue)} is open {_spans_words(problem, festival, published)}"
              if published else f"{_label(problem, venue)} is open")
    words = f"{opened} on {day.date:%-d %B}{at_once}"
    if total(window) < total(published) or not published:
        words += (f"; they may only use {_spans_words(problem, festival, window)} "
                  f"({_minutes(problem, total(window))} minutes)")
    words += (f"; {_counted_titles(problem, occs)} need {_minutes(problem, need)} minutes "
              f"(changeovers included)")
    pinned = [o for o in occs if rules.PINNED_START in problem.item_rules.get(o.item, ())
              and _fixed(o) is not None]
    if pinned:
        words += "; " + ", ".join(
            f"{_label(problem, o.item)} is pinned to {_clock(problem, festival, start)}-"
            f"{_clock(problem, festival, start + o.duration)}"
            for o in pinned for _, start in [_fixed(o) or ("", 0)])
    said = {o.item for o in pinned}
    return words + "".join(f"; {part}" for part in _bound_by(problem, occs, said))


def _counted_titles(problem: Problem, occs: list[Occurrence]) -> str:
    """Their titles, or "2 occurrences of X" when they are all one item's."""
    if len(occs) > 1 and len({o.item for o in occs}) == 1:
        return f"{len(occs)} occurrences of {_label(problem, occs[0].item)}"
    return _titles(problem, occs)


def _bound_by(
    problem: Problem, occs: list[Occurrence], pinned: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """What keeps these occurrences where they are: their items' own time rules (but the
    pin of the `pinned` items, already said with its time) and their artists' stays."""
    artists = sorted({a for o in occs for a in o.bound_artists if a in problem.stay_words})
    return _item_rules(problem, occs, pinned) + [f"{problem.stay_words[a]} ({rules.STAY})"
                                         for a in artists]


def overbooked_artists(problem: Problem) -> list[Conflict]:
    """An artist whose items add up to more time than all the windows they may use."""
    conflicts = []
    for artist, occs in artist_occurrences(problem).items():
        reach = normalise(s for o in occs for opt in o.options for s in opt.spans)
        need = sum(o.duration for o in occs)
        if need > total(reach):
            conflicts.append(
                Conflict(
                    tuple(o.uid for o in occs),
                    f"{_label(problem, artist)} has {_minutes(problem, total(reach))} minutes "
                    f"in which their items can go; {_titles(problem, occs)} need "
                    f"{_minutes(problem, need)}" + _stay_of(problem, artist),
                )
            )
    return conflicts


def _stay_of(problem: Problem, artist: str) -> str:
    """The artist's arrival and departure, when they bound their time."""
    words = problem.stay_words.get(artist)
    return f" ({words}: {rules.STAY})" if words else ""


def _assign_installations(installations: list[Occurrence], slots: dict[str, int]) -> int:
    """How many installations can get a slot at once (bipartite matching, augmenting paths)."""
    holder: dict[tuple[str, int], str] = {}
    options = {o.uid: [(opt.venue, n) for opt in o.options for n in range(slots[opt.venue])]
               for o in installations}

    def place(uid: str, seen: set[tuple[str, int]]) -> bool:
        for slot in options[uid]:
            if slot not in seen:
                seen.add(slot)
                if slot not in holder or place(holder[slot], seen):
                    holder[slot] = uid
                    return True
        return False

    return sum(place(o.uid, set()) for o in installations)


def overfull_installation_sites(problem: Problem) -> list[Conflict]:
    """More installations holding a slot on one programme day (`rules.installation_days`)
    than the sites they may use have slots for."""
    slots = {v: facts.installation_slots for v, facts in problem.venues.items()}
    every = [o for o in problem.occurrences if o.installation]
    days = sorted({(o.festival, d) for o in every for d in o.slot_days})
    seen: set[tuple[str, ...]] = set()
    conflicts = []
    for festival, day in days:
        installations = [o for o in every if o.festival == festival and day in o.slot_days]
        uids = tuple(o.uid for o in installations)
        if uids in seen:
            continue
        seen.add(uids)
        placed = _assign_installations(installations, slots)
        if placed == len(installations):
            continue
        sites = sorted({opt.venue for o in installations for opt in o.options})
        date = problem.days[festival][day].date
        conflicts.append(Conflict(
            uids,
            f"{len(installations)} installations hold a slot on {date:%d %B}, but at most "
            f"{placed} can have one at the sites they may use "
            f"({', '.join(_label(problem, v) for v in sites)}) ({rules.INSTALLATION_SLOTS})",
        ))
    return conflicts[:1]


def _is_feasible(problem: Problem, uids: set[str], time_limit: float) -> bool | None:
    sub = replace(problem, occurrences=[o for o in problem.occurrences if o.uid in uids],
                  unplaceable=[], previous={}, _reach={})
    variables = Variables(cp_model.CpModel(), sub, allow_unplaced=False)
    for family in HARD_FAMILIES:
        family(sub, variables)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(variables.model)
    if status == cp_model.INFEASIBLE:
        return False
    return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def infeasible_core(problem: Problem, time_limit: float = 20.0) -> list[str] | None:
    """Occurrences that cannot all be placed together (None if the solver cannot tell)."""
    variables = Variables(cp_model.CpModel(), problem, allow_unplaced=True)
    for family in HARD_FAMILIES:
        family(problem, variables)
    placed = {occ.uid: variables.is_placed(occ.uid) for occ in problem.occurrences}
    variables.model.add_assumptions(list(placed.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    if solver.solve(variables.model) != cp_model.INFEASIBLE:
        return None
    indices = set(solver.sufficient_assumptions_for_infeasibility())
    core = [uid for uid, lit in placed.items() if not isinstance(lit, int) and lit.index in indices]
    return _shrink(problem, core, time_limit / 4)


def _shrink(problem: Problem, core: list[str], time_limit: float) -> list[str]:
    """Drop occurrences from the core while what is left stays infeasible."""
    if len(core) > 40:
        return core
    kept = list(core)
    for uid in core:
        trial = set(kept) - {uid}
        if trial and _is_feasible(problem, trial, time_limit) is False:
            kept.remove(uid)
    return kept


def describe_core(problem: Problem, uids: list[str]) -> Conflict:
    occs = [o for o in problem.occurrences if o.uid in set(uids)]
    venues = sorted({opt.venue for o in occs for opt in o.options})
    shared_artists = set.intersection(*(set(o.bound_artists) for o in occs)) if occs else set()
    reach = [normalise(s for opt in o.options for s in opt.spans) for o in occs]
    common = reduce(intersect, reach) if reach else ()
    parts = [f"{_titles(problem, occs)} cannot all be placed"]
    items = {o.item for o in occs}
    wording = {rules.AFTER: "must come after", rules.SAME_DAY: "must be on the same day as",
               rules.NOT_SAME_DAY: "must not be on the same day as"}
    parts += [
        f"{_label(problem, r.item)} {wording[r.kind]} {_label(problem, r.other)}"
        for r in problem.relations
        if r.item in items and r.other in items
    ]
    parts += _link_parts(problem, occs)
    if shared_artists:
        parts.append("they share " + ", ".join(_label(problem, a) for a in sorted(shared_artists)))
    parts += _walking_parts(problem, occs, shared_artists)
    parts += _artist_limits(problem, shared_artists)
    in_core = sorted({a for o in occs for a in o.bound_artists if a in problem.stay_words})
    parts += [f"{problem.stay_words[a]} ({rules.STAY})" for a in in_core]
    parts += _running_orders(problem, {o.uid for o in occs})
    parts += _item_rules(problem, occs)
    parts.append("they may only use " + ", ".join(_label(problem, v) for v in venues))
    if common:
        parts.append(f"within {_minutes(problem, total(common))} minutes they have in common")
    return Conflict(tuple(o.uid for o in occs), "; ".join(parts))


def _walking_parts(problem: Problem, occs: list[Occurrence], artists: set[str]) -> list[str]:
    """The walking or travel time the shared artists need between the core's venues
    (`rules.ARTIST_NO_OVERLAP`), and where each item is held, when it is held to one
    place and window: "Ada needs 10 minutes between K.1 and K.2; Engines is held to K.1
    10:00-11:00"."""
    venues = sorted({opt.venue for o in occs for opt in o.options})
    gaps = [(a, b, max(problem.travel_between(a, b), problem.travel_between(b, a)))
            for i, a in enumerate(venues) for b in venues[i + 1:]]
    gaps = [gap for gap in gaps if gap[2] > 0]
    if not artists or not gaps:
        return []
    who = ", ".join(_label(problem, a) for a in sorted(artists))
    parts = [f"{who} needs {_minutes(problem, grains)} minutes between {_label(problem, a)} "
             f"and {_label(problem, b)} ({rules.ARTIST_NO_OVERLAP})" for a, b, grains in gaps]
    for occ in sorted(occs, key=lambda o: _label(problem, o.item)):
        if len(occ.options) == 1 and len(occ.options[0].spans) == 1:
            ((low, high),) = occ.options[0].spans
            held = "is at" if high - low == occ.duration else "is held to"
            parts.append(f"{_label(problem, occ.item)} {held} "
                         f"{_label(problem, occ.options[0].venue)} "
                         f"{_spans_words(problem, occ.festival, occ.options[0].spans)}")
    return parts


def _link_parts(problem: Problem, occs: list[Occurrence]) -> list[str]:
    """The links and installation set-ups among `occs`, in words (the rule named)."""
    items = {o.item for o in occs}
    parts = []
    for link in problem.links:
        if link.item in items and link.other in items:
            word = "end" if link.side == rules.LINKED_BEFORE else "start"
            side = "before" if link.side == rules.LINKED_BEFORE else "after"
            edge = "starts" if link.side == rules.LINKED_BEFORE else "ends"
            gap = (f"{link.low} to {link.high}" if link.high is not None
                   else f"at least {link.low}")
            venue = ", in its venue" if link.same_venue else ""
            venue += _changeover_words(problem, occs, link.other) if link.same_venue else ""
            parts.append(f"{_label(problem, link.item)} must {word} {gap} minutes {side} "
                         f"{_label(problem, link.other)} {edge}{venue} ({link.side})")
    for occ in occs:
        if occ.installation and occ.setup and occ.setup_artists:
            who = ", ".join(_label(problem, a) for a in occ.setup_artists)
            parts.append(f"{who} must set {_label(problem, occ.item)} up for "
                         f"{_minutes(problem, occ.setup)} minutes before it first opens "
                         f"({rules.SETUP})")
    return parts


def _changeover_words(problem: Problem, occs: list[Occurrence], other: str) -> str:
    """A same-venue link's gap is at least the venue's changeover: say so when it has one."""
    venues = {opt.venue for o in occs if o.item == other for opt in o.options}
    kept = sorted((problem.venues[v].changeover, v) for v in venues if problem.venues[v].changeover)
    return "".join(f" ({_label(problem, v)} keeps {_minutes(problem, c)} minutes of changeover "
                   "between items)" for c, v in kept)


def _item_rules(
    problem: Problem, occs: list[Occurrence], pinned: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """The core's items' own time rules (prime time, daylight, days, pins), by name."""
    parts = []
    for item in sorted({o.item for o in occs}, key=lambda i: _label(problem, i)):
        names = [n for n in problem.item_rules.get(item, ())
                 if not (item in pinned and n == rules.PINNED_START)]
        if names:
            parts.append(f"{_label(problem, item)} is bound by {', '.join(names)}")
    return parts


def _artist_limits(problem: Problem, artists: set[str]) -> list[str]:
    """The shared artists' own limits, named after their rules."""
    parts = []
    for artist in sorted(artists):
        most, rest = problem.limits.get(artist, (None, 0))
        if most is not None:
            parts.append(f"{_label(problem, artist)} plays at most {most} a day "
                         f"({rules.PER_DAY})")
        if rest:
            parts.append(f"{_label(problem, artist)} rests {_minutes(problem, rest)} minutes "
                         f"between items ({rules.REST})")
    return parts


def _running_orders(problem: Problem, uids: set[str]) -> list[str]:
    """Running-order links between occurrences of the core."""
    items = {o.uid: o.item for o in problem.occurrences}
    return [f"{_label(problem, items[b])} starts right after {_label(problem, items[a])} "
            f"ends, plus the changeover ({rules.RUNNING_ORDER})"
            for a, b, _ in problem.sequences if a in uids and b in uids]


def overbooked_artist_days(problem: Problem) -> list[Conflict]:
    """An artist with `max_per_day` who has more items than that which can only go on one
    and the same day."""
    conflicts = []
    for artist, occs in artist_occurrences(problem).items():
        most = problem.limits.get(artist, (None, 0))[0]
        if most is None:
            continue
        by_day: dict[tuple[str, int], list[Occurrence]] = defaultdict(list)
        for occ in occs:
            first, last = problem.reach(occ)
            days = {problem.day_of(occ.festival, first, occ.item),
                    problem.day_of(occ.festival, last - occ.duration, occ.item)}
            if len(days) == 1 and None not in days:
                by_day[(occ.festival, days.pop() or 0)].append(occ)
        for (festival, index), bound in by_day.items():
            if len(bound) > most:
                day = problem.days[festival][index].date
                conflicts.append(Conflict(
                    tuple(o.uid for o in bound),
                    f"{_label(problem, artist)} plays at most {most} a day "
                    f"({rules.PER_DAY}), but {_titles(problem, bound)} can only be on "
                    f"{day:%-d %B}",
                ))
    return conflicts


def _fixed(occ: Occurrence) -> tuple[str, int] | None:
    """(venue, start) of an occurrence that has one place and one start (a pin, a window
    as long as it), else None."""
    if len(occ.options) != 1 or occ.installation or len(occ.options[0].spans) != 1:
        return None
    ((low, high),) = occ.options[0].spans
    return (occ.options[0].venue, low) if high - low == occ.duration else None


def _clock(problem: Problem, festival: str, grain: int) -> str:
    moment = problem.clock.instant(grain).astimezone(zone(problem.zones.get(festival, "UTC")))
    return f"{moment:%H:%M}"


def linked_window_taken(problem: Problem) -> list[Conflict]:
    """A linked item (a soundcheck) whose item has one place and start, when its window
    there is taken by items as fixed, or closed: "the soundcheck of Reflets needs Scène
    du lac between 18:00 and 20:00; it is booked by ..."."""
    timed = timed_by_item(problem)
    fixed = {o.uid: f for o in problem.occurrences if (f := _fixed(o)) is not None}
    conflicts = []
    for link in problem.links:
        mine = {o.number: o for o in timed.get(link.item, [])}
        theirs = {o.number: o for o in timed.get(link.other, [])}
        for child, parent in rules.linked_pairs(link, mine, theirs):
            if parent.uid not in fixed or not link.same_venue:
                continue
            if problem.venues[fixed[parent.uid][0]].parallel > 1:
                continue  # a booking there does not take the whole venue
            found = _window_conflict(problem, link, child, parent, fixed)
            if found is not None:
                conflicts.append(found)
    return conflicts


def _window_conflict(
    problem: Problem, link: rules.Linked, child: Occurrence, parent: Occurrence,
    fixed: dict[str, tuple[str, int]],
) -> Conflict | None:
    venue, start = fixed[parent.uid]
    grain, facts = problem.clock.minutes, problem.venues[venue]
    high = link.high // grain if link.high is not None else 1 << 30
    if link.side == rules.LINKED_BEFORE:
        window = (start - high - child.duration, start - -(-link.low // grain))
    else:
        end = start + parent.duration
        window = (end + -(-link.low // grain), end + high + child.duration)
    own = next((o.spans for o in child.options if o.venue == venue), ())
    free = intersect(own, ((max(window[0], 0), window[1]),))
    booked = [o for o in problem.occurrences if o.uid in fixed and o.uid not in
              (child.uid, parent.uid) and fixed[o.uid][0] == venue
              and fixed[o.uid][1] < window[1]
              and fixed[o.uid][1] + o.duration + facts.changeover > window[0]]
    for other in booked:
        taken = ((fixed[other.uid][1] - facts.changeover,
                  fixed[other.uid][1] + other.duration + facts.changeover),)
        free = subtract(free, taken)
    if any(b - a >= child.duration for a, b in free):
        return None
    when = (f"between {_clock(problem, child.festival, window[0])} and "
            f"{_clock(problem, child.festival, window[1])}")
    by = ", ".join(
        f"{_label(problem, o.item)} ({_clock(problem, o.festival, fixed[o.uid][1])}-"
        f"{_clock(problem, o.festival, fixed[o.uid][1] + o.duration)})" for o in booked)
    reason = f"it is booked by {by}" if by else "it is not open for it then"
    return Conflict(
        (child.uid, parent.uid, *(o.uid for o in booked)),
        f"{_label(problem, child.item)} needs {_label(problem, venue)} {when} "
        f"({link.side}: {_label(problem, link.other)}); {reason}",
    )


def explain_infeasible(problem: Problem, time_limit: float = 20.0) -> list[Conflict]:
    """The reasons no programme exists, smallest first."""
    cheap = (
        overloaded_venue_days(problem)
        + overbooked_artists(problem)
        + overfull_installation_sites(problem)
        + overbooked_artist_days(problem)
        + linked_window_taken(problem)
    )
    if cheap:
        return sorted(cheap, key=lambda c: len(c.uids))
    core = infeasible_core(problem, time_limit)
    if not core:
        return []
    return [describe_core(problem, core)]
