"""Pricing a programme without a solver: the same cost as CP-SAT's terms, a floor every
programme pays, and the shortcut that returns a greedy programme at that floor."""

from __future__ import annotations

import pytest

from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.cpsat import _read_terms, build_model, complete_hint
from affiche.scheduler.greedy import Greedy, greedy_placement
from affiche.scheduler.pricing import floor, price
from affiche.scheduler.problem import build_problem
from tests.builders import (
    artist,
    festival,
    item,
    make_spec,
    solve_in_fresh_process,
    solve_spec,
    spec_data,
    venue,
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_price_is_what_cp_sat_reads_for_the_same_programme(seed: int) -> None:
    problem = build_problem(Spec.model_validate(generate_spec(60, seed)))
    placed = greedy_placement(problem)
    variables, terms = build_model(problem, allow_unplaced=False, placed=placed)
    solver = complete_hint(variables.model, 10.0)
    assert solver is not None
    read, read_violations = _read_terms(solver, terms)
    costs, violations = price(problem, placed)
    assert {k: v for k, v in costs.items() if k in read} == read
    assert sorted(violations) == sorted(read_violations)
    assert sum(costs.values()) > 0


def _talks_on(days: list[str]) -> dict:
    """Ana gives one talk on each of `days` (a window of that whole day)."""
    items = [item(f"talk-{n}", artists=["ana"],
                  windows=[{"start": f"{day} 10:00", "end": f"{day} 23:00"}])
             for n, day in enumerate(days)]
    return spec_data(festivals=[festival(items=items)], artists=[artist("ana")],
                     solver={"weights": {"hotel_nights": 4}})


def test_floor_counts_the_nights_the_windows_force() -> None:
    assert floor(build_problem(make_spec(_talks_on(["2026-06-12", "2026-06-14"])))) == 8
    assert floor(build_problem(make_spec(_talks_on(["2026-06-12", "2026-06-12"])))) == 0


def test_a_greedy_programme_at_the_floor_is_optimal_without_cp_sat() -> None:
    data = _talks_on(["2026-06-12", "2026-06-14"])
    assert solve_in_fresh_process(data) == ["optimal", "8.0", "8.0", "False"]


def test_two_talks_that_may_share_a_day_share_it() -> None:
    """Two talks that may share a day: the floor is 0, and the answer (the greedy
    programme at the floor, or CP-SAT's) keeps Ana to one day."""
    data = _talks_on(["2026-06-12", "2026-06-13"])
    for talk in data["festivals"][0]["items"]:
        talk["windows"] = [{"start": "2026-06-12 10:00", "end": "2026-06-13 23:00"}]
    spec = make_spec(data)
    _problem, result, schedule = solve_spec(spec)
    assert result.status == "optimal" and result.objective == 0
    assert schedule is not None
    days = {p.start.date() for p in schedule.placements}
    assert len(days) == 1


def test_local_search_never_raises_the_cost_and_here_lowers_it() -> None:
    problem = build_problem(Spec.model_validate(generate_spec(120, 2)))
    greedy = Greedy(problem)
    placed = greedy.run()
    assert len(placed) == len(problem.occurrences)
    before = sum(price(problem, placed)[0].values())
    moves = greedy.improve(work=10**9)
    after = sum(price(problem, greedy.placed)[0].values())
    assert moves > 0 and after < before
    variables, _terms = build_model(problem, allow_unplaced=False, placed=greedy.placed)
    assert complete_hint(variables.model, 10.0) is not None  # still keeps every hard rule


def _three_shows_over(days: int) -> dict:
    """One show by Ana, three performances, on a festival of `days` days."""
    end = f"2026-06-{11 + days}"
    data = spec_data(festivals=[festival(items=[item("show", occurrences=3, artists=["ana"])],
                                         end=end)],
                     artists=[artist("ana")],
                     solver={"weights": {"repeat_same_day": 3, "hotel_nights": 4}})
    return data


def test_floor_weighs_repeats_on_one_day_against_nights_between_days() -> None:
    """Three shows on one day: 3 pairs (9); on two days: 1 pair and a night (3 + 4)."""
    assert floor(build_problem(make_spec(_three_shows_over(1)))) == 9
    assert floor(build_problem(make_spec(_three_shows_over(2)))) == 7
    assert floor(build_problem(make_spec(_three_shows_over(3)))) == 7  # 2 nights cost 8


def test_a_repeated_show_at_its_floor_is_optimal_without_cp_sat() -> None:
    assert solve_in_fresh_process(_three_shows_over(2)) == ["optimal", "7.0", "7.0", "False"]


@pytest.mark.parametrize("size", [12, 16, 24])
def test_floor_never_exceeds_an_optimum(size: int) -> None:
    """On small generated festivals CP-SAT proves optimality; the floor is at most that
    (a floor above an optimum would make a programme look optimal when it is not)."""
    from affiche.scheduler.solve import SolveOptions, solve

    tight = 0
    for seed in range(1, 6):
        problem = build_problem(Spec.model_validate(generate_spec(size, seed)))
        result = solve(problem, SolveOptions(time_limit=20, workers=2, shortcut=False))
        assert result.status == "optimal" and result.objective is not None
        assert floor(problem) <= result.objective
        tight += floor(problem) == result.objective > 0
    assert tight  # and it is not trivially 0: some optimum is at the floor


def test_floor_counts_the_audience_overlap_no_programme_avoids() -> None:
    """Three hour-long family talks in one open hour: 120 minutes at once too many, whatever
    the solver does (the old floor, which had no audience term, said 0)."""
    talks = [item(f"kids-{n}", tags=["families"]) for n in range(3)]
    data = spec_data(festivals=[festival(items=talks, end="2026-06-12",
                                         hours={"opens": "10:00", "closes": "11:00"})])
    assert floor(build_problem(make_spec(data))) == 120


def test_floor_takes_the_best_runs_of_days() -> None:
    """Two talks fixed to Friday's one open hour overlap 60 minutes there; two more free
    on either day fit on Saturday: the floor is Friday's overlap alone."""
    friday = {"windows": [{"start": "2026-06-12 10:00", "end": "2026-06-12 11:00"}]}
    talks = [item(f"fixed-{n}", tags=["families"], **friday) for n in range(2)]
    talks += [item(f"free-{n}", tags=["families"], duration=30) for n in range(2)]
    data = spec_data(festivals=[festival(items=talks, end="2026-06-13",
                                         hours={"opens": "10:00", "closes": "11:00"})])
    assert floor(build_problem(make_spec(data))) == 60


def test_floor_counts_the_nights_an_artist_too_busy_for_one_day_needs() -> None:
    """Ana gives four two-hour talks, any day, in a festival open 10:00-14:00: no day holds
    more than two, so every programme keeps her at least one night (the old floor: 0)."""
    talks = [item(f"talk-{n}", duration=120, artists=["ana"]) for n in range(4)]
    data = spec_data(festivals=[festival(items=talks, hours={"opens": "10:00",
                                                             "closes": "14:00"})],
                     artists=[artist("ana")], solver={"weights": {"hotel_nights": 4}})
    assert floor(build_problem(make_spec(data))) == 4


def test_floor_counts_a_festival_short_of_time_for_its_audience_beside_another() -> None:
    """Three hour-long family talks in Paris's one open hour overlap 120 minutes, even with
    an Austin festival whose night (01:00 to its programme day's end at 04:00 there,
    06:00-09:00 UTC) holds that hour: the tag as one sees four hours of talks in a
    three-hour union (60); festival by festival, 120 and 0 (the whole's union is at most
    the parts' unions added up)."""
    paris = festival("paris", venues=[venue("paris-hall")], end="2026-06-12",
                     hours={"opens": "10:00", "closes": "11:00"},
                     items=[item(f"kids-{n}", tags=["families"]) for n in range(3)])
    austin = festival("austin", venues=[venue("austin-hall")],  # its night of 11 June
                      start="2026-06-11", end="2026-06-11",
                      city="Austin", timezone="America/Chicago",
                      hours={"opens": "01:00", "closes": "05:00"},
                      items=[item("kids-austin", tags=["families"])])
    problem = build_problem(make_spec(spec_data(festivals=[paris, austin])))
    assert floor(problem) == 120
