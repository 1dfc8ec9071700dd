"""`Problem.day_of` (by cuts, looked up by bisection) against `rules.day_of` read literally:
the day holding the grain that the item lists, else the latest-starting day holding it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from affiche.programmes.model import Weights
from affiche.scheduler.grains import Clock
from affiche.scheduler.problem import Day, Problem

spans = st.tuples(st.integers(0, 60), st.integers(1, 30)).map(lambda p: (p[0], p[0] + p[1]))


def _literally(days: list[Day], listed: tuple[int, ...], grain: int) -> int | None:
    holding = [index for index, day in enumerate(days) if day.start <= grain < day.end]
    for index in holding:
        if index in listed:
            return index
    return max(holding, key=lambda index: days[index].start, default=None)


def _problem(days: list[Day], listed: tuple[int, ...]) -> Problem:
    return Problem(clock=Clock(datetime(2026, 6, 1, tzinfo=UTC)), occurrences=[], venues={},
                   days={"fest": days}, relations=[], travel={}, weights=Weights(),
                   listed_days={"show": listed})


@given(st.lists(spans, max_size=5), st.lists(st.integers(0, 4), max_size=3))
def test_day_of_is_the_rule(bounds: list[tuple[int, int]], listed_list: list[int]) -> None:
    days = [Day("fest", date(2026, 6, 1) + timedelta(days=n), a, b)
            for n, (a, b) in enumerate(bounds)]
    listed = tuple(listed_list)
    problem = _problem(days, listed)
    for grain in range(-2, 95):
        for item in ("show", "other", None):
            expected = _literally(days, listed if item == "show" else (), grain)
            assert problem.day_of("fest", grain, item) == expected


def test_new_days_are_read_anew() -> None:
    first = [Day("fest", date(2026, 6, 1), 0, 10)]
    problem = _problem(first, ())
    assert problem.day_of("fest", 12) is None
    problem.days["fest"] = [Day("fest", date(2026, 6, 1), 0, 20)]
    assert problem.day_of("fest", 12) == 0
