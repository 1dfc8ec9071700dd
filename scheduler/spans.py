"""Sets of half-open integer spans [start, end), kept sorted and disjoint (touching
spans may stay apart: two windows that meet are still two windows)."""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]
Spans = tuple[Span, ...]


def normalise(spans: Iterable[Span], join_touching: bool = True) -> Spans:
    """Sorted, merged, non-empty spans. Overlapping spans always merge; spans that only
    touch ([0, 5) and [5, 9)) merge unless `join_touching` is False (windows: an item
    sits inside one, see `programmes/rules.py`)."""
    # a set first: the union of many occurrences' options repeats the same spans
    ordered = sorted({span for span in spans if span[1] > span[0]})
    if not ordered:
        return ()
    merged: list[Span] = []
    first, last = ordered[0]
    for start, end in ordered:
        if start < last or (join_touching and start == last):
            if end > last:
                last = end
        else:
            merged.append((first, last))
            first, last = start, end
    merged.append((first, last))
    return tuple(merged)


def intersect(first: Spans, second: Spans) -> Spans:
    result: list[Span] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return tuple(result)


def subtract(spans: Spans, removed: Spans) -> Spans:
    result: list[Span] = []
    for start, end in spans:
        cursor = start
        for r_start, r_end in removed:
            if r_end <= cursor or r_start >= end:
                continue
            if r_start > cursor:
                result.append((cursor, r_start))
            cursor = max(cursor, r_end)
        if cursor < end:
            result.append((cursor, end))
    return tuple(result)


def long_enough(spans: Spans, length: int) -> Spans:
    return tuple(s for s in spans if s[1] - s[0] >= length)


def start_ranges(spans: Spans, length: int) -> Spans:
    """The starts [a, b - length] at which something of `length` fits in each span."""
    return tuple((a, b - length) for a, b in spans if b - a >= length)


def total(spans: Spans) -> int:
    return sum(end - start for start, end in spans)
