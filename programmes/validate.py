"""Cross-reference checks on a spec: ids that exist, windows that make sense, no cycles.

Each problem is `(field path, message)`, so the loader can point at its line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

from affiche.programmes.meetings import meeting_problems
from affiche.programmes.model import Festival, Item, Spec
from affiche.venues.model import BUILTIN_FEATURES
from affiche.venues.timeutil import localize
from affiche.venues.window import Window

Loc = tuple[int | str, ...]
Problem = tuple[Loc, str]


def _duplicates(ids: Iterable[tuple[Loc, str]], what: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for loc, ident in ids:
        if ident in seen:
            problems.append(((*loc, "id"), f"{what} id {ident!r} is used twice"))
        seen.add(ident)
    return problems


def _unknown(
    loc: Loc, values: list[str], known: Collection[str], what: str
) -> list[Problem]:
    return [
        ((*loc, index), f"unknown {what} {value!r}")
        for index, value in enumerate(values)
        if value not in known
    ]


def _festival_span(festival: Festival) -> tuple[datetime, datetime]:
    start = localize(datetime.combine(festival.start, datetime.min.time()), festival.timezone)
    end_day = festival.end + timedelta(days=2)
    return start, localize(datetime.combine(end_day, datetime.min.time()), festival.timezone)


def _window_problems(loc: Loc, windows: list[Window], festival: Festival) -> list[Problem]:
    """Windows outside the festival, ending before they start, or overlapping each other."""
    problems: list[Problem] = []
    first, last = _festival_span(festival)
    aware = []
    for index, window in enumerate(windows):
        here = window.localized(festival.timezone)
        if here.end <= here.start:
            problems.append(((*loc, index), "the window ends before it starts"))
        elif here.end <= first or here.start >= last:
            problems.append(
                ((*loc, index), f"the window is outside the festival ({festival.start} to "
                 f"{festival.end})")
            )
        aware.append((here.start, here.end, index))
    aware.sort()
    for (_, end_a, index_a), (start_b, _, index_b) in zip(aware, aware[1:], strict=False):
        if start_b < end_a:
            problems.append(
                ((*loc, index_b), f"overlaps window {index_a}: merge them into one window")
            )
    return problems


def _day_problems(loc: Loc, days: list[date], festival: Festival) -> list[Problem]:
    return [
        ((*loc, index), f"{day} is not a day of the festival ({festival.start} to {festival.end})")
        for index, day in enumerate(days)
        if not festival.start <= day <= festival.end
    ]


def _item_problems(
    loc: Loc,
    item: Item,
    festival: Festival,
    known: tuple[set[str], set[str], dict[str, Item]],
) -> list[Problem]:
    """One item's problems; `known` is (artist ids, the festival's venue ids, items by id),
    built once per spec so that validation stays linear in the items."""
    artists, venues, items = known
    problems = _unknown((*loc, "artists"), item.artists, artists, "artist")
    problems += _unknown((*loc, "venues"), item.venues, venues, "venue of this festival")
    problems += _unknown(
        (*loc, "preferred_venues"), item.preferred_venues, venues, "venue of this festival"
    )
    for relation in ("after", "same_day_as", "not_same_day_as"):
        values = [v if isinstance(v, str) else "" for v in getattr(item, relation)]
        problems += _unknown((*loc, relation), [v for v in values if v], items.keys(), "item")
        problems += [
            ((*loc, relation, index), "an item cannot be related to itself")
            for index, value in enumerate(values)
            if value == item.id
        ]
        problems += [
            ((*loc, relation, index), "installations run all festival long: no order or day "
             "relations with them")
            for index, value in enumerate(values)
            if value in items and (item.is_installation or items[value].is_installation)
        ]
    problems += _link_problems(loc, item, items)
    problems += _window_problems((*loc, "windows"), item.windows, festival)
    problems += _day_problems((*loc, "days"), item.days, festival)
    for index, pin in enumerate(item.pins):
        if pin.venue is not None and pin.venue not in venues:
            problems.append(((*loc, "pins", index, "venue"), f"unknown venue {pin.venue!r}"))
        elif pin.venue is not None and item.venues and pin.venue not in item.venues:
            problems.append(
                ((*loc, "pins", index, "venue"), f"{pin.venue!r} is not among the item's venues")
            )
        if pin.day is not None:
            problems += _day_problems((*loc, "pins", index, "day"), [pin.day], festival)
    if item.after_dark and not _has_coordinates(festival, item):
        problems.append(
            ((*loc, "after_dark"), "after dark needs latitude/longitude on the festival or venues")
        )
    for flag in ("before_dark", "at_sunrise"):
        if getattr(item, flag) and not _has_coordinates(festival, item):
            problems.append(((*loc, flag), f"{flag.replace('_', ' ')} needs latitude/longitude "
                             "on the festival or venues"))
    problems += _feature_problems((*loc, "requires"), item.requires, festival)
    if item.must_take_prime and not any(
        v.prime is not None or v.prime_by_day
        for v in festival.venues if not item.venues or v.id in item.venues
    ):
        problems.append(((*loc, "headliner"), "headliner: must needs a prime window (`prime` "
                         "or `prime_by_day`) on a venue the item may use; none has one"))
    return problems


def _feature_problems(loc: Loc, names: list[str], festival: Festival) -> list[Problem]:
    """Feature names that are neither built in nor declared in the festival's `features`."""
    known = BUILTIN_FEATURES | set(festival.features)
    return [
        ((*loc, index), f"unknown feature {name!r}: declare it in the festival's own "
         f"features (festivals[].features: [{name}]), or use a built-in one "
         f"({', '.join(sorted(BUILTIN_FEATURES))})")
        for index, name in enumerate(names)
        if name not in known
    ]


