"""Fewer candidate venues per occurrence for the CP-SAT model of a large festival."""

from __future__ import annotations

import zlib
from dataclasses import replace

from affiche.scheduler.occurrences import Option
from affiche.scheduler.pricing import Placed
from affiche.scheduler.problem import Problem

# Above this many candidate (occurrence, venue) pairs the model keeps, per occurrence, the
# venue of the greedy programme, its published and preferred venues and a spread of others,
# PRUNED_VENUES in all: at 4,000 generated items (376,551 candidates) the whole model took
# 16 s to build, 10 s to complete the hint and 1.2 GB before CP-SAT started. Its bound then
# holds for the pruned model only, so the reported bound is the families' floor. 4 rather
# than 6 (60 s, 2 cores, one run each): gen3/4000 peak 968 -> 794 MB, objective 88,730 ->
# 88,684; gen/4000 808 -> 740 MB, 105,038 -> 104,956; presolve alone at gen3/4000 611 ->
# 397 MB and 8.6 -> 7.0 s.
PRUNE_ABOVE = 60_000
PRUNED_VENUES = 4


def pruned(problem: Problem, placed: Placed | None) -> Problem:
    """`problem` with at most PRUNED_VENUES candidate venues per occurrence (see
    PRUNE_ABOVE), always keeping the one `placed` uses; `problem` itself below the limit."""
    if sum(len(occ.options) for occ in problem.occurrences) <= PRUNE_ABOVE:
        return problem
    placed = placed or {}
    occurrences = []
    for occ in problem.occurrences:
        if len(occ.options) <= PRUNED_VENUES:
            occurrences.append(occ)
            continue
        wanted = {placed.get(occ.uid, ("", 0))[0], problem.previous.get(occ.uid, ("", 0))[0],
                  *occ.preferred_venues}

        def rank(option: Option, uid: str = occ.uid, wanted: set[str] = wanted) -> tuple:
            return (option.venue not in wanted, zlib.crc32(f"{uid}|{option.venue}".encode()))

        kept = {id(o) for o in sorted(occ.options, key=rank)[:PRUNED_VENUES]}
        occurrences.append(replace(occ, options=tuple(o for o in occ.options if id(o) in kept)))
    return replace(problem, occurrences=occurrences, _reach={}, _festival_travel={})


def model_candidates(problem: Problem) -> int:
    """The (occurrence, venue) pairs the CP-SAT model of `problem` will hold."""
    everything = sum(len(occ.options) for occ in problem.occurrences)
    if everything <= PRUNE_ABOVE:
        return everything
    return sum(min(len(occ.options), PRUNED_VENUES) for occ in problem.occurrences)
