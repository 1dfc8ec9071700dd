"""With no objective, a complete greedy programme is the answer and CP-SAT is not loaded;
it must keep every hard rule, and anything less falls back to CP-SAT."""

from __future__ import annotations

import pytest

from affiche.programmes.check import check_schedule
from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.cpsat import build_model, complete_hint
from affiche.scheduler.greedy import greedy_placement
from affiche.scheduler.problem import build_problem
from affiche.scheduler.solve import greedy_if_optimal, has_objective
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

NO_WEIGHTS = {"weights": {name: 0 for name in ("preferred_venue", "preferred_hours",
                                               "audience_clash", "hotel_nights",
                                               "repeat_same_day", "moved")}}


def _without_objective(data: dict) -> dict:
    data["solver"] = {**data.get("solver", {}), **NO_WEIGHTS}
    return data


def test_objective_only_when_a_weight_can_cost() -> None:
    assert has_objective(build_problem(make_spec()))
    assert not has_objective(build_problem(make_spec(_without_objective(spec_data()))))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_greedy_programme_keeps_every_hard_rule(seed: int) -> None:
    """Generated festivals (installations, repeats, shared artists, two cities, relations):
    the shortcut's programme passes the independent checker, and CP-SAT accepts it whole."""
    spec = Spec.model_validate(_without_objective(generate_spec(60, seed)))
    problem, result, schedule = solve_spec(spec)
    assert result.status == "optimal" and result.objective == 0
    assert schedule is not None and check_schedule(spec, schedule) == []
    assert len(result.chosen) == len(problem.occurrences)
    variables, _terms = build_model(problem, allow_unplaced=False)
    assert complete_hint(variables.model, 10.0) is not None


def _order_trap() -> dict:
    """In the first pass `free` takes the hall at 11:00; then `late` (whose artist needs an
    hour to walk from the hall) finds no venue. Placing `late` first works."""
    venues = [venue("hall", hours={"opens": "10:00", "closes": "12:00"}),
              venue("studio", hours={"opens": "11:00", "closes": "12:00"})]
    items = [item("free"), item("first", venues=["hall"], artists=["ana", "cy"]),
             item("late", artists=["cy"])]
    fest = festival(venues=venues, items=items, end="2026-06-12", default_walking_minutes=60)
    data = spec_data(festivals=[fest], artists=[artist("ana"), artist("cy")],
                     solver={"grain_minutes": 60})
    return _without_objective(data)


def _greedy_trap() -> dict:
    """Ana's two talks must share the studio (an hour's walk between venues), but every
    pass puts one of them in the hall, the earliest fit, whatever the order."""
    venues = [venue("hall", hours={"opens": "11:00", "closes": "12:00"}),
              venue("studio", hours={"opens": "11:00", "closes": "13:00"})]
    items = [item("solo", artists=["ana"]), item("duo", artists=["ana", "cy"]), item("free")]
    fest = festival(venues=venues, items=items, end="2026-06-12", default_walking_minutes=60)
    data = spec_data(festivals=[fest], artists=[artist("ana"), artist("cy")],
                     solver={"grain_minutes": 60})
    return _without_objective(data)


def test_a_later_pass_places_first_what_the_first_pass_left_out() -> None:
    problem = build_problem(make_spec(_order_trap()))
    assert len(greedy_placement(problem, passes=1)) == 2
    placed = greedy_placement(problem)
    assert len(placed) == 3 and placed["fest.late.1"][0] == "hall"
    result = greedy_if_optimal(problem, greedy_placement(problem), 0.0)
    assert result is not None and result.status == "optimal"


def test_falls_back_to_cp_sat_when_greedy_leaves_items_out() -> None:
    spec = make_spec(_greedy_trap())
    problem = build_problem(spec)
    assert len(greedy_placement(problem)) < len(problem.occurrences)
    assert greedy_if_optimal(problem, greedy_placement(problem), 0.0) is None
    _problem, result, schedule = solve_spec(spec)
    assert result.status == "optimal"
    assert schedule is not None and check_schedule(spec, schedule) == []
    assert {result.chosen[f"fest.{i}.1"].venue for i in ("solo", "duo")} == {"studio"}


def test_cp_sat_is_not_loaded_for_a_problem_without_objective() -> None:
    data = _without_objective(generate_spec(40, 1))
    assert solve_in_fresh_process(data) == ["optimal", "0.0", "0.0", "False"]


def test_a_weight_sends_the_problem_to_cp_sat() -> None:
    data = _without_objective(generate_spec(40, 1))
    data["solver"]["weights"]["hotel_nights"] = 4
    problem = build_problem(Spec.model_validate(data))
    assert has_objective(problem)
    placed = greedy_placement(problem)
    assert len(placed) == len(problem.occurrences)
    assert greedy_if_optimal(problem, placed, 0.0) is None  # it costs more than the floor
    _problem, result, _schedule = solve_spec(Spec.model_validate(data))
    assert "hotel nights" in result.terms
