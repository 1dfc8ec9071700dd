"""Large-neighbourhood search around the incumbent: each answer is a programme the
independent checker accepts, never costlier than the incumbent, and from a poor one
(earliest fits, every audience packed into the mornings) it finds a cheaper one."""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

from affiche.programmes.check import check_schedule
from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler import cpsat, lns
from affiche.scheduler.assemble import assemble_schedule
from affiche.scheduler.greedy import Greedy
from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.pricing import Placed, total
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.result import SolveResult, chosen_of
from affiche.scheduler.solve import SolveOptions, solve
from affiche.scheduler.variables import Variables


def _from_earliest_fits(problem: Problem) -> tuple[Placed, Variables, list[int]]:
    """A poor programme (earliest fits, every audience packed into the mornings), the model
    built around it, and the model's solution completing it: a search's starting point."""
    poor = Greedy(problem, priced=False).run()
    variables, _ = cpsat.build_model(problem, False, poor)
    completed = cpsat.complete_hint(variables.model, 10.0)
    assert completed is not None
    return poor, variables, list(completed.response_proto.solution)


def test_search_from_a_poor_programme_finds_a_cheaper_valid_one() -> None:
    spec = Spec.model_validate(generate_spec(120, 2))
    problem = build_problem(spec)
    poor, variables, incumbent = _from_earliest_fits(problem)
    assert len(poor) == len(problem.occurrences)
    heard: list[float] = []
    found, improved = lns.search(
        problem, variables, incumbent, time.perf_counter() + 10,
        lambda reader: cpsat._grains(problem, variables, reader), workers=2, seed=1,
        better=heard.append)
    assert improved >= 1 and total(problem, found) < total(problem, poor)
    assert len(heard) == improved and heard == sorted(heard, reverse=True)
    assert heard[-1] == total(problem, found)  # each improvement is heard, in full
    result = SolveResult(status="feasible", chosen=chosen_of(problem, found))
    assert check_schedule(spec, assemble_schedule(spec, result)) == []


def test_a_large_model_gets_the_search_and_stays_never_worse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from affiche.scheduler.greedy import greedy_placement

    monkeypatch.setattr(cpsat, "LNS_MODEL", 100)  # this small model counts as large
    problem = build_problem(Spec.model_validate(generate_spec(120, 2)))
    greedy = total(problem, greedy_placement(problem))
    result = solve(problem, SolveOptions(time_limit=6, workers=2, force_cpsat=True))
    assert result.has_solution and len(result.chosen) == len(problem.occurrences)
    grains = {uid: (c.venue, problem.clock.ceil(c.start)) for uid, c in result.chosen.items()}
    assert result.objective == total(problem, grains) <= greedy


class _Round:
    """A finished round as `lns._resized` reads it."""

    def __init__(self, status: int) -> None:
        self.response_proto = type("Response", (), {"status": status})()


def test_neighbourhoods_grow_after_solved_rounds_and_shrink_after_timed_out_ones() -> None:
    solved, timed_out = _Round(cp_model.OPTIMAL), _Round(cp_model.FEASIBLE)
    size = float(lns.NEIGHBOURHOOD)
    assert lns._resized(size, solved, 1000) > size
    assert lns._resized(size, timed_out, 1000) < size
    assert lns._resized(size, None, 1000) < size
    assert lns._resized(lns.MAX_NEIGHBOURHOOD, solved, 1000) == lns.MAX_NEIGHBOURHOOD
    assert lns._resized(size, solved, 20) == 20  # never more than there are to free
    assert lns._resized(lns.MIN_NEIGHBOURHOOD, None, 1000) == lns.MIN_NEIGHBOURHOOD


