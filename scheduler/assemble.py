"""Turn a spec and the solver's choices into the self-contained `Schedule`."""

from __future__ import annotations

from datetime import UTC, datetime

from affiche.programmes import rules
from affiche.programmes.check import check_schedule
from affiche.programmes.identity import occurrence_uid
from affiche.programmes.infos import festival_info, item_info, venue_infos
from affiche.programmes.model import Festival, Item, Spec
from affiche.programmes.schedule import (
    ArtistInfo,
    Placement,
    Schedule,
    SolveInfo,
    Spell,
    Unplaced,
    ViolationInfo,
)
from affiche.scheduler.problem import Problem
from affiche.scheduler.solve import SolveResult
from affiche.venues.timeutil import zone


def _placements(festival: Festival, item: Item, result: SolveResult) -> list[Placement]:
    tz = zone(festival.timezone)
    placements = []
    for number in range(1, item.occurrences + 1):
        uid = occurrence_uid(festival.id, item.id, number)
        chosen = result.chosen.get(uid)
        if chosen is None:
            continue
        start = tz.normalize(chosen.start.astimezone(tz))
        end = tz.normalize(chosen.end.astimezone(tz))
        spells: list[Spell] = []
        if item.is_installation:
            venue = next(v for v in festival.venues if v.id == chosen.venue)
            opened = rules.installation_open(festival, venue, item)
            spells = [Spell(start=tz.normalize(a.astimezone(tz)),
                            end=tz.normalize(b.astimezone(tz))) for a, b in opened]
            if spells:
                start, end = spells[0].start, spells[-1].end
        placements.append(
            Placement(
                uid=uid,
                festival=festival.id,
                item=item.id,
                occurrence=number,
                venue=chosen.venue,
                start=start,
                end=end,
                day=rules.day_of(festival, start, rules.item_days(item)),
                artists=list(item.artists),
                pinned=any(pin.occurrence == number for pin in item.pins),
                private=item.private,
                open=spells if len(spells) > 1 else [],
            )
        )
    return placements


def assemble_schedule(
    spec: Spec,
    result: SolveResult,
    unplaceable: dict[str, str] | None = None,
    warnings: list[str] | None = None,
) -> Schedule:
    """The published form of a solve: every placed occurrence, every one left out."""
    reasons = {**(unplaceable or {}), **result.unplaced}
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    for festival in spec.festivals:
        for item in festival.items:
            placements += _placements(festival, item, result)
            for number in range(1, item.occurrences + 1):
                uid = occurrence_uid(festival.id, item.id, number)
                if uid not in result.chosen and result.has_solution:
                    reason = reasons.get(uid, "not placed")
                    unplaced.append(Unplaced(uid=uid, festival=festival.id, item=item.id,
                                             occurrence=number, reason=reason))
    placements.sort(key=lambda p: (p.start, p.venue, p.uid))
    return Schedule(
        generated=datetime.now(UTC),
        solve=SolveInfo(
            status=result.status,
            objective=result.objective,
            bound=result.bound,
            gap=result.gap,
            wall_seconds=round(result.wall_seconds, 3),
            terms=result.terms,
            bounds=result.bounds,
            violations=[ViolationInfo.model_validate(v.as_dict()) for v in result.violations],
        ),
        festivals=[festival_info(f) for f in spec.festivals],
        venues=[v for f in spec.festivals for v in venue_infos(f)],
        artists=[
            ArtistInfo(id=a.id, name=a.name, home_city=a.home_city, timezone=a.timezone,
                       source=a.source, email=a.email)
            for a in spec.artists
        ],
        items=[item_info(f, item) for f in spec.festivals for item in f.items],
        placements=placements,
        unplaced=unplaced,
        warnings=list(warnings or []),
    )


class NoProgramme(Exception):
    """Nothing to write: why, in the producer's words."""


def infeasible_message(problem: Problem) -> str:
    from affiche.scheduler.explain import explain_infeasible  # loads CP-SAT: only when needed

    reasons = explain_infeasible(problem)
    lines = [f"  - {conflict.message}" for conflict in reasons]
    return "no programme satisfies every hard constraint together" + (
        ":\n" + "\n".join(lines) if lines else " (no smaller reason found)"
    )


def checked_schedule(
    spec: Spec, problem: Problem, result: SolveResult, warnings: list[str], time_limit: float
) -> Schedule:
    """The schedule of a solve, once the independent checker has passed it.

    Raises NoProgramme when the solve has no programme (with the explanation when it is
    infeasible) or when the checker finds a broken rule (a bug: nothing is written).
    """
    if not result.has_solution:
        if result.status == "infeasible":
            raise NoProgramme(infeasible_message(problem))
        why = "; ".join(result.notes) or "allow more time"
        raise NoProgramme(f"no programme found within {time_limit:g}s ({why})")
    unplaceable = {u.uid: u.reason for u in problem.unplaceable}
    schedule = assemble_schedule(spec, result, unplaceable, warnings + result.notes)
    problems = check_schedule(spec, schedule)
    if problems:
        raise NoProgramme(
            "internal error: the solved programme fails the independent check, not written:\n"
            + "\n".join(f"  {p}" for p in problems[:30])
        )
    return schedule