def _running_order_problems(festival_loc: Loc, festival: Festival) -> list[Problem]:
    """Running orders naming unknown stages or items, installations, items that may not
    use the stage, items in two orders, or items with different numbers of occurrences."""
    problems: list[Problem] = []
    venues = {venue.id for venue in festival.venues}
    items = {item.id: item for item in festival.items}
    seen: set[str] = set()
    for index, order in enumerate(festival.running_orders):
        loc = (*festival_loc, "running_orders", index)
        if order.venue not in venues:
            problems.append(((*loc, "venue"), f"unknown venue {order.venue!r} in this festival"))
        if order.day is not None:
            problems += _day_problems((*loc, "day"), [order.day], festival)
        counts = set()
        for position, item_id in enumerate(order.order):
            where = (*loc, "order", position)
            item = items.get(item_id)
            if item is None:
                problems.append((where, f"unknown item {item_id!r} in this festival"))
            elif item.is_installation:
                problems.append((where, "an installation has no place in a running order"))
            elif item_id in seen:
                problems.append((where, f"{item_id!r} is already in a running order"))
            elif item.venues and order.venue not in item.venues:
                problems.append((where, f"{order.venue!r} is not among the item's venues"))
            else:
                counts.add(item.occurrences)
            seen.add(item_id)
        if len(counts) > 1:
            problems.append(((*loc, "order"), "the items of a running order need as many "
                             "occurrences each (the k-th of each plays the k-th evening)"))
    return problems


def _link_problems(loc: Loc, item: Item, items: dict[str, Item]) -> list[Problem]:
    """`before`/`after` links ({item, gap_minutes}): to a known timed item other than
    this one, to occurrences it has."""
    problems: list[Problem] = []
    for name, index, link in item.links:
        here = (*loc, name, index)
        plain = isinstance(getattr(item, name)[index], str)
        if plain and name == "after":
            continue  # checked with the other relations
        other = items.get(link.item)
        if other is None:
            problems.append((here if plain else (*here, "item"), f"unknown item {link.item!r}"))
        elif link.item == item.id:
            problems.append((here, "an item cannot be linked to itself"))
        elif item.is_installation or other.is_installation:
            problems.append((here, "installations run on their days: no links with them "
                             "(set-up: setup_minutes)"))
        elif link.occurrence is not None and link.occurrence > other.occurrences:
            problems.append(((*here, "occurrence"), f"{link.item} has {other.occurrences} "
                             f"occurrence(s), not {link.occurrence}"))
        elif link.occurrence is None and item.occurrences > other.occurrences:
            problems.append((here, f"{item.occurrences} occurrences linked one to one with "
                             f"the {other.occurrences} of {link.item}: give `occurrence: N` "
                             "to link them all to one"))
    return problems


