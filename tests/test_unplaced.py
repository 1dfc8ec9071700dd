"""--allow-unplaced: the best partial programme, each left-out occurrence with its reason."""

from __future__ import annotations

from pathlib import Path

from affiche.cli import main
from affiche.programmes.schedule import load_schedule
from tests.builders import artist, festival, item, spec_data, venue, write_yaml


def _tight(tmp_path: Path) -> Path:
    venues = [venue("stage", hours={"opens": "20:00", "closes": "22:00"}),
              venue("room", hours={"opens": "20:00", "closes": "21:00"}),
              venue("annex", hours={"opens": "20:00", "closes": "21:00"})]
    items = [
        item("headline", venues=["stage"], priority=5),
        item("second", venues=["stage"], priority=4),
        item("filler", venues=["stage"], priority=1),
        item("talk", venues=["room"], artists=["ana"], priority=5),
        item("late-talk", venues=["annex"], artists=["ana"], priority=1),
    ]
    data = spec_data(festivals=[festival(venues=venues, items=items, end="2026-06-12")],
                     artists=[artist("ana")])
    return write_yaml(tmp_path / "tight.yaml", data)


def test_low_priority_items_are_left_out_with_reasons(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["solve", str(_tight(tmp_path)), "--out", str(out), "--allow-unplaced",
                 "--time-limit", "5"]) == 0
    schedule = load_schedule(out)
    placed = {p.item for p in schedule.placements}
    assert placed == {"headline", "second", "talk"}
    reasons = {u.item: u.reason for u in schedule.unplaced}
    assert "no free time left" in reasons["filler"]
    assert "Stage" in reasons["filler"]
    assert "artists (Ana) are busy" in reasons["late-talk"]


def test_without_the_flag_the_same_spec_is_infeasible(tmp_path: Path) -> None:
    assert main(["solve", str(_tight(tmp_path)), "--out", str(tmp_path / "o"),
                 "--time-limit", "5"]) == 1
