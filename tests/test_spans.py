"""Span algebra against a brute-force model: a set of the integers each span covers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from affiche.scheduler.spans import (
    Spans,
    intersect,
    long_enough,
    normalise,
    start_ranges,
    subtract,
    total,
)

raw_spans = st.lists(
    st.tuples(st.integers(-30, 60), st.integers(-30, 60)), max_size=8
)
spans = raw_spans.map(normalise)
lengths = st.integers(0, 40)


def points(spans: Spans | list[tuple[int, int]]) -> set[int]:
    return {n for start, end in spans for n in range(start, end)}


def is_normal(spans: Spans) -> bool:
    """Sorted, non-empty, and neither overlapping nor touching."""
    return all(a < b for a, b in spans) and all(
        first[1] < second[0] for first, second in zip(spans, spans[1:], strict=False)
    )


@given(raw_spans)
def test_normalise_keeps_the_points_and_is_canonical(raw: list[tuple[int, int]]) -> None:
    result = normalise(raw)
    assert points(result) == points(raw)
    assert is_normal(result)
    assert normalise(result) == result
    assert isinstance(result, tuple)


@given(spans, spans)
def test_intersect_is_set_intersection(first: Spans, second: Spans) -> None:
    result = intersect(first, second)
    assert points(result) == points(first) & points(second)
    assert is_normal(result)
    assert result == intersect(second, first)


@given(spans, spans)
def test_subtract_is_set_difference(kept: Spans, removed: Spans) -> None:
    result = subtract(kept, removed)
    assert points(result) == points(kept) - points(removed)
    assert is_normal(result)


@given(spans, spans, spans)
def test_intersect_distributes_over_subtract(a: Spans, b: Spans, c: Spans) -> None:
    assert intersect(subtract(a, b), c) == subtract(intersect(a, c), b)


@given(spans)
def test_total_counts_the_points(some: Spans) -> None:
    assert total(some) == len(points(some))


@given(spans, lengths)
def test_long_enough_keeps_exactly_the_spans_that_fit(some: Spans, length: int) -> None:
    result = long_enough(some, length)
    assert set(result) == {s for s in some if s[1] - s[0] >= length}


@given(spans, lengths)
def test_start_ranges_are_every_start_that_fits(some: Spans, length: int) -> None:
    starts = {n for a, b in start_ranges(some, length) for n in range(a, b + 1)}
    covered = points(some)
    fits = {
        s for s in range(-40, 70)
        if all(n in covered for n in range(s, s + length))
        and any(a <= s and s + length <= b for a, b in some)
    }
    assert starts == fits


def test_examples() -> None:
    assert normalise([(5, 7), (1, 3), (3, 4), (6, 6), (9, 8)]) == ((1, 4), (5, 7))
    assert intersect(((0, 10),), ((2, 3), (5, 12))) == ((2, 3), (5, 10))
    assert subtract(((0, 10),), ((2, 3), (5, 12))) == ((0, 2), (3, 5))
    assert start_ranges(((0, 10), (20, 22)), 3) == ((0, 7),)


@given(raw_spans)
def test_normalise_apart_keeps_touching_spans_apart(raw: list[tuple[int, int]]) -> None:
    apart = normalise(raw, join_touching=False)
    assert points(apart) == points(raw)
    assert all(a[1] <= b[0] for a, b in zip(apart, apart[1:], strict=False))
    assert normalise(apart) == normalise(raw)


def test_touching_windows_stay_two_windows() -> None:
    assert normalise([(5, 9), (0, 5)], join_touching=False) == ((0, 5), (5, 9))
    assert normalise([(5, 9), (0, 5)]) == ((0, 9),)
    assert intersect(((0, 5), (5, 9)), ((0, 9),)) == ((0, 5), (5, 9))
