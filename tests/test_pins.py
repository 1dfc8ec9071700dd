"""Pins from the command line: parsed, applied per occurrence, honoured, refused when wrong."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from affiche.cli import main
from affiche.programmes.errors import SpecError
from affiche.programmes.pins import apply_pins, parse_pin
from affiche.programmes.schedule import load_schedule
from tests.builders import item, make_spec, spec_data, write_yaml


def test_parse_pin_forms() -> None:
    name, pin = parse_pin("show#2=hall@2026-06-13T15:00")
    assert (name, pin.occurrence, pin.venue, pin.start) == (
        "show", 2, "hall", datetime(2026, 6, 13, 15, 0))
    assert parse_pin("show=studio")[1].venue == "studio"
    assert parse_pin("show#3=@2026-06-14")[1].day == date(2026, 6, 14)
    with pytest.raises(ValueError):
        parse_pin("show")


def test_apply_pins_replaces_only_that_occurrence() -> None:
    spec = make_spec(items=[item(occurrences=2, pins=[{"occurrence": 1, "venue": "studio"},
                                                      {"occurrence": 2, "venue": "studio"}])])
    pinned, warnings = apply_pins(spec, ["show#2=hall"])
    pins = {p.occurrence: p.venue for p in pinned.festivals[0].items[0].pins}
    assert pins == {1: "studio", 2: "hall"} and warnings == []


@pytest.mark.parametrize(
    "text, field",
    [("nope=hall", "nope"), ("show=attic", "venue"), ("show#4=hall", "show"), ("show", "show")],
)
def test_bad_pins_are_refused_with_their_text(text: str, field: str) -> None:
    with pytest.raises(SpecError) as caught:
        apply_pins(make_spec(items=[item(occurrences=2)]), [text])
    assert any(field in issue.field or field in issue.message for issue in caught.value.issues)


def test_cli_pin_is_honoured(tmp_path: Path) -> None:
    spec = write_yaml(tmp_path / "spec.yaml", spec_data(items=[item(occurrences=2)]))
    out = tmp_path / "out"
    assert main(["solve", str(spec), "--out", str(out), "--time-limit", "5",
                 "--pin", "show#2=studio@2026-06-13T15:00", "--pin", "show#1=@2026-06-14"]) == 0
    placements = {p.occurrence: p for p in load_schedule(out).placements}
    assert placements[2].venue == "studio"
    assert placements[2].start.isoformat() == "2026-06-13T15:00:00+02:00"
    assert placements[1].day == date(2026, 6, 14)


def test_cli_bad_pin_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = write_yaml(tmp_path / "spec.yaml", spec_data())
    out = tmp_path / "out"
    assert main(["solve", str(spec), "--out", str(out), "--pin", "ghost=hall"]) == 2
    assert not (out / "schedule.json").exists()
