"""Shortening artists' stays after the greedy pass (`exchange.py`): a move or an exchange is
kept only when it lowers the cost, and the programme keeps every hard rule."""

from __future__ import annotations

import pytest

from affiche.programmes.check import check_schedule
from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.assemble import assemble_schedule
from affiche.scheduler.cpsat import build_model, complete_hint
from affiche.scheduler.exchange import shorten_stays
from affiche.scheduler.greedy import Greedy
from affiche.scheduler.pricing import price, total
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.result import SolveResult, chosen_of
from tests.builders import artist, festival, item, make_spec, spec_data, venue


def _full_two_days() -> tuple[Spec, Problem]:
    """One hall open 10:00-12:00 on two days, four one-hour talks: Ana's two, Bob's and
    Carl's. Every hour is taken, so Ana's talks share a day only by an exchange."""
    items = [item("ana-1", artists=["ana"]), item("ana-2", artists=["ana"]),
             item("bob", artists=["bob"]), item("carl", artists=["carl"])]
    hall = venue("hall", hours={"opens": "10:00", "closes": "12:00"})
    data = spec_data(festivals=[festival(venues=[hall], items=items, end="2026-06-13")],
                     artists=[artist("ana"), artist("bob"), artist("carl")],
                     solver={"weights": {"hotel_nights": 4}})
    spec = make_spec(data)
    return spec, build_problem(spec)


def _at(problem: Problem, day: int, hour: int) -> int:
    """The grain of `hour` o'clock on programme day `day` (the hall opens at 10:00)."""
    opens = problem.opening["hall"][day][0]
    return opens + (hour - 10) * 60 // problem.clock.minutes


def test_an_exchange_brings_an_artist_s_talks_onto_one_day() -> None:
    spec, problem = _full_two_days()
    greedy = Greedy(problem)
    by_uid = {occ.uid: occ for occ in problem.occurrences}
    # Ana on both days (a night), Bob and Carl in the other hours
    for uid, day, hour in [("fest.ana-1.1", 0, 10), ("fest.bob.1", 0, 11),
                           ("fest.ana-2.1", 1, 10), ("fest.carl.1", 1, 11)]:
        assert greedy._fits_at(by_uid[uid], by_uid[uid].options[0], _at(problem, day, hour))
        greedy._take(by_uid[uid], "hall", _at(problem, day, hour))
    before = price(problem, greedy.placed)[0]
    assert before["hotel nights"] == 4

    assert shorten_stays(greedy, work=10**6) == 1

    after = price(problem, greedy.placed)[0]
    assert after["hotel nights"] == 0 and sum(after.values()) < sum(before.values())
    days = {problem.day_of("fest", greedy.placed[uid][1]) for uid in
            ("fest.ana-1.1", "fest.ana-2.1")}
    assert len(days) == 1
    result = SolveResult(status="feasible", chosen=chosen_of(problem, greedy.placed))
    assert check_schedule(spec, assemble_schedule(spec, result)) == []


def test_nothing_moves_when_no_move_costs_less() -> None:
    """Ana already on one day: no stay costs nights, the programme stays as it is."""
    _spec, problem = _full_two_days()
    greedy = Greedy(problem)
    by_uid = {occ.uid: occ for occ in problem.occurrences}
    for uid, day, hour in [("fest.ana-1.1", 0, 10), ("fest.ana-2.1", 0, 11),
                           ("fest.bob.1", 1, 10), ("fest.carl.1", 1, 11)]:
        greedy._take(by_uid[uid], "hall", _at(problem, day, hour))
    placed = dict(greedy.placed)
    assert shorten_stays(greedy, work=10**6) == 0
    assert greedy.placed == placed


def test_a_repeat_may_move_past_another_and_the_numbers_follow_the_time_order() -> None:
    """Ana's show twice, on Friday at 11:00 and Saturday at 10:00 (a night, 4); the other
    hours are Carl's or free. On one day the two cost 3, but whichever moves, it passes the
    other repeat: the numbers then follow the times again, as the model requires."""
    items = [item("show", occurrences=2, artists=["ana"]), item("carl", artists=["carl"])]
    hall = venue("hall", hours={"opens": "10:00", "closes": "12:00"})
    data = spec_data(festivals=[festival(venues=[hall], items=items, end="2026-06-13")],
                     artists=[artist("ana"), artist("carl")],
                     solver={"weights": {"hotel_nights": 4, "repeat_same_day": 3}})
    spec = make_spec(data)
    problem = build_problem(spec)
    greedy = Greedy(problem)
    by_uid = {occ.uid: occ for occ in problem.occurrences}
    for uid, day, hour in [("fest.show.1", 0, 11), ("fest.show.2", 1, 10),
                           ("fest.carl.1", 1, 11)]:
        greedy._take(by_uid[uid], "hall", _at(problem, day, hour))
    assert total(problem, greedy.placed) == 4

    assert shorten_stays(greedy, work=10**6) == 1

    first, second = greedy.placed["fest.show.1"][1], greedy.placed["fest.show.2"][1]
    assert first < second and total(problem, greedy.placed) == 3
    assert problem.day_of("fest", first) == problem.day_of("fest", second)
    result = SolveResult(status="feasible", chosen=chosen_of(problem, greedy.placed))
    assert check_schedule(spec, assemble_schedule(spec, result)) == []
    variables, _terms = build_model(problem, allow_unplaced=False, placed=greedy.placed)
    assert complete_hint(variables.model, 10.0) is not None  # `add_repeat_order` holds


