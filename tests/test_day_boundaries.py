"""Programme days with their own boundaries (`day_boundaries`): one rule (`rules.day_of`)
read by the scheduler's days, the checker, publishing and the frab import."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree

from affiche.cli import main
from affiche.programmes import rules
from affiche.programmes.frab_import import load_frab
from affiche.programmes.model import DayBoundary, Festival
from affiche.venues.timeutil import localize

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "frab"
TZ = "Europe/Berlin"


def listed_days(source: Path) -> dict[str, date]:
    """Each event's day as the frab file lists it."""
    root = etree.parse(str(source)).getroot()
    return {event.get("id"): date.fromisoformat(day.get("date"))
            for day in root.iter("day") for event in day.iter("event")}


def solved_days(out: Path) -> dict[str, date]:
    payload = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    return {p["item"]: date.fromisoformat(p["day"]) for p in payload["placements"]}


def festival(**fields: object) -> Festival:
    return Festival.model_validate({
        "id": "f", "name": "F", "timezone": TZ, "start": "2026-07-10", "end": "2026-07-11",
        "venues": [], **fields})


def test_without_boundaries_the_day_start_hour_rule_holds() -> None:
    f = festival()
    assert rules.day_bounds(f, date(2026, 7, 10)) == (
        localize(datetime(2026, 7, 10, 4), TZ), localize(datetime(2026, 7, 11, 4), TZ))
    assert rules.day_of(f, localize(datetime(2026, 7, 11, 3), TZ)) == date(2026, 7, 10)
    assert rules.day_of(f, localize(datetime(2026, 7, 11, 4, 30), TZ)) == date(2026, 7, 11)


def test_overlapping_days_keep_an_occurrence_on_its_listed_day() -> None:
    f = festival(day_boundaries=[
        {"date": "2026-07-10", "starts": "2026-07-10T10:00", "ends": "2026-07-11T06:00"},
        {"date": "2026-07-11", "starts": "2026-07-11T03:00"}])
    assert rules.day_bounds(f, date(2026, 7, 10))[1] == localize(datetime(2026, 7, 11, 6), TZ)
    # day 2 ends at the next day's start: the day_start_hour (4) on 12 July
    assert rules.day_bounds(f, date(2026, 7, 11)) == (
        localize(datetime(2026, 7, 11, 3), TZ), localize(datetime(2026, 7, 12, 4), TZ))
    at_430 = localize(datetime(2026, 7, 11, 4, 30), TZ)
    assert rules.day_of(f, at_430, [date(2026, 7, 10)]) == date(2026, 7, 10)
    assert rules.day_of(f, at_430, [date(2026, 7, 11)]) == date(2026, 7, 11)
    assert rules.day_of(f, at_430) == date(2026, 7, 11)  # unlisted: the later-starting day


def test_a_boundary_outside_the_festival_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "festivals:\n- id: f\n  name: F\n  timezone: Europe/Berlin\n  start: 2026-07-10\n"
        "  end: 2026-07-11\n  day_boundaries:\n  - {date: 2026-07-14, starts: 2026-07-14T03:00}\n"
        "  venues: [{id: v, name: V}]\n", encoding="utf-8")
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out" / "schedule.json").exists()
    with pytest.raises(ValueError, match="more than a day"):
        DayBoundary.model_validate({"date": "2026-07-10", "starts": "2026-07-13T03:00"})


@pytest.mark.parametrize("extra", [[], ["--keep-times"]])
def test_a_04_30_after_hour_and_a_03_00_workshop_stay_on_their_listed_days(
    tmp_path: Path, extra: list[str]
) -> None:
    """Day 1 lists an after-hour at 04:30 on 11 July, day 2 a workshop at 03:00 that
    morning: no single day start hour files both; their days get boundaries of their own."""
    source = FIXTURES / "split-night.xml"
    spec, warnings = load_frab(source)
    assert spec.festivals[0].day_boundaries
    assert any("day_boundaries" in w for w in warnings)
    out = tmp_path / "out"
    assert main(["solve", str(source), "--out", str(out), "--time-limit", "20", *extra]) == 0
    assert solved_days(out) == listed_days(source)
    assert main(["check", str(source), str(out)]) == 0
    if extra:
        payload = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
        starts = {p["item"]: p["start"] for p in payload["placements"]}
        assert starts["12"] == "2026-07-11T04:30:00+02:00"
        assert starts["21"] == "2026-07-11T03:00:00+02:00"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_a_closing_night_set_past_the_last_day_keeps_the_festival_dates(tmp_path: Path) -> None:
    source = FIXTURES / "closing-night.xml"
    spec, _ = load_frab(source)
    assert spec.festivals[0].end == date(2026, 7, 11)  # not widened to 12 July
    out = tmp_path / "out"
    code = main(["solve", str(source), "--out", str(out), "--keep-times", "--time-limit", "20"])
    assert code == 0
    assert solved_days(out) == listed_days(source)
    assert main(["check", str(source), str(out)]) == 0
    assert main(["publish", str(out)]) == 0
    booklet = subprocess.run(["pdftotext", str(out / "programme.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert "10–11 July 2026" in booklet
    assert "12 July" not in booklet  # no day page for the night set's morning
    days = {d.get("date"): d.get("end")
            for d in etree.parse(str(out / "schedule.xml")).iter("day")}
    assert days == {"2026-07-10": "2026-07-11T04:00:00+02:00",
                    "2026-07-11": "2026-07-12T10:00:00+02:00"}  # the re-export says so too


SPEC = """festivals:
- id: f
  name: F
  timezone: Europe/Berlin
  start: 2026-07-10
  end: 2026-07-11
{boundaries}  venues:
  - {{id: garden, name: Garden, open: [{{start: 2026-07-10T10:00, end: 2026-07-12T04:00}}]}}
  items:
  - id: after-hour
    kind: concert
    title: After-hour
    duration: 60
    days: [2026-07-10]
    pins: [{{occurrence: 1, venue: garden, start: 2026-07-11T04:30}}]
"""


def write_spec(tmp_path: Path, boundaries: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.format(boundaries=boundaries), encoding="utf-8")
    return path


def test_a_day_that_ends_later_holds_its_after_hour(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "  day_boundaries:\n"
                                "  - {date: 2026-07-10, starts: 2026-07-10T10:00, "
                                "ends: 2026-07-11T06:00}\n")
    out = tmp_path / "out"
    assert main(["solve", str(path), "--out", str(out)]) == 0
    assert solved_days(out) == {"after-hour": date(2026, 7, 10)}
    assert main(["check", str(path), str(out)]) == 0


def test_without_its_boundary_the_after_hour_is_off_its_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(tmp_path, "")
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 1
    said = capsys.readouterr()
    assert "after the pinned start" in said.out + said.err, said.err
