"""The benchmark harness (`make bench`): a tiny instance end to end, and its arithmetic."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks/` is beside the package, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.__main__ import main  # noqa: E402
from benchmarks.grid import Grid, GridEvent, violations  # noqa: E402
from benchmarks.instances import grid_name, matches  # noqa: E402
from benchmarks.report import TABLE_HEAD, fit_slope  # noqa: E402


def _row(text: str, instance: str, solver: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith(f"| {instance} | {solver} |"))
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_tiny_instance_end_to_end(tmp_path: Path) -> None:
    code = main(["--instance", "gen/24", "--runs", "1", "--time-limit", "5", "--no-peers",
                 "--out", str(tmp_path)])
    assert code == 0
    text = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert TABLE_HEAD in text
    cells = _row(text, "gen/24", "affiche")
    assert len(cells) == TABLE_HEAD.count("|") - 1
    assert cells[2].startswith("24/")
    assert cells[6] in ("optimal", "feasible")
    assert float(cells[4]) > 0  # first feasible, whole process
    assert float(cells[5]) >= float(cells[4])
    assert cells[11] == "0"  # the independent checker finds nothing
    assert "## Targets" in text


def test_fit_slope_of_a_power_law() -> None:
    assert fit_slope([(n, 0.5 * n) for n in (100, 200, 400)]) == pytest.approx(1.0)
    assert fit_slope([(n, n**2) for n in (10, 100)]) == pytest.approx(2.0)
    assert fit_slope([(10, 1.0)]) is None


def test_only_pattern() -> None:
    assert matches("real/fosdem-2026/any-room", "real/*/any-room")
    assert matches("real/fosdem-2026/any-room", "fosdem")
    assert not matches("gen/250", "real/*")
    assert matches("gen/250", None)


def test_grid_violations_counts_each_broken_rule() -> None:
    grid = Grid((GridEvent("a", ("p",)), GridEvent("b", ("p",)), GridEvent("c", ("q",))), 2, "t")
    slots = grid.slots()  # day 0: room-0 09:00, 10:00; room-1 09:00, 10:00; ...
    same_time = next(n for n, (room, start) in enumerate(slots)
                     if room == "room-1" and start == slots[0][1])
    assert violations(grid, {0: [0], 1: [1], 2: [same_time]}) == 0
    assert violations(grid, {0: [0], 1: [same_time], 2: [1]}) == 1  # p in two rooms at once
    assert violations(grid, {0: [0], 1: [0], 2: [1]}) == 2  # one slot twice, and p clashes
    assert violations(grid, {0: [0], 1: [1]}) == 1  # c unplaced
    assert violations(grid, {0: [-1], 1: [1], 2: [2]}) == 1  # off the grid


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("conference_scheduler") is None,
                    reason="conference_scheduler is not installed (pip install "
                           "conference-scheduler)")
def test_conference_scheduler_side_by_side(tmp_path: Path) -> None:
    code = main(["--instance", "grid/40", "--runs", "1", "--time-limit", "10",
                 "--out", str(tmp_path)])
    assert code == 0
    text = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert _row(text, "grid/40", "affiche")[11] == "0"
    assert _row(text, "grid/40", "conference-scheduler")[11] == "0"


def test_grid_names() -> None:
    assert grid_name("grid/160") == (160, None)
    assert grid_name("grid/160@talks.xml") == (160, Path("talks.xml"))
    assert grid_name("grid@talks.xml") == (None, Path("talks.xml"))
    assert grid_name("grid") is None and grid_name("grid/x") is None
    assert grid_name("gen/160") is None


def test_grid_from_any_programme_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unseen programme becomes a grid once; timed runs read the small JSON copy."""
    from benchmarks import grid as grid_module
    from tests.builders import festival, item, spec_data, write_yaml

    monkeypatch.setattr(grid_module, "CACHE", tmp_path / "cache")
    items = [item(f"t{n}", artists=[f"p{n % 3}"]) for n in range(6)] + [item("long", 90)]
    source = write_yaml(tmp_path / "talks.yaml", spec_data(festivals=[festival(items=items)],
                                                           artists=[{"id": f"p{n}", "name": "P"}
                                                                    for n in range(3)]))
    built = grid_module.make_grid(None, source)
    assert [e.id for e in built.events] == [f"t{n}" for n in range(6)]  # those of <= 1 h
    assert built.events[4].persons == ("p1",)
    assert built.slot_minutes == 60
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    assert grid_module.make_grid(None, source) == built  # read back from the copy
    longer = grid_module.make_grid(7, source)  # seven events fit only 90-minute slots
    assert longer.slot_minutes == 90 and longer.events[-1].id == "long"
    with pytest.raises(ValueError, match="7 timed events, 8 wanted"):
        grid_module.make_grid(8, source)


def test_grid_with_long_events_is_solved_on_its_own_slots() -> None:
    """Slots as long as the longest event: affiche's answer lands on the grid's slots."""
    from affiche.scheduler.problem import build_problem
    from affiche.scheduler.solve import solve
    from benchmarks.grid import affiche_assignment, grid_spec

    events = tuple(GridEvent(f"e{n}", (f"p{n % 4}",), 90 if n % 5 == 0 else 30)
                   for n in range(30))
    grid = Grid(events, 2, "t", 5, 90)
    result = solve(build_problem(grid_spec(grid)))
    assignment = affiche_assignment(grid, result.chosen)
    assert all(slot >= 0 for slots in assignment.values() for slot in slots)
    assert violations(grid, assignment) == 0


def test_generated_sizes_beside_the_previous_snapshot(tmp_path: Path) -> None:
    """Per generated size: first feasible, objective, bound, gap and peak memory, with the
    run given by --previous beside it (here the same run again: a ratio of 1)."""
    code = main(["--instance", "gen/24", "--runs", "1", "--time-limit", "5", "--no-peers",
                 "--out", str(tmp_path / "before")])
    assert code == 0
    code = main(["--from", str(tmp_path / "before" / "latest.json"), "--previous",
                 str(tmp_path / "before" / "latest.json"), "--out", str(tmp_path / "after")])
    assert code == 0
    text = (tmp_path / "after" / "latest.md").read_text(encoding="utf-8")
    assert "## Generated festivals by size, against the previous snapshot" in text
    row = next(x for x in text.splitlines() if x.startswith("| 24 |"))
    cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
    assert cells[1] == cells[6] and cells[2] == cells[7]  # now and previous: the same run
    assert cells[-1] == "1.000"
    assert "4,000-item generated festival" in text
