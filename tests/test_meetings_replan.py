"""Re-planning meetings: a late cancellation and a new request move as few confirmed
meetings as possible, against the previous agendas (the default, as for the programme)."""

from __future__ import annotations

from pathlib import Path

import pytest

from affiche.cli import main
from affiche.programmes.meetings import MeetingGrid, meeting_grid, set_previous
from affiche.programmes.meetings_check import check_meetings
from affiche.programmes.meetings_output import meeting_schedule
from affiche.programmes.model import Spec
from affiche.programmes.schedule import Placement, Schedule, load_schedule
from affiche.scheduler.meetings import MeetingOptions, solve_meetings
from tests.test_meetings import must, spec_data, wish
from tests.test_meetings_cli import FAST, write


def solve(spec: Spec, previous: list[Placement] | None = None,
          limit: float = 6.0) -> tuple[MeetingGrid, Schedule]:
    festival = spec.festivals[0]
    grid = meeting_grid(spec, festival)
    if previous is not None:
        set_previous(grid, previous)
    solution = solve_meetings(grid, MeetingOptions(time_limit=limit, workers=2))
    schedule = meeting_schedule(spec, festival, grid, solution)
    assert check_meetings(spec, festival, schedule.placements, schedule.unplaced) == []
    return grid, schedule


def where(schedule: Schedule) -> dict[str, tuple[object, int | None]]:
    return {p.item: (p.start, p.table) for p in schedule.placements}


def cancel_one_add_one(spec: Spec) -> tuple[Spec, str]:
    """The spec with its first placed wish cancelled and a new must between two
    participants who had not asked for each other."""
    data = spec.model_dump(mode="json", exclude_none=True)
    section = data["festivals"][0]["meetings"]
    cancelled = section["requests"].pop(0)
    asked = {frozenset(r["between"]) for r in section["requests"]}
    people = [a["id"] for a in data["artists"]]
    pair = next([a, b] for a in people for b in people
                if a < b and frozenset((a, b)) not in asked
                and [a, b] not in section["do_not_meet"] and [b, a] not in section["do_not_meet"])
    section["requests"].append({"between": pair, "priority": "must"})
    return Spec.model_validate(data), "meet-" + "-".join(sorted(cancelled["between"]))


def test_a_cancellation_and_a_new_must_keep_95_percent_in_place() -> None:
    from benchmarks.meetings import fabrique_spec

    spec = fabrique_spec(60, 150, 10, 1, seed=7)
    _, first = solve(spec)
    changed, cancelled = cancel_one_add_one(spec)
    grid, second = solve(changed, first.placements)
    before, after = where(first), where(second)
    others = [item for item in before if item != cancelled]
    stayed = [item for item in others if after.get(item) == before[item]]
    assert len(stayed) >= 0.95 * len(others), (len(stayed), len(others))
    new = grid.requests[-1]
    assert new.must and "meet-" + "-".join(sorted(new.participants)) in after
    # from scratch, the same change moves more (the default is what keeps them)
    _, fresh = solve(changed)
    moved_fresh = sum(where(fresh).get(item) != before[item] for item in others)
    assert moved_fresh > len(others) - len(stayed)


def test_a_confirmed_meeting_moves_only_when_it_must() -> None:
    # a-b sat at 10:00; a new must a-c where c is free only at 10:00 moves a-b, nothing else
    data = spec_data([must("a", "b"), wish("d", "e")], tables=2, closes="11:00")
    spec = Spec.model_validate(data)
    _, first = solve(spec)
    data["festivals"][0]["meetings"]["requests"].append(must("a", "c"))
    data["artists"][2]["availability"] = [{"start": "2016-06-16 10:00",
                                           "end": "2016-06-16 10:20"}]
    grid, second = solve(Spec.model_validate(data), first.placements)
    before, after = where(first), where(second)
    assert after["meet-d-e"] == before["meet-d-e"]
    assert after["meet-a-c"][0] == min(b[0] for b in before.values())  # type: ignore[type-var]
    assert set(grid.previous) == {0, 1}


def test_the_cli_replans_against_the_agendas_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = spec_data([must("a", "b"), must("c", "d"), wish("e", "f"), wish("g", "h"),
                      wish("a", "c")], tables=2, closes="12:00")
    spec = write(tmp_path / "spec.yaml", data)
    out = tmp_path / "out"
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 0
    first = where(load_schedule(out / "meetings"))
    data["festivals"][0]["meetings"]["requests"].pop(2)  # e-f cancelled
    data["festivals"][0]["meetings"]["requests"].append(wish("b", "h"))
    write(tmp_path / "spec.yaml", data)
    capsys.readouterr()
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 0
    said = capsys.readouterr().out
    assert "re-planning against the previous agendas: 4 of 5 confirmed" in said
    assert "re-plan: 4 of 5 confirmed meetings kept at their time, 1 moved or cancelled" \
        in said
    second = where(load_schedule(out / "meetings"))
    assert all(second[item] == first[item] for item in first if item != "meet-e-f")
    assert "meet-b-h" in second
    assert main(["meetings", str(spec), "--out", str(out), "--from-scratch", *FAST]) == 0
    assert "re-plan" not in capsys.readouterr().out
