"""Items for one audience (a shared tag) at once cost the weight per minute of overlap.

Per tag and instant, the cost is the number of tagged occurrences running then, minus one
(when more than one): summed over time, that is the tagged occurrences' total duration
minus the length of their union. Two items overlapping five minutes cost 5 minutes, three
at once for an hour 120. Repeats of one item count like different items (one audience,
split either way). Additive over time, so it bounds well (`floor`) and models without
pairs:

In CP-SAT, each tagged occurrence keeps a suffix of itself "seen" ([seen_from, end), of
length `seen`), and the seen parts of one tag's occurrences never overlap (one no-overlap
per tag). The most the seen parts can cover is the union (sorted by start, each keeps what
lies past the ends of those before it), so the least of `duration - seen` summed is the
overlap: the model's objective is exact at every optimum of the seen parts, and never
below the true cost. Every programme the solver finds is re-priced here in full
(`violations`, the same suffix sweep), and so is the hint it starts from.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.result import Violation
from affiche.scheduler.soft.family import FloorContext, Marginal, Placed, SoftFamily, Term
from affiche.scheduler.spans import normalise

if TYPE_CHECKING:
    from affiche.scheduler.soft.family import Expr
    from affiche.scheduler.variables import Variables

# Above this many components of a tag's possible time, the floor takes each component
# alone and all of them together instead of every run of consecutive ones.
MAX_FLOOR_COMPONENTS = 400


def tagged(problem: Problem) -> dict[str, list[Occurrence]]:
    """The timed occurrences of each audience tag, in problem order."""
    by_tag: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in problem.occurrences:
        if not occ.installation:
            for tag in dict.fromkeys(occ.tags):
                by_tag[tag].append(occ)
    return dict(by_tag)


def lost_minutes(
    booked: Iterable[tuple[int, int, str]],
) -> list[tuple[str, int, int]]:
    """(uid, start of its seen part, grains overlapped) of each (start, end, uid) of one tag:
    sorted by start, each occurrence is seen past the ends of those before it."""
    covered = None
    out = []
    for start, end, uid in sorted(booked):
        seen_from = start if covered is None else min(end, max(covered, start))
        out.append((uid, seen_from, seen_from - start))
        covered = end if covered is None else max(covered, end)
    return out


class AudienceClash(SoftFamily):
    name = "audience clash"
    weight_name = "audience_clash"

    def per_grain(self, problem: Problem) -> int:
        """The weight of one grain of overlap (the weight counts minutes)."""
        return self.weight(problem) * problem.clock.minutes

    def terms(self, problem: Problem, v: Variables) -> list[Term]:
        weight = self.per_grain(problem)
        terms = []
        for tag, occs in sorted(tagged(problem).items()) if weight else []:
            if len(occs) < 2:
                continue
            intervals = []
            for occ in occs:
                seen, interval = self._seen_part(problem, v, tag, occ)
                intervals.append(interval)
                present = v.is_placed(occ.uid)
                terms.append(_term(weight, tag, occ.uid, occ.duration * present - seen))
            v.model.add_no_overlap(intervals)
        return terms

    @staticmethod
    def _seen_part(problem: Problem, v: Variables, tag: str, occ: Occurrence) -> tuple:
        """An empty seen part is absent, not a point: CP-SAT's no-overlap refuses a zero-size
        interval strictly inside another."""
        model = v.model
        low, high = problem.reach(occ)
        seen = model.new_int_var(0, occ.duration, f"seen[{tag},{occ.uid}]")
        seen_from = model.new_int_var(low, high, f"seen_from[{tag},{occ.uid}]")
        shown = model.new_bool_var(f"shown[{tag},{occ.uid}]")
        interval = model.new_optional_interval_var(seen_from, seen, v.end_of(occ.uid), shown,
                                                   f"audience[{tag},{occ.uid}]")
        model.add(seen <= occ.duration * shown)
        model.add(seen >= shown)
        present = v.is_placed(occ.uid)
        if not isinstance(present, int):
            model.add_implication(shown, present)
        v.audience_parts[(tag, occ.uid)] = (seen_from, seen, shown)
        return seen, interval

    def hint(self, problem: Problem, v: Variables, placed: Placed) -> None:
        """The seen parts of the programme `placed` (so its completion is priced exactly)."""
        for tag, occs in tagged(problem).items():
            booked = [(placed[o.uid][1], placed[o.uid][1] + o.duration, o.uid)
                      for o in occs if o.uid in placed]
            seen = {uid: (start, v.occurrences[uid].duration - lost)
                    for uid, start, lost in lost_minutes(booked)}
            for occ in occs:
                part = v.audience_parts.get((tag, occ.uid))
                if part is None:
                    continue
                start, length = seen.get(occ.uid, (problem.reach(occ)[0], 0))
                if not length:
                    start = placed[occ.uid][1] + occ.duration if occ.uid in placed else start
                v.model.add_hint(part[0], start)
                v.model.add_hint(part[1], length)
                v.model.add_hint(part[2], length > 0)

    def violations(self, problem: Problem, placed: Placed) -> list[Violation]:
        weight = self.per_grain(problem)
        found = []
        for tag, occs in sorted(tagged(problem).items()):
            booked = [(placed[o.uid][1], placed[o.uid][1] + o.duration, o.uid)
                      for o in occs if o.uid in placed]
            if len(booked) < 2:
                continue
            found += [_term(weight, tag, uid, 1).violation(lost)
                      for uid, _, lost in lost_minutes(booked) if lost]
        return found

    def floor(self, problem: Problem, context: FloorContext) -> float:
        """Per tag, the overlap no programme avoids: the tagged occurrences all lie in the
        union of their options' spans, so over any run of its components they overlap by at
        least the durations of those confined to the run minus the run's length; the best
        split into runs is a small dynamic programme."""
        weight = self.per_grain(problem)
        return float(weight * sum(_forced_by_tag(problem).values())) if weight else 0.0

    def most_saved(self, problem: Problem, occ: Occurrence) -> float:
        """The most leaving `occ` out can save of this family's floor: per tag, its
        duration, and no more than the tag's floor (an occurrence fewer removes at most its
        own minutes from a tag's overlap)."""
        if not occ.tags or occ.installation:
            return 0.0
        forced = _forced_by_tag(problem)
        return float(self.per_grain(problem) * sum(min(occ.duration, forced.get(tag, 0))
                                                   for tag in set(occ.tags)))

    def marginal(self, problem: Problem) -> Marginal:
        return _Overlap(problem, self.per_grain(problem))


