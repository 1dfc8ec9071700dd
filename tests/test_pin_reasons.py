"""A pin the other rules do not leave room for names the rule that closed its time."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from affiche.cli import main

BAINS = Path(__file__).parent.parent / "programmes" / "examples" / "bains-numeriques-2018.yaml"


def test_a_pin_before_dark_names_after_dark_and_the_time_it_leaves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Mariko Tanabe's concert is after_dark: pinned at 21:30 on 15 June, before sunset, the
    reason says so, where it used to say only "the longest window is 45 min"."""
    pin = "concert-mariko-tanabe=@2018-06-15T21:30"
    assert main(["solve", str(BAINS), "--out", str(tmp_path / "out"), "--pin", pin]) == 1
    err = capsys.readouterr().err
    assert "the pinned 15 Jun 21:30-22:45 is not inside what after dark leaves" in err, err
    assert "nearest it leaves: 15 Jun 22:00" in err


def test_a_pin_after_dark_is_kept(tmp_path: Path) -> None:
    pin = "concert-mariko-tanabe=@2018-06-15T22:30"
    out = tmp_path / "out"
    assert main(["solve", str(BAINS), "--out", str(out), "--pin", pin, "--time-limit", "5"]) == 0
    placements = json.loads((out / "schedule.json").read_text(encoding="utf-8"))["placements"]
    (concert,) = [p for p in placements if p["item"] == "concert-mariko-tanabe"]
    assert datetime.fromisoformat(concert["start"]) == datetime.fromisoformat(
        "2018-06-15T22:30:00+02:00")
