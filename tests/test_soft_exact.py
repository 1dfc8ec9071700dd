"""The cost a solve reports is the cost of the programme it returns, even a programme that is
not optimal: each soft literal is set exactly when its violation is there.

The first solution (the greedy programme completed by propagation, with no objective to
push the literals down) is where a one-way link showed: repeats reported on one day that
were on two."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import combinations

import pytest

from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.cpsat import _read_solution, build_model, complete_hint
from affiche.scheduler.problem import Problem, build_problem
from affiche.scheduler.result import SolveResult


def _day(problem: Problem, result: SolveResult, uid: str, festival: str) -> int | None:
    return problem.day_of(festival, problem.clock.ceil(result.chosen[uid].start))


def recomputed_costs(problem: Problem, result: SolveResult) -> dict[str, float]:
    """Repeats on one day, audience clashes and hotel nights, counted from the placements."""
    w = problem.weights
    timed = [o for o in problem.occurrences if not o.installation]
    by_item, by_artist = defaultdict(list), defaultdict(list)
    for occ in timed:
        by_item[occ.item].append(occ)
        for artist in occ.bound_artists:
            by_artist[(artist, occ.festival)].append(occ)
    repeats = sum(
        _day(problem, result, a.uid, a.festival) == _day(problem, result, b.uid, b.festival)
        for occs in by_item.values() for a, b in combinations(occs, 2)
    )
    clashes = 0  # per tag and minute, the tagged items running then minus one
    for tag in {t for o in timed for t in o.tags}:
        running: dict[object, int] = defaultdict(int)
        for occ in timed:
            if tag in occ.tags:
                chosen = result.chosen[occ.uid]
                minutes = int((chosen.end - chosen.start).total_seconds() // 60)
                for minute in range(minutes):
                    running[chosen.start + timedelta(minutes=minute)] += 1
        clashes += sum(count - 1 for count in running.values() if count > 1)
    nights = 0
    for occs in by_artist.values():
        days = [_day(problem, result, o.uid, o.festival) for o in occs]
        nights += max(days) - min(days) if len(days) > 1 else 0
    return {"repeat on one day": w.repeat_same_day * repeats,
            "audience clash": w.audience_clash * clashes, "hotel nights": w.hotel_nights * nights}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_first_solution_reports_its_true_cost(seed: int) -> None:
    problem = build_problem(Spec.model_validate(generate_spec(60, seed)))
    variables, terms = build_model(problem, allow_unplaced=False)
    first = complete_hint(variables.model, 10.0)
    assert first is not None
    result = SolveResult(status="feasible")
    _read_solution(result, problem, variables, terms, first, bound=None)
    expected = recomputed_costs(problem, result)
    assert sum(expected.values()) > 0  # the instance does pay something
    for family, cost in expected.items():
        assert result.terms.get(family, 0) == cost, family


def test_audience_clash_counts_minutes_at_once_minus_one() -> None:
    """Three talks for one audience in the same hour: two of them too many for 60 minutes
    (120 minutes of overlap, not three pairs); the model's optimum is that, and so is the
    price of the programme returned, violation by violation."""
    from affiche.scheduler.solve import SolveOptions, solve
    from tests.builders import festival, item, make_spec, spec_data

    talks = [item(f"kids-{n}", tags=["families"]) for n in range(3)]
    data = spec_data(festivals=[festival(items=talks, end="2026-06-12",
                                         hours={"opens": "10:00", "closes": "11:00"})],
                     solver={"weights": {"audience_clash": 2}})
    problem = build_problem(make_spec(data))
    result = solve(problem, SolveOptions(time_limit=5, workers=1, force_cpsat=True))
    assert result.status == "optimal" and result.notes == []
    assert result.terms["audience clash"] == 2 * 120
    clashes = [v for v in result.violations if v.family == "audience clash"]
    assert sorted(v.cost for v in clashes) == [120, 120]