def _has_coordinates(festival: Festival, item: Item) -> bool:
    if festival.latitude is not None:
        return True
    allowed = [v for v in festival.venues if not item.venues or v.id in item.venues]
    return bool(allowed) and all(v.latitude is not None for v in allowed)


def _venue_problems(festival_loc: Loc, festival: Festival) -> list[Problem]:
    problems: list[Problem] = []
    venues = {venue.id for venue in festival.venues}
    for index, venue in enumerate(festival.venues):
        loc = (*festival_loc, "venues", index)
        problems += [
            ((*loc, "walking_minutes", other), f"unknown venue {other!r} in this festival")
            for other in venue.walking_minutes
            if other not in venues
        ]
        problems += _window_problems((*loc, "open"), venue.open, festival)
        problems += _window_problems((*loc, "closures"), venue.closures, festival)
        problems += _feature_problems((*loc, "features"), venue.features, festival)
        problems += [((*loc, "prime_by_day"), message) for _, message in
                     _day_problems((), list(venue.prime_by_day), festival)]
    problems += _running_order_problems(festival_loc, festival)
    return problems


def _after_cycles(spec: Spec) -> list[Problem]:
    """`after` relations and links that loop back (A after B after A, or a soundcheck
    `before` the show that is `after` it) can never be satisfied. An edge runs from an
    item to one it must follow, located where the spec says so."""
    edges: dict[str, list[tuple[Loc, str]]] = {}
    for f_index, festival in enumerate(spec.festivals):
        for i_index, item in enumerate(festival.items):
            loc: Loc = ("festivals", f_index, "items", i_index)
            edges.setdefault(item.id, [])
            for index, entry in enumerate(item.after):
                other = entry if isinstance(entry, str) else entry.item
                edges[item.id].append(((*loc, "after") if isinstance(entry, str)
                                       else (*loc, "after", index), other))
            for name, index, link in item.links:
                if name == "before":  # this item before X: X follows this item
                    edges.setdefault(link.item, []).append(((*loc, "before", index), item.id))
    state: dict[str, int] = {}
    problems: list[Problem] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for where, target in edges.get(node, []):
            if state.get(target) == 1:
                cycle = " after ".join([*path[path.index(target):], target])
                problems.append((where, f"'after' relations form a cycle: {cycle}"))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in list(edges):
        if node not in state:
            visit(node, [node])
    return problems


def check_references(spec: Spec) -> list[Problem]:
    """Every cross-reference and window problem in the merged spec."""
    problems = _duplicates(
        ((("festivals", i), f.id) for i, f in enumerate(spec.festivals)), "festival"
    )
    problems += _duplicates(((("artists", i), a.id) for i, a in enumerate(spec.artists)), "artist")
    problems += _duplicates(
        (
            (("festivals", f, "venues", v), venue.id)
            for f, festival in enumerate(spec.festivals)
            for v, venue in enumerate(festival.venues)
        ),
        "venue",
    )
    problems += _duplicates(
        (
            (("festivals", f, "items", i), item.id)
            for f, festival in enumerate(spec.festivals)
            for i, item in enumerate(festival.items)
        ),
        "item",
    )
    artists = {artist.id for artist in spec.artists}
    items = {item.id: item for festival in spec.festivals for item in festival.items}
    grain = spec.solver.grain_minutes
    for f_index, festival in enumerate(spec.festivals):
        problems += _venue_problems(("festivals", f_index), festival)
        known = (artists, {venue.id for venue in festival.venues}, items)
        for i_index, item in enumerate(festival.items):
            loc = ("festivals", f_index, "items", i_index)
            problems += _item_problems(loc, item, festival, known)
            if grain and item.duration and item.duration % grain:
                problems.append(
                    ((*loc, "duration"), f"{item.duration} min is not a whole number of "
                     f"{grain}-minute grains (solver.grain_minutes)")
                )
    for a_index, artist in enumerate(spec.artists):
        zone_name = artist.timezone or spec.festivals[0].timezone
        for w_index, window in enumerate(artist.availability):
            here = window.localized(zone_name)
            if here.end <= here.start:
                problems.append(
                    (("artists", a_index, "availability", w_index), "ends before it starts")
                )
    problems += meeting_problems(spec)
    if not problems:
        problems += _after_cycles(spec)
    return problems
