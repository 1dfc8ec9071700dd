"""The programme days' relaxation (`scheduler/daybound.py`): a lower bound that weighs hotel
nights against repeats and the other day costs together, never above an optimum."""

from __future__ import annotations

import pytest

from affiche.programmes.examples import bundled_specs
from affiche.programmes.generate import generate_spec
from affiche.programmes.loader import load_specs
from affiche.programmes.model import Spec
from affiche.scheduler import daybound
from affiche.scheduler.daybound import PART, day_bound
from affiche.scheduler.pricing import floor, floors
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.solve import SolveOptions, solve
from tests.builders import artist, festival, item, make_spec, spec_data, venue


def _bound_is_the_optimum(problem: Problem, cost: int) -> None:
    """The day bound proves `cost`, and a solve reaches it (so it is the optimum)."""
    bound = day_bound(problem, 10)
    assert bound is not None and bound.value == cost
    result = solve(problem, SolveOptions(time_limit=10, workers=2))
    assert result.objective == cost and result.status == "optimal"


def _two_shows_twice(days: int = 2) -> Spec:
    """Ana gives two shows, each twice, on a festival of `days` days: on one day the two
    pairs cost 2 x 3; spread, a night costs 4. Each floor alone sees neither (the repeats'
    floor leaves an artist with two repeated shows to the nights' floor, which sees that
    all four fit in one day)."""
    shows = [item(name, occurrences=2, artists=["ana"]) for name in ("north", "south")]
    return make_spec(spec_data(
        festivals=[festival(items=shows, end=f"2026-06-{11 + days}")],
        artists=[artist("ana")],
        solver={"weights": {"repeat_same_day": 3, "hotel_nights": 4}}))


def _three_pairs_in_one_hall(hours: str = "13:00", changeover: int = 0) -> Spec:
    """Three artists give two one-hour talks each in the one hall, open 10:00 to `hours` on
    each of two days, with `changeover` minutes after each talk: at 13:00 a day holds three
    talks, so one artist's two cannot share a day with another's and someone sleeps a night
    (4); no artist's own time forbids it, only the hall's."""
    talks = [item(f"{who}-{n}", artists=[who]) for who in ("ana", "bo", "cy") for n in (1, 2)]
    hall = venue("hall", changeover_minutes=changeover)
    return make_spec(spec_data(
        festivals=[festival(items=talks, end="2026-06-13", venues=[hall],
                            hours={"opens": "10:00", "closes": hours})],
        artists=[artist(who) for who in ("ana", "bo", "cy")],
        solver={"weights": {"hotel_nights": 4}}))


def test_the_venues_time_on_a_day_is_shared_by_every_artist() -> None:
    _bound_is_the_optimum(build_problem(_three_pairs_in_one_hall()), 4)


def test_a_hall_open_long_enough_costs_no_night() -> None:
    problem = build_problem(_three_pairs_in_one_hall(hours="14:00"))
    bound = day_bound(problem, 10)
    assert bound is not None and bound.value == 0
    assert solve(problem, SolveOptions(time_limit=10, workers=2)).objective == 0


@pytest.mark.parametrize(("changeover", "night"), [(10, 0), (15, 4)])
def test_the_halls_changeovers_take_time_from_the_day(changeover: int, night: int) -> None:
    """Open to 14:30, the hall holds four talks and three changeovers of 10 minutes a day,
    not of 15 (the last talk's changeover may run past closing)."""
    _bound_is_the_optimum(build_problem(_three_pairs_in_one_hall("14:30", changeover)), night)


