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


def _record(name: str, **values: object) -> dict[str, object]:
    base: dict[str, object] = {"instance": name, "solver": "affiche", "status": "feasible",
                               "time_limit": 60.0, "violations": 0}
    return {**base, **values}


def test_three_city_and_own_limit_names() -> None:
    from benchmarks.__main__ import instance_limit
    from benchmarks.instances import all_instances, find_instance, generated_name

    assert generated_name("gen/250") == (2, 250, None, 1)
    assert generated_name("gen3/200@20s") == (3, 200, 20.0, 1)
    assert generated_name("gen3/1000-s2@2.5s") == (3, 1000, 2.5, 2)
    assert generated_name("gen3/x") is None and generated_name("gen4/10") is None
    assert generated_name("gen3/10@soon") is None and generated_name("grid/40") is None
    seeded = find_instance("gen3/300-s2")
    assert seeded.name == "gen3/300-s2" and seeded.build() != find_instance("gen3/300").build()
    short = find_instance("gen3/200@20s")
    assert short.time_limit == 20.0 and short.group == "generated-3"
    assert len(short.build().festivals) == 3 and len(find_instance("gen/40").build().festivals) == 2
    assert instance_limit(short, 60.0, quick=False) == 20.0
    assert instance_limit(short, 10.0, quick=True) == 10.0
    assert instance_limit(find_instance("gen3/500"), 60.0, quick=False) == 60.0
    names = [i.name for i in all_instances()]
    assert {"gen3/200@20s", "gen3/200", "gen3/1000", "gen3/4000", "gen/250", "gen/4000"} <= set(
        names)


def test_targets_state_met_or_missed_from_the_numbers() -> None:
    from benchmarks.report import group_records, targets

    records = [
        _record("gen3/200@20s", time_limit=20.0, status="optimal", objective=90.0, bound=90.0,
                gap=0.0, repriced=90.0, reprice_diff=0.0, first_complete_objective=120.0),
        _record("gen3/1000", objective=1000.0, bound=930.0, gap=0.07, repriced=1001.0,
                reprice_diff=1.0, first_complete_objective=990.0),
        _record("gen3/4000", objective=5.0, bound=5.0, gap=0.0, first_feasible_process_s=14.0,
                peak_mb=1100.0, violations=2),
        _record("gen/1000", objective=10.0, bound=9.7, gap=0.03),
    ]
    found = {t.title: t for t in targets(group_records(records))}
    assert found["200-item festival in 20 s"].verdict == "met"
    assert found["1,000-item generated festival (gen3/1000)"].verdict.startswith("missed by 2.00")
    assert found["1,000-item generated festival (gen/1000)"].verdict == "met"
    assert found["4,000-item generated festival (gen3/4000)"].verdict == "missed: memory"
    assert found["every result passes the checker"].verdict == "missed"
    assert "gen3/4000" in found["every result passes the checker"].measured
    worse = found["never worse than the first complete programme"]
    assert worse.verdict == "missed" and "gen3/1000 (1 run(s))" in worse.measured
    repriced = found["objective re-priced independently"]
    assert repriced.verdict == "missed" and "re-priced 1001 against 1000" in repriced.measured


def test_short_run_at_a_longer_limit_is_not_measured() -> None:
    from benchmarks.report import group_records, target_small

    found = target_small(group_records([_record("gen3/200@20s", time_limit=30.0,
                                                objective=5.0, bound=5.0, gap=0.0)]))
    assert found.verdict.startswith("not measured at 20 s")
    found = target_small(group_records([_record("gen3/200@20s", time_limit=20.0,
                                                objective=100.0, bound=98.0, gap=0.02)]))
    assert found.verdict == "missed by 1.00 points of gap"


def test_each_series_has_its_table_with_the_previous_beside() -> None:
    from benchmarks.report import group_records, scale_tables

    now = group_records([
        _record("gen3/200@20s", time_limit=20.0, objective=90.0, first_feasible_process_s=2.0,
                repriced=90.0, reprice_diff=0.0, first_complete_objective=95.0),
        _record("gen3/1000", objective=900.0, first_feasible_process_s=4.0, repriced=910.0,
                reprice_diff=10.0, first_complete_objective=800.0),
        _record("gen3/1000-s2", objective=800.0),
        _record("gen/250", objective=7.0, first_feasible_process_s=1.0)])
    before = group_records([_record("gen3/1000", objective=950.0, first_feasible_process_s=8.0)])
    text = scale_tables(now, before)
    two, three = text.split("### Three cities")
    assert "| 250 |" in two and "gen3" not in two.split("\n", 1)[1]
    rows = [line for line in three.splitlines() if line.startswith("| 200 @20s") or
            line.startswith("| 1000 |")]
    assert [r.split(" | ")[0] for r in rows] == ["| 200 @20s", "| 1000"]  # by size, then limit
    assert three.index("| 1000 |") < three.index("| 1000 seed 2 |")
    cells = [c.strip() for c in rows[1].strip().strip("|").split("|")]
    assert cells[2] == "900" and cells[7] == "950" and cells[-1] == "0.500"
    assert cells[12].startswith("DIFFERS in 1 of 1") and "WORSE in 1" in cells[13]


def test_time_limit_target_counts_the_solve_call() -> None:
    from benchmarks.report import group_records, target_time_limit

    inside = _record("gen3/200@20s", time_limit=20.0, final_process_s=19.5, solve_call_s=18.0)
    late = _record("gen3/4000", final_process_s=66.5, solve_call_s=63.0)
    assert target_time_limit(group_records([inside])).verdict == "met"
    found = target_time_limit(group_records([inside, late]))
    assert found.verdict == "missed by 3.00 s at worst (1 of 2 instances over)"
    assert "gen3/4000: solve call 63.00 s at a 60 s limit (whole process 66.50 s)" in (
        found.measured)


def test_previous_snapshot_is_the_report_replaced_else_the_committed_one(
        tmp_path: Path) -> None:
    from benchmarks.__main__ import SNAPSHOT, _parser, previous_path

    assert SNAPSHOT.is_file()
    assert previous_path(_parser().parse_args(["--out", str(tmp_path)])) == SNAPSHOT
    replaced = tmp_path / "latest.json"
    replaced.write_text("[]", encoding="utf-8")
    assert previous_path(_parser().parse_args(["--out", str(tmp_path)])) == replaced
    rebuilt = _parser().parse_args(["--out", str(tmp_path), "--from", str(replaced)])
    assert previous_path(rebuilt) == SNAPSHOT  # not the run itself
    given = _parser().parse_args(["--out", str(tmp_path), "--previous", "x.json"])
    assert previous_path(given) == Path("x.json")