@pytest.mark.parametrize("seed", [1, 2])
def test_shortening_never_raises_the_cost_and_keeps_every_hard_rule(seed: int) -> None:
    spec = Spec.model_validate(generate_spec(120, seed))
    problem = build_problem(spec)
    greedy = Greedy(problem)
    greedy.run()
    assert len(greedy.placed) == len(problem.occurrences)
    greedy.improve(greedy.work // 2)
    before = total(problem, greedy.placed)
    nights_before = price(problem, greedy.placed)[0]["hotel nights"]
    changed = shorten_stays(greedy, work=10**9)
    assert total(problem, greedy.placed) < before if changed else (
        total(problem, greedy.placed) == before)
    assert changed and price(problem, greedy.placed)[0]["hotel nights"] < nights_before
    variables, _terms = build_model(problem, allow_unplaced=False, placed=greedy.placed)
    assert complete_hint(variables.model, 10.0) is not None  # the model's hard rules
    result = SolveResult(status="feasible", chosen=chosen_of(problem, greedy.placed))
    assert check_schedule(spec, assemble_schedule(spec, result)) == []  # the checker's


@pytest.mark.parametrize("seed", [1, 2])
def test_an_exchange_of_two_untied_occurrences_is_priced_as_the_total_changes(
        seed: int) -> None:
    """Two occurrences sharing no artist and no audience are priced apart (each where the
    other was, neither in place), and their fit is checked later: the price is what the
    exchange changes in the whole programme's cost, the fit what the greedy's checks say."""
    from affiche.scheduler.exchange import _exchange_cost

    problem = build_problem(Spec.model_validate(generate_spec(120, seed, cities=3)))
    greedy = Greedy(problem)
    greedy.run()
    timed = [o for o in problem.occurrences if not o.installation and greedy._movable(o)]
    pairs = [(a, b) for a in timed[:40] for b in timed[40:80]
             if a.festival == b.festival and a.item != b.item
             and not set(a.tags) & set(b.tags)
             and not set(a.bound_artists) & set(b.bound_artists)]
    assert len(pairs) > 50
    priced = fitting = 0
    for a, b in pairs:
        before, was = total(problem, greedy.placed), dict(greedy.placed)
        found = _exchange_cost(greedy, a, b)
        assert found is not None and greedy.placed == was  # pricing changes nothing
        added, apply, fits = found
        if not fits():
            continue
        fitting += 1
        undo = apply()
        priced += total(problem, greedy.placed) - before == added
        undo()
        assert greedy.placed == was
    assert fitting > 5 and priced == fitting


def _two_audiences_at_once() -> tuple[Spec, Problem, Greedy]:
    """Two venues open 10:00-12:00 on one day, two one-hour talks for families and two for
    pros: every hour is taken, with both families talks at 10:00 and both pros at 11:00."""
    items = [item(f"{tag}-{n}", tags=[tag]) for tag in ("families", "pros") for n in (1, 2)]
    hours = {"opens": "10:00", "closes": "12:00"}
    venues = [venue("hall", hours=hours), venue("studio", hours=hours)]
    spec = make_spec(spec_data(festivals=[festival(venues=venues, items=items,
                                                   end="2026-06-12")]))
    problem = build_problem(spec)
    greedy = Greedy(problem)
    by_uid = {occ.uid: occ for occ in problem.occurrences}
    for tag, hour in (("families", 10), ("pros", 11)):
        for n, where in ((1, "hall"), (2, "studio")):
            greedy._take(by_uid[f"fest.{tag}-{n}.1"], where, _at(problem, 0, hour))
    return spec, problem, greedy


def test_two_audiences_clashing_in_turn_trade_places_and_clash_no_more() -> None:
    """No talk can move into free time (there is none), so only an exchange of a families
    talk with a pros talk takes the hour of overlap of each audience away."""
    from affiche.scheduler.exchange import trade_for_cheaper_starts

    spec, problem, greedy = _two_audiences_at_once()
    assert price(problem, greedy.placed)[0]["audience clash"] == 120
    assert greedy.improve(work=10**6) == 0  # moves alone find nothing

    assert trade_for_cheaper_starts(greedy, work=10**6) == 1

    assert total(problem, greedy.placed) == 0
    result = SolveResult(status="feasible", chosen=chosen_of(problem, greedy.placed))
    assert check_schedule(spec, assemble_schedule(spec, result)) == []


def test_no_trade_is_made_when_none_costs_less() -> None:
    """Each audience already at its own hour: the programme stays as it is."""
    from affiche.scheduler.exchange import trade_for_cheaper_starts

    _spec, problem, greedy = _two_audiences_at_once()
    trade_for_cheaper_starts(greedy, work=10**6)
    placed = dict(greedy.placed)
    assert trade_for_cheaper_starts(greedy, work=10**6) == 0
    assert greedy.placed == placed


@pytest.mark.parametrize("seed", [1, 2])
def test_trades_never_raise_the_cost_and_keep_every_hard_rule(seed: int) -> None:
    from affiche.scheduler.exchange import trade_for_cheaper_starts

    spec = Spec.model_validate(generate_spec(200, seed, cities=3))
    problem = build_problem(spec)
    greedy = Greedy(problem)
    greedy.run()
    assert len(greedy.placed) == len(problem.occurrences)
    before = total(problem, greedy.placed)
    traded = trade_for_cheaper_starts(greedy, work=10**9)
    assert traded and total(problem, greedy.placed) < before
    variables, _terms = build_model(problem, allow_unplaced=False, placed=greedy.placed)
    assert complete_hint(variables.model, 10.0) is not None  # the model's hard rules
    result = SolveResult(status="feasible", chosen=chosen_of(problem, greedy.placed))
    assert check_schedule(spec, assemble_schedule(spec, result)) == []  # the checker's