def _term(weight: int, tag: str, uid: str, expr: Expr) -> Term:
    return Term(AudienceClash.name, f"{tag}: {uid}", weight, expr, (uid,))


_FORCED: dict[int, tuple[Problem, dict[str, int]]] = {}


def _forced_by_tag(problem: Problem) -> dict[str, int]:
    """`_forced_overlap` of each tag (kept for the last problem asked about)."""
    kept = _FORCED.get(id(problem))
    if kept is None or kept[0] is not problem:
        _FORCED.clear()
        kept = (problem, {tag: _forced_by_parts(occs) for tag, occs in tagged(problem).items()
                          if len(occs) > 1})
        _FORCED[id(problem)] = kept
    return kept[1]


def _forced_by_parts(occs: list[Occurrence]) -> int:
    """Grains of overlap every placement of one tag's `occs` has: the most of
    `_forced_overlap` over the tag as one, festival by festival, and festivals whose
    possible times meet taken together. Any split of the occurrences into parts bounds it
    by the sum of the parts' overlaps (the whole's union is at most the parts' unions
    added up), so a festival short of time for its audience counts even when another
    festival's hours, elsewhere in the world, fill the gaps between its days."""
    by_festival: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in occs:
        by_festival[occ.festival].append(occ)
    if len(by_festival) == 1:
        return _forced_overlap(occs)
    parts = list(by_festival.values())
    return max(_forced_overlap(occs), sum(_forced_overlap(part) for part in parts),
               sum(_forced_overlap(part) for part in _meeting(parts)))