def test_without_the_venues_the_bound_misses_the_night(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above VENUES_AT_MOST occurrences only the tied sets count, and each artist alone
    fits in a day."""
    monkeypatch.setattr(daybound, "VENUES_AT_MOST", 0)
    bound = day_bound(build_problem(_three_pairs_in_one_hall()), 10)
    assert bound is not None and bound.value == 0


def _three_talks_with_rest(rest: int, walk: int = 0) -> Spec:
    """Ana gives three one-hour talks, in the hall or, with `walk`, each in its own venue
    `walk` minutes from the others; the venues are open 10:00 to 13:00 on each of two days.
    End to end the talks fill a day, but with `rest` minutes after each, or a walk between
    every two, a day holds two, and a night costs 4."""
    rooms = [venue(name) for name in ("hall", "studio", "garden")]
    talks = [item(f"talk-{n}", artists=["ana"], venues=[room.get("id") if walk else "hall"])
             for n, room in enumerate(rooms)]
    return make_spec(spec_data(
        festivals=[festival(items=talks, end="2026-06-13", venues=rooms,
                            default_walking_minutes=walk,
                            hours={"opens": "10:00", "closes": "13:00"})],
        artists=[artist("ana", min_rest_minutes=rest)],
        solver={"weights": {"hotel_nights": 4}}))


@pytest.mark.parametrize(("rest", "walk", "night"), [(0, 0, 0), (30, 0, 4), (0, 15, 4)])
def test_an_artists_rest_and_walks_take_time_from_the_day(rest: int, walk: int,
                                                          night: int) -> None:
    _bound_is_the_optimum(build_problem(_three_talks_with_rest(rest, walk)), night)


def test_the_days_weigh_a_night_against_two_repeats() -> None:
    problem = build_problem(_two_shows_twice())
    assert floor(problem) == 0
    bound = day_bound(problem, 10)
    assert bound is not None and bound.value == 4


def test_a_solve_at_the_day_bound_is_proven_optimal_and_names_the_part() -> None:
    problem = build_problem(_two_shows_twice())
    result = solve(problem, SolveOptions(time_limit=10, workers=2))
    assert result.status == "optimal"
    assert result.objective == result.bound == 4
    assert result.bounds == {PART: 4.0}


def test_one_day_leaves_only_the_repeats() -> None:
    problem = build_problem(_two_shows_twice(days=1))
    bound = day_bound(problem, 10)
    assert bound is not None and bound.value == 6


def test_a_split_set_still_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split into one model per artist, the bound may only fall, never rise past the
    whole set's (here they agree: Ana is the set)."""
    problem = build_problem(_two_shows_twice())
    monkeypatch.setattr(daybound, "WHOLE", 0)
    bound = day_bound(problem, 10)
    assert bound is not None and bound.value == 4


def test_floors_parts_give_way_to_the_day_bound_only_when_it_proves_more() -> None:
    problem = build_problem(_two_shows_twice())
    parts = floors(problem)
    assert daybound.with_day_bound(parts, 0.0) == parts
    raised = daybound.with_day_bound(parts, 4.0)
    assert raised[PART] == 4.0
    assert not set(raised) & {"hotel nights", "repeat on one day + hotel nights",
                              "prime time", "preferred hours"}
    assert "audience clash" in raised


@pytest.mark.parametrize("seed", [1, 4, 5])
def test_day_bound_never_exceeds_a_proven_optimum_and_beats_the_floor(seed: int) -> None:
    """Generated 40-item festivals CP-SAT solves to optimality: the day bound is at most the
    optimum, and above the families' floor (which it replaces in the reported bound); so is
    the sum of every tied set split into clusters of at most 6 occurrences."""
    import time

    from affiche.scheduler.cpsat import solve_with_cpsat

    problem = build_problem(Spec.model_validate(generate_spec(40, seed)))
    result = solve_with_cpsat(problem, SolveOptions(time_limit=60, workers=4))
    bound = day_bound(problem, 20)
    assert result.status == "optimal" and result.objective is not None and bound is not None
    assert floor(problem) < bound.value <= result.objective
    starts = {o.uid: daybound._starts_by_day(problem, o) for o in problem.occurrences}
    deadline = time.perf_counter() + 20
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(daybound, "WHOLE", 6)
        split = sum(daybound._solve_all(problem, starts, tied.groups(whole=False), deadline)
                    for tied in daybound._tied_sets(problem))
    assert 0 < split <= bound.value


def test_out_of_time_the_bound_is_what_was_proven() -> None:
    problem = build_problem(Spec.model_validate(generate_spec(40, 1)))
    bound = day_bound(problem, 0)
    assert bound is not None and bound.value == 0


def _with_wishes_and_limits(items: int, seed: int) -> Spec:
    """A generated festival with prime time at half the venues, preferred hours and
    headliners on some items, and some artists limited to two items a day or arriving or
    leaving mid-festival."""
    import random

    rng = random.Random(seed)
    data = generate_spec(items, seed)
    for fest in data["festivals"]:
        for place in fest["venues"]:
            if rng.random() < 0.5:
                place["prime"] = {"opens": "19:00", "closes": "22:00"}
        for entry in fest["items"]:
            if entry["kind"] == "installation":
                continue
            draw = rng.random()
            if draw < 0.25:
                entry["preferred_hours"] = [{"opens": "10:00", "closes": "13:00"}]
            elif draw < 0.4:
                entry["headliner"] = True
    for person in data["artists"]:
        draw = rng.random()
        if draw < 0.1:
            person["max_per_day"] = 2
        elif draw < 0.35:
            person["arrive"] = "2027-06-11"
        elif draw < 0.45:
            person["depart"] = "2027-06-12"
    return Spec.model_validate(data)


@pytest.mark.parametrize("seed", [9, 14, 20])
def test_day_bound_with_wishes_and_limits_never_exceeds_a_proven_optimum(seed: int) -> None:
    from affiche.scheduler.cpsat import solve_with_cpsat

    problem = build_problem(_with_wishes_and_limits(30, seed))
    result = solve_with_cpsat(problem, SolveOptions(time_limit=60, workers=4))
    bound = day_bound(problem, 20)
    assert result.status == "optimal" and result.objective is not None and bound is not None
    assert floor(problem) < bound.value <= result.objective
    assert any(occ.prime for occ in problem.occurrences)
    assert any(occ.preferred_spans for occ in problem.occurrences)


def _two_talks_in_the_morning(closes: str) -> Spec:
    """Two one-hour talks by two artists in the one hall on a one-day festival, each wishing
    to start between 10:00 and `closes`: until 11:00 only one can (the other pays 2), until
    11:05 both can. Every talk alone can start in its hours, so the floors see nothing."""
    talks = [item(who, artists=[who], preferred_hours=[{"opens": "10:00", "closes": closes}])
             for who in ("ana", "bo")]
    return make_spec(spec_data(
        festivals=[festival(items=talks, end="2026-06-12", venues=[venue("hall")],
                            hours={"opens": "10:00", "closes": "18:00"})],
        artists=[artist(who) for who in ("ana", "bo")],
        solver={"weights": {"preferred_hours": 2}}))


@pytest.mark.parametrize(("closes", "cost"), [("11:00", 2), ("11:05", 0)])
def test_the_hall_holds_only_so_many_talks_in_their_hours(closes: str, cost: int) -> None:
    problem = build_problem(_two_talks_in_the_morning(closes))
    assert floor(problem) == 0
    _bound_is_the_optimum(problem, cost)


def _two_headliners(prime_closes: str) -> Spec:
    """Two one-hour headliners by two artists in the one hall, whose prime time runs from
    21:00 to `prime_closes` on a one-day festival: until 22:00 it holds one of them (the
    other pays 5), until 23:00 both."""
    shows = [item(who, kind="concert", artists=[who], headliner=True) for who in ("ana", "bo")]
    hall = venue("hall", prime={"opens": "21:00", "closes": prime_closes})
    return make_spec(spec_data(
        festivals=[festival(items=shows, end="2026-06-12", venues=[hall],
                            hours={"opens": "18:00", "closes": "23:30"})],
        artists=[artist(who) for who in ("ana", "bo")],
        solver={"weights": {"prime_time": 5}}))


@pytest.mark.parametrize(("prime_closes", "cost"), [("22:00", 5), ("23:00", 0)])
def test_prime_time_holds_only_so_many_headliners(prime_closes: str, cost: int) -> None:
    problem = build_problem(_two_headliners(prime_closes))
    assert floor(problem) == 0
    _bound_is_the_optimum(problem, cost)


def test_each_festival_is_bounded_with_its_own_venues() -> None:
    """Two festivals, each the three pairs in one hall (a week apart, other artists): each
    festival's venues model proves its night, and the bound adds them up."""
    festivals, artists = [], []
    for name, start, who in (("north", 12, ("ana", "bo", "cy")), ("south", 20, ("di", "ed", "fa"))):
        talks = [item(f"{w}-{n}", artists=[w]) for w in who for n in (1, 2)]
        festivals.append(festival(name, items=talks, venues=[venue(f"{name}-hall")],
                                  start=f"2026-06-{start}", end=f"2026-06-{start + 1}",
                                  hours={"opens": "10:00", "closes": "13:00"}))
        artists += [artist(w) for w in who]
    problem = build_problem(make_spec(spec_data(festivals=festivals, artists=artists,
                                                solver={"weights": {"hotel_nights": 4}})))
    _bound_is_the_optimum(problem, 8)


def _two_talks_apart(apart: bool) -> Spec:
    """Ana gives two one-hour talks on a two-day festival; `apart`: never on one day (so
    she sleeps a night, 4), which no floor and no artist's time forces."""
    extra = {"not_same_day_as": ["talk-1"]} if apart else {}
    talks = [item("talk-1", artists=["ana"]), item("talk-2", artists=["ana"], **extra)]
    return make_spec(spec_data(
        festivals=[festival(items=talks, end="2026-06-13", venues=[venue("hall")])],
        artists=[artist("ana")], solver={"weights": {"hotel_nights": 4}}))


@pytest.mark.parametrize(("apart", "night"), [(False, 0), (True, 4)])
def test_items_never_on_one_day_cost_their_artist_a_night(apart: bool, night: int) -> None:
    problem = build_problem(_two_talks_apart(apart))
    assert floor(problem) == 0
    _bound_is_the_optimum(problem, night)


def test_the_bundled_festivals_relations_raise_the_bound() -> None:
    """Bains numériques, PIDS and Sapporo relate items ('after', 'same_day_as',
    'not_same_day_as'): with them on days the bound is 87, without 78 (their programme
    costs 100 after 120 s)."""
    problem = build_problem(load_specs(bundled_specs()).spec)
    bound = day_bound(problem, 10)
    assert bound is not None and 87 <= bound.value <= 100
