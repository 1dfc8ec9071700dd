"""Why a real (frab-shaped) programme is impossible, in words a producer can act on: the
room's window that day as published, the pin and its time, the person and both events."""

from __future__ import annotations

from pathlib import Path

import pytest

from affiche.cli import main
from tests.builders import artist, festival, item, spec_data, venue, write_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "real"
FAST = ["--time-limit", "5", "--workers", "1"]


def solve(capsys: pytest.CaptureFixture[str], name: str, out: Path, *extra: str) -> str:
    return solve_path(capsys, FIXTURES / name, out, *extra)


def solve_path(capsys: pytest.CaptureFixture[str], spec: Path, out: Path, *extra: str) -> str:
    """Run `affiche solve`, expecting exit 1 with a reason and nothing written."""
    code = main(["solve", str(spec), "--out", str(out), *FAST, *extra])
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


def _walking_spec(path: Path) -> Path:
    """frab imports set no walking time, so this one is a YAML spec: Ada's two talks are
    published back to back in two rooms 10 minutes' walk apart."""
    room = {"start": "2026-06-12T10:00", "end": "2026-06-12T12:00"}
    return write_yaml(path, spec_data(festivals=[festival(
        start="2026-06-12", end="2026-06-12",
        venues=[venue("k1", name="K.1", walking_minutes={"k2": 10}, open=[room]),
                venue("k2", name="K.2", open=[room])],
        items=[item("engines", title="Engines", artists=["ada"], venues=["k1"],
                    pins=[{"occurrence": 1, "start": "2026-06-12T10:00"}]),
               item("notes", title="Notes", artists=["ada"], venues=["k2"],
                    pins=[{"occurrence": 1, "start": "2026-06-12T11:00"}])],
    )], artists=[artist("ada", name="Ada Lovelace")]))


def test_back_to_back_talks_in_two_rooms_name_the_walking_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = solve_path(capsys, _walking_spec(tmp_path / "walk.yaml"), tmp_path / "out")
    assert ("Ada Lovelace needs 10 minutes between K.1 and K.2 (artist no-overlap, with "
            "walking and travel time)") in err
    assert "Engines is at K.1 10:00-11:00; Notes is at K.2 11:00-12:00" in err


def test_a_loud_outdoor_concert_past_the_curfew_names_the_curfew(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_yaml(tmp_path / "curfew.yaml", spec_data(festivals=[festival(
        start="2026-06-12", end="2026-06-12",
        venues=[venue("garden", name="Garden", outdoor=True, sound_curfew="22:00",
                      open=[{"start": "2026-06-12T20:30", "end": "2026-06-12T23:30"}])],
        items=[item("boom", kind="concert", title="Boom", duration=120)],
    )]))
    err = solve_path(capsys, spec, tmp_path / "out")
    assert ("'Boom' fits in no venue: Garden: after the sound curfew (loud items end by "
            "22:00) the longest window is 90 min") in err
    assert "the item needs 120" in err


def test_a_person_the_published_schedule_double_books_is_named_with_both_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a reason for failure: the published answer must stay valid, so the person is
    exempted from no-overlap under the import rules, with a warning a producer can act on
    (it said only "events 1 and 2")."""
    out = tmp_path / "out"
    spec = FIXTURES / "reasons-double-booked.xml"
    assert main(["solve", str(spec), "--out", str(out), *FAST, "--keep-times"]) == 0
    err = capsys.readouterr().err
    assert ('person Ada Lovelace (p7): events 1 and 2 ("Engines" in K.1, 3 February '
            '10:00-11:00; "Notes" in K.2, 3 February 10:00-11:00)') in err
