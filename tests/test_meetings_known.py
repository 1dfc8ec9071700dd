"""Known-answer meeting instances, as held-out judging converts them: provably infeasible
musts exit 1 with a reason naming what runs out; tight feasible ones are found."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from affiche.cli import main
from affiche.programmes.schedule import load_schedule
from tests.test_meetings import must, solved, spec_data, unplaced_musts
from tests.test_meetings_cli import FAST, write


def round_robin(people: str) -> list[dict[str, Any]]:
    return [must(a, b) for a, b in combinations(people, 2)]


def run(tmp_path: Path, data: dict[str, Any], capsys: pytest.CaptureFixture[str]
        ) -> tuple[int, str]:
    spec = write(tmp_path / "spec.yaml", data)
    capsys.readouterr()
    code = main(["meetings", str(spec), "--out", str(tmp_path / "out"), *FAST])
    return code, capsys.readouterr().out


def test_a_full_round_robin_of_six_fills_every_table_and_slot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 15 musts, 5 slots of 3 tables: a 1-factorisation of K6, not one seat to spare
    data = spec_data(round_robin("abcdef"), tables=3, closes="11:40", max_in_a_row=5)
    code, said = run(tmp_path, data, capsys)
    assert code == 0 and "must: 15 of 15 placed" in said and "check:" not in said
    assert len(load_schedule(tmp_path / "out" / "meetings").placements) == 15


def test_a_round_robin_of_six_on_two_tables_is_infeasible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 15 musts, 10 seats: proven by the must-only model, which places 10
    data = spec_data(round_robin("abcdef"), tables=2, closes="11:40", max_in_a_row=5)
    code, said = run(tmp_path, data, capsys)
    assert code == 1 and "musts: infeasible" in said
    assert said.count("unplaced must") == 5
    assert "cannot be placed together with the other must meetings" in said


def test_more_musts_than_a_participant_has_slots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # three slots (10:00-11:00), four musts for a: one cannot be placed, and a is named
    data = spec_data([must("a", "b"), must("a", "c"), must("a", "d"), must("a", "e")])
    code, said = run(tmp_path, data, capsys)
    assert code == 1 and "musts: infeasible" in said
    assert "a has 4 must meetings and room for at most 3 of them" in said
    data = spec_data([must("a", "b"), must("a", "c"), must("a", "d")])
    code, said = run(tmp_path, data, capsys)
    assert code == 0 and "must: 3 of 3 placed" in said


def test_two_musts_needing_one_person_at_the_only_common_time() -> None:
    data = spec_data([must("a", "b"), must("a", "c")])
    for who in (1, 2):  # b and c are both there at 10:20 only
        data["artists"][who]["availability"] = [{"start": "2016-06-16 10:20",
                                                 "end": "2016-06-16 10:40"}]
    _, grid, solution = solved(data)
    assert len(unplaced_musts(grid, solution)) == 1 and solution.musts == "infeasible"
    reason = solution.unplaced[unplaced_musts(grid, solution)[0]]
    assert reason.startswith("a has 2 must meetings and room for at most 1")
    data["artists"][2]["availability"] = [{"start": "2016-06-16 10:00",
                                           "end": "2016-06-16 10:40"}]
    _, grid, solution = solved(data)
    assert unplaced_musts(grid, solution) == [] and solution.musts == "all placed"


def test_max_in_a_row_makes_a_tight_day_infeasible() -> None:
    # six slots (10:00-12:00), max two in a row: a can have four (XX.XX. or similar)
    people = "bcdef"
    _, grid, solution = solved(spec_data([must("a", p) for p in people[:4]], closes="12:00",
                                         max_in_a_row=2))
    assert unplaced_musts(grid, solution) == []
    _, grid, solution = solved(spec_data([must("a", p) for p in people], closes="12:00",
                                         max_in_a_row=2))
    assert len(unplaced_musts(grid, solution)) == 1 and solution.musts == "infeasible"
    assert "a has 5 must meetings and room for at most 4" in solution.unplaced[
        unplaced_musts(grid, solution)[0]]


def test_a_round_robin_of_five_in_four_slots_is_infeasible() -> None:
    # K5 has 10 pairs; five people fill at most two tables a slot: 8 in four slots, though
    # each person alone (four musts, four slots) would fit
    _, grid, solution = solved(spec_data(round_robin("abcde"), tables=3, closes="11:20",
                                         max_in_a_row=4))
    assert len(unplaced_musts(grid, solution)) == 2 and solution.musts == "infeasible"
    _, grid, solution = solved(spec_data(round_robin("abcde"), tables=3, closes="11:40",
                                         max_in_a_row=5))
    assert unplaced_musts(grid, solution) == []  # five slots: a 1-factorisation of K5+1
