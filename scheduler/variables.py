"""The CP-SAT variables of a problem, behind question-shaped methods."""

from __future__ import annotations

from ortools.sat.python import cp_model

from affiche.scheduler.occurrences import Occurrence
from affiche.scheduler.problem import Problem
from affiche.scheduler.spans import Spans, normalise, start_ranges

Literal = cp_model.IntVar | int


def domain_of(ranges: Spans) -> cp_model.Domain:
    """A CP-SAT domain from inclusive [a, b] start ranges."""
    return cp_model.Domain.from_intervals([[a, b] for a, b in ranges])


class Variables:
    """Start, presence and interval variables, one optional interval per candidate venue."""

    def __init__(self, model: cp_model.CpModel, problem: Problem, allow_unplaced: bool) -> None:
        self.model = model
        self.problem = problem
        self.occurrences = {occ.uid: occ for occ in problem.occurrences}
        self._placed: dict[str, Literal] = {}
        self._at: dict[tuple[str, str], Literal] = {}
        self._start: dict[str, cp_model.IntVar] = {}
        self._venue_interval: dict[tuple[str, str], cp_model.IntervalVar] = {}
        self._busy_interval: dict[str, cp_model.IntervalVar] = {}
        self._day: dict[str, cp_model.IntVar | int] = {}
        self._venue_index: dict[str, cp_model.IntVar | int] = {}
        self._venue_code: dict[str, cp_model.IntVar | int] = {}
        self._venue_number = {venue: n for n, venue in enumerate(problem.venues, start=1)}
        self.notes: list[str] = []  # what a family could not model in full, for the producer
        self.partial: set[str] = set()  # the soft families modelled in part only
        # (tag, uid) -> (start, length, shown) of the part of an occurrence its audience sees
        self.audience_parts: dict[tuple[str, str], tuple[cp_model.IntVar, ...]] = {}
        for occ in problem.occurrences:
            self._create(occ, allow_unplaced)

    def _create(self, occ: Occurrence, allow_unplaced: bool) -> None:
        model = self.model
        placed = model.new_bool_var(f"placed[{occ.uid}]") if allow_unplaced else 1
        self._placed[occ.uid] = placed
        single = len(occ.options) == 1 and not allow_unplaced
        for option in occ.options:
            key = (occ.uid, option.venue)
            self._at[key] = 1 if single else model.new_bool_var(f"at[{occ.uid},{option.venue}]")
        if occ.installation:
            return
        ranges = {o.venue: start_ranges(o.spans, occ.duration) for o in occ.options}
        union = normalise((a, b + 1) for r in ranges.values() for a, b in r)
        start = model.new_int_var_from_domain(
            domain_of(tuple((a, b - 1) for a, b in union)), f"start[{occ.uid}]"
        )
        self._start[occ.uid] = start
        everywhere = sum(b - a for a, b in union)
        busy = None
        for option in occ.options:
            at = self._at[(occ.uid, option.venue)]
            own = ranges[option.venue]
            if sum(b + 1 - a for a, b in own) != everywhere:  # own ⊆ union: fewer starts
                model.add_linear_expression_in_domain(start, domain_of(own)).only_enforce_if(at)
            changeover = self.problem.venues[option.venue].changeover
            interval = self._interval(
                start, occ.duration + changeover, at, f"in[{occ.uid},{option.venue}]"
            )
            self._venue_interval[(occ.uid, option.venue)] = interval
            if single and not changeover:  # the one venue, no changeover: one interval
                busy = interval
        self._busy_interval[occ.uid] = busy or self._interval(
            start, occ.duration, placed, f"busy[{occ.uid}]"
        )

    def _interval(
        self, start: cp_model.IntVar, size: int, present: Literal, name: str
    ) -> cp_model.IntervalVar:
        if isinstance(present, int):
            return self.model.new_fixed_size_interval_var(start, size, name)
        return self.model.new_optional_fixed_size_interval_var(start, size, present, name)

    # --- questions ---------------------------------------------------------------------

    def is_placed(self, uid: str) -> Literal:
        return self._placed[uid]

    def is_at(self, uid: str, venue: str) -> Literal:
        return self._at.get((uid, venue), 0)

    def venues_of(self, uid: str) -> list[str]:
        return [o.venue for o in self.occurrences[uid].options]

    def start_of(self, uid: str) -> cp_model.IntVar:
        return self._start[uid]

    def end_of(self, uid: str) -> cp_model.LinearExpr:
        return self._start[uid] + self.occurrences[uid].duration

    def venue_index(self, uid: str) -> cp_model.IntVar | int:
        """The position of the chosen venue among the occurrence's options."""
        if uid not in self._venue_index:
            options = self.occurrences[uid].options
            if len(options) == 1:
                self._venue_index[uid] = 0
            else:
                index = self.model.new_int_var(0, len(options) - 1, f"venue_index[{uid}]")
                self.model.add(
                    index == sum(n * self.is_at(uid, o.venue) for n, o in enumerate(options))
                )
                self._venue_index[uid] = index
        return self._venue_index[uid]

    def venue_code(self, uid: str) -> cp_model.IntVar | int:
        """A number that identifies the chosen venue across all occurrences (one variable
        per occurrence, made on first use, so that comparing two is a two-term constraint)."""
        if uid not in self._venue_code:
            options = self.occurrences[uid].options
            numbers = [self._venue_number[o.venue] for o in options]
            if len(options) == 1:
                self._venue_code[uid] = numbers[0]
            else:
                code = self.model.new_int_var_from_domain(  # 0: left out (--allow-unplaced)
                    cp_model.Domain.from_values([0, *numbers]), f"venue_code[{uid}]"
                )
                at = [self.is_at(uid, o.venue) for o in options]
                self.model.add(code == sum(n * a for n, a in zip(numbers, at, strict=True)))
                self._venue_code[uid] = code
        return self._venue_code[uid]

    def venue_interval(self, uid: str, venue: str) -> cp_model.IntervalVar | None:
        return self._venue_interval.get((uid, venue))

    def busy_interval(self, uid: str) -> cp_model.IntervalVar:
        return self._busy_interval[uid]

    def day_of(self, uid: str) -> cp_model.IntVar | int:
        """The programme-day index of an occurrence's start (created on first use)."""
        if uid not in self._day:
            self._day[uid] = self._make_day(self.occurrences[uid])
        return self._day[uid]

    def _make_day(self, occ: Occurrence) -> cp_model.IntVar | int:
        days = self.problem.days[occ.festival]
        ranges = [r for o in occ.options for r in start_ranges(o.spans, occ.duration)]
        low, high = min(a for a, _ in ranges), max(b for _, b in ranges)
        candidates = [index for index, day in enumerate(days)
                      if day.start <= high and day.end > low]
        if len(candidates) == 1:
            return candidates[0]
        day_var = self.model.new_int_var_from_domain(
            cp_model.Domain.from_values(candidates), f"day[{occ.uid}]"
        )
        choices = []
        for index in candidates:
            chosen = self.model.new_bool_var(f"on_day[{occ.uid},{index}]")
            start = self.start_of(occ.uid)
            day = days[index]
            self.model.add_linear_constraint(start, day.start, day.end - 1).only_enforce_if(chosen)
            self.model.add(day_var == index).only_enforce_if(chosen)
            choices.append(chosen)
        self.model.add_exactly_one(choices)
        return day_var

    # --- hints ---------------------------------------------------------------------------

    def hint(self, uid: str, venue: str, start: int | None) -> None:
        for other in self.venues_of(uid):
            at = self._at[(uid, other)]
            if not isinstance(at, int):
                self.model.add_hint(at, other == venue)
        if start is not None and uid in self._start:
            self.model.add_hint(self._start[uid], start)