def test_each_kind_of_neighbourhood_learns_its_own_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds of one kind that run out of time shrink that kind's neighbourhoods only: the
    artists' rounds (hard) must not drag a day's (solved at once) down with them."""
    problem = build_problem(Spec.model_validate(generate_spec(120, 2)))
    _, variables, incumbent = _from_earliest_fits(problem)
    best = lns._placed_of(problem, variables, incumbent)
    asked: dict[str, list[int]] = {"artists": [], "day": []}
    hard: set[str] = set()

    def artists(_p: object, _b: object, timed: list[Occurrence], _r: object, size: int) -> set[str]:
        asked["artists"].append(size)
        hard.update(o.uid for o in timed[:size])
        return {o.uid for o in timed[:size]}

    def day(_p: object, _b: object, timed: list[Occurrence], _r: object, size: int) -> set[str]:
        asked["day"].append(size)
        return {o.uid for o in timed[-size:]}

    def solve_round(*args: object) -> _Round | None:  # the artists' rounds run out of time
        free = args[4]
        assert isinstance(free, set)
        return None if free <= hard else _Round(cp_model.OPTIMAL)

    monkeypatch.setattr(lns, "_by_artists", artists)
    monkeypatch.setattr(lns, "_by_day", day)
    monkeypatch.setattr(lns, "_by_tag", lambda *args: set())
    monkeypatch.setattr(lns, "_by_venues", lambda *args: set())
    monkeypatch.setattr(lns, "_by_window", lambda *args: set())
    monkeypatch.setattr(lns, "_solve_round", solve_round)
    lns.search(problem, variables, incumbent, time.perf_counter() + 0.5,
               lambda reader: best, workers=1, seed=1)
    assert len(asked["day"]) > 5 and len(asked["artists"]) > 5
    assert asked["day"][5] > lns.NEIGHBOURHOOD > asked["artists"][5]


def _whole_model(limit: float, trial: float, keep: bool) -> tuple[float, int]:
    """Seconds and status of the whole-model search of a 120-item festival given up after
    `trial` unless cheaper than the greedy programme; `keep` lets it see the solutions."""
    problem = build_problem(Spec.model_validate(generate_spec(120, 2)))
    variables, _ = cpsat.build_model(problem, False, Greedy(problem).run())
    completed = cpsat.complete_hint(variables.model, 10.0)
    assert completed is not None
    cheapest = cpsat._Cheapest(problem, variables, False)
    cheapest.keep(completed)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    progress = cpsat._Progress(None, cheapest.keep if keep else None)
    began = time.perf_counter()
    with cpsat._given_up_unless_cheaper(solver, cheapest, trial):
        code = solver.solve(variables.model, progress)
    return time.perf_counter() - began, code


def test_the_whole_model_gives_up_when_it_finds_nothing_cheaper_in_its_trial() -> None:
    seconds, code = _whole_model(limit=60.0, trial=0.5, keep=False)
    assert code != cp_model.OPTIMAL and seconds < 20.0


def test_the_whole_model_keeps_its_time_when_it_finds_a_cheaper_programme() -> None:
    seconds, code = _whole_model(limit=4.0, trial=1.0, keep=True)
    assert code == cp_model.OPTIMAL or seconds > 3.5


def test_a_stretch_of_time_frees_the_nearest_occurrences_of_one_festival_in_every_venue(
) -> None:
    """The window neighbourhood: the `size` occurrences of the centre's festival whose time
    lies nearest its start, whatever their venue; none of another festival."""
    import random

    problem = build_problem(Spec.model_validate(generate_spec(120, 2)))
    best = Greedy(problem).run()
    timed = [o for o in problem.occurrences if not o.installation and o.uid in best]
    centre = next(o for o in timed if o.tags and o.festival != timed[0].festival)
    size = 25
    free = lns._nearest_in_time(best, timed, centre, size, random.Random(3))
    assert len(free) == size and centre.uid in free
    freed = [o for o in timed if o.uid in free]
    assert {o.festival for o in freed} == {centre.festival}
    assert len({best[o.uid][0] for o in freed}) > 1  # across venues

    def apart(occ: Occurrence) -> int:
        return lns._apart(best[occ.uid][1], occ.duration, best[centre.uid][1])

    kept = [o for o in timed if o.uid not in free and o.festival == centre.festival]
    assert kept and min(map(apart, kept)) >= max(map(apart, freed)) > 0
    rounds = {frozenset(lns._by_window(problem, best, timed, random.Random(n), size))
              for n in range(4)}
    assert len(rounds) > 1 and all(len(r) == size for r in rounds)  # centres vary


def test_the_search_stops_at_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A programme that costs what every programme pays has nothing cheaper around it: no
    round is solved (with a bound below it, rounds are)."""
    problem = build_problem(Spec.model_validate(generate_spec(120, 2)))
    _, variables, incumbent = _from_earliest_fits(problem)
    cost = total(problem, lns._placed_of(problem, variables, incumbent))
    rounds: list[int] = []

    def solve_round(*args: object) -> None:
        rounds.append(1)

    monkeypatch.setattr(lns, "_solve_round", solve_round)
    for bound in (cost, cost - 1):
        rounds.clear()
        lns.search(problem, variables, incumbent, time.perf_counter() + 0.5,
                   lambda reader: {}, workers=1, seed=1, bound=bound)
        assert (len(rounds) == 0) == (bound == cost)


def test_progress_lines_never_show_a_bound_below_the_one_proven_before() -> None:
    """CP-SAT's own bound on a large model stays near 0; the line shows the floors' and
    the day bound's (`floor`), and the cheapest programme counted in full."""
    lines: list[str] = []
    progress = cpsat._Progress(lines.append, None, lambda: 140.0, floor=115.0)
    progress.started -= 5  # lines begin once the run passes 1 s
    progress.on_bound(3.0)
    assert lines[-1].endswith("best objective …  bound 115")
    progress._last_line = 0.0
    progress.say(120.0)  # as the search reports its improvements
    assert lines[-1].endswith("best objective 120  bound 115")
