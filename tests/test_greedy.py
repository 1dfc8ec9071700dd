"""The greedy first programme: what it does beyond keeping the hard rules."""

from __future__ import annotations

from affiche.scheduler.greedy import greedy_placement
from affiche.scheduler.problem import build_problem
from tests.builders import festival, item, make_spec, spec_data


def _repeat_days(weight: int) -> list[int | None]:
    data = spec_data(festivals=[festival(items=[item("show", occurrences=3)])],
                     solver={"weights": {"repeat_same_day": weight}})
    problem = build_problem(make_spec(data))
    placed = greedy_placement(problem)
    return [problem.day_of("fest", placed[f"fest.show.{n}"][1]) for n in (1, 2, 3)]


def test_repeats_go_on_the_following_days_when_one_day_costs() -> None:
    assert _repeat_days(3) == [0, 1, 2]


def test_repeats_pack_from_the_first_day_when_it_costs_nothing() -> None:
    assert _repeat_days(0) == [0, 0, 0]
