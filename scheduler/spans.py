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
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and (start < merged[-1][1] or (join_touching and start == merged[-1][1])):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


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