def _meeting(parts: list[list[Occurrence]]) -> list[list[Occurrence]]:
    """`parts` joined where their possible times overlap (transitively)."""
    reach = [(min(a for o in part for option in o.options for a, _ in option.spans),
              max(b for o in part for option in o.options for _, b in option.spans), part)
             for part in parts]
    joined: list[tuple[int, list[Occurrence]]] = []
    for low, high, part in sorted(reach, key=lambda r: r[0]):
        if joined and low < joined[-1][0]:
            joined[-1] = (max(joined[-1][0], high), joined[-1][1] + part)
        else:
            joined.append((high, list(part)))
    return [part for _, part in joined]


def _forced_overlap(occs: list[Occurrence]) -> int:
    """Grains of overlap every placement of `occs` (one tag) has (see `floor`)."""
    parts = normalise(span for o in occs for option in o.options for span in option.spans)
    lows = [a for a, _ in parts]
    count = len(parts)
    within: dict[tuple[int, int], int] = defaultdict(int)  # (first, last component) -> grains
    for occ in occs:
        touched = [bisect_left(lows, a + 1) - 1 for option in occ.options
                   for a, _ in option.spans]
        within[(min(touched), max(touched))] += occ.duration
    lengths = [b - a for a, b in parts]
    if count > MAX_FLOOR_COMPONENTS:
        alone = sum(max(0, d - lengths[i]) for (i, j), d in within.items() if i == j)
        return max(alone, sum(within.values()) - sum(lengths))
    # ending[j][i]: grains of occurrences confined to components i..j whose last one is j
    ending = [[0] * count for _ in range(count)]
    for (first, last), grains in within.items():
        ending[last][first] += grains
    best = [0] * (count + 1)  # best[j]: the most forced over components 0..j-1
    confined = [0] * count  # confined[i]: grains of occurrences within i..j (j so far)
    for j in range(count):
        running = 0
        for i in range(j, -1, -1):  # suffix sums: occurrences starting at i or later, ending j
            running += ending[j][i]
            confined[i] += running
        length = 0
        best[j + 1] = best[j]
        for i in range(j, -1, -1):
            length += lengths[i]
            best[j + 1] = max(best[j + 1], best[i] + confined[i] - length)
    return best[count]


class _Overlap(Marginal):
    """Minutes of its time already taken by its audiences' other occurrences."""

    prices_time = True

    def __init__(self, problem: Problem, weight: int) -> None:
        self.weight = weight
        self._tagged: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self._longest = max((o.duration for o in problem.occurrences), default=0)

    def record(self, occ: Occurrence, start: int, day: int | None) -> None:
        for tag in set(occ.tags):
            insort(self._tagged[tag], (start, start + occ.duration, occ.uid))

    def forget(self, occ: Occurrence, start: int, day: int | None) -> None:
        for tag in set(occ.tags):
            self._tagged[tag].remove((start, start + occ.duration, occ.uid))

    def at(self, occ: Occurrence, start: int, day: int | None) -> int:
        if not occ.tags or not self.weight:
            return 0
        end = start + occ.duration
        overlap = 0
        for tag in set(occ.tags):
            booked = self._tagged[tag]
            low = bisect_left(booked, (start - self._longest + 1,))
            covered = start  # booked is sorted by start: merge the clipped parts in one sweep
            for a, b, _ in booked[low:bisect_left(booked, (end,))]:
                if b > covered:
                    overlap += min(b, end) - max(a, covered)
                    covered = min(b, end)
        return self.weight * overlap

    def starts(self, occ: Occurrence) -> Iterable[int]:
        """Just after a same-audience occurrence ends."""
        return [end for tag in set(occ.tags) for _, end, _ in self._tagged[tag]]
