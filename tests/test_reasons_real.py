"""Why a real (frab-shaped) programme is impossible, in words a producer can act on: the
room's window that day as published, the pin and its time, the person and both events."""

from __future__ import annotations

from pathlib import Path

import pytest

from affiche.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "real"
FAST = ["--time-limit", "5", "--workers", "1"]


def solve(capsys: pytest.CaptureFixture[str], name: str, out: Path, *extra: str) -> str:
    code = main(["solve", str(FIXTURES / name), "--out", str(out), *FAST, *extra])
    printed = capsys.readouterr().err
    assert code == 1, printed
    assert "internal error" not in printed and "Traceback" not in printed
    assert not (out / "schedule.json").exists()
    return printed


def test_a_pin_onto_a_published_talk_names_the_room_window_and_both_pins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = solve(capsys, "reasons-pin.xml", tmp_path / "out", "--keep-times",
                "--pin", "2=K-1@2026-02-03T10:00")
    assert "K.1 is open 10:00-12:00 on 3 February" in err  # as published, not "60 minutes"
    assert "One and Two need 120 minutes" in err
    assert "One is pinned to 10:00-11:00, Two is pinned to 10:00-11:00" in err


def test_a_day_pin_against_the_listed_day_is_refused_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The model used to take the pin's day *or* the listed day, and the checker both: an
    internal error instead of a reason."""
    err = solve(capsys, "reasons-full-day.xml", tmp_path / "out", "--pin", "4=@2026-02-03")
    assert "'Four' fits in no venue: K.1: after the item's days" in err
