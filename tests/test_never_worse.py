"""The programme returned is the cheapest one found counted in full, whatever path found
it: CP-SAT's solutions are re-priced in full, and with no time left for CP-SAT the
greedy programme is the answer."""

from __future__ import annotations

import pytest

from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.greedy import greedy_placement
from affiche.scheduler.pricing import total
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.result import SolveResult
from affiche.scheduler.solve import SolveOptions, solve


def _grains(problem: Problem, result: SolveResult) -> dict[str, tuple[str, int]]:
    return {uid: (c.venue, problem.clock.ceil(c.start)) for uid, c in result.chosen.items()}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_objective_is_the_full_price_and_no_worse_than_greedy(seed: int) -> None:
    """The model's audience overlap is exact only at its optimum: every solution is
    re-priced in full, and the cheapest returned."""
    problem = build_problem(Spec.model_validate(generate_spec(80, seed)))
    greedy = total(problem, greedy_placement(problem))
    result = solve(problem, SolveOptions(time_limit=4, workers=2, force_cpsat=True))
    assert result.has_solution and len(result.chosen) == len(problem.occurrences)
    assert result.objective == total(problem, _grains(problem, result))
    assert result.objective == sum(v.cost for v in result.violations)
    assert result.objective <= greedy
    assert result.bound is not None and result.bound <= result.objective


def test_the_result_names_its_own_first_complete_programme_and_is_no_worse() -> None:
    """What "never worse" is measured against (the benchmarks read it): the cost of the
    first complete programme of this same solve."""
    problem = build_problem(Spec.model_validate(generate_spec(80, 1)))
    result = solve(problem, SolveOptions(time_limit=4, workers=2))
    assert result.first_objective is not None and result.objective is not None
    assert result.objective <= result.first_objective


def test_with_no_time_left_the_greedy_programme_is_the_answer() -> None:
    problem = build_problem(Spec.model_validate(generate_spec(60, 1)))
    result = solve(problem, SolveOptions(time_limit=0.0, workers=2))
    assert result.status == "feasible"
    assert len(result.chosen) == len(problem.occurrences)
    out_of_time = greedy_placement(problem, deadline=0.0)  # no pass after the first
    assert result.objective == total(problem, out_of_time) > 0
    assert result.bound is not None and result.bound <= result.objective
    assert any("no time for CP-SAT" in note for note in result.notes)


def test_a_pass_past_its_deadline_stops_placing() -> None:
    from affiche.scheduler.greedy import Greedy

    problem = build_problem(Spec.model_validate(generate_spec(60, 1)))
    assert Greedy(problem, deadline=0.0).run() == {}  # a perf_counter instant long past
    assert len(Greedy(problem).run()) == len(problem.occurrences)


def test_out_of_time_without_a_complete_programme_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The time limit holds for the whole solve: a first pass cut short is no programme
    (unknown, saying how far it got), or, with items allowed out, what it placed."""
    from affiche.scheduler import greedy

    monkeypatch.setattr(greedy, "FIRST_PASS_GRACE", 0.0)
    problem = build_problem(Spec.model_validate(generate_spec(60, 1)))
    none = solve(problem, SolveOptions(time_limit=0.0, workers=2))
    assert none.status == "unknown" and not none.chosen
    assert "no complete programme within the time limit" in none.notes[0]
    partial = solve(problem, SolveOptions(time_limit=0.0, workers=2, allow_unplaced=True))
    assert partial.status == "feasible" and len(partial.chosen) < len(problem.occurrences)
    assert set(partial.unplaced.values()) == {"not placed within the time limit"}
