"""Installations on part of the festival: a slot held on their days only, the artists'
set-up before the first opening, one event per open day in every output."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from affiche.cli import main
from affiche.programmes.check import check_schedule
from affiche.programmes.publish.pdf import booklets
from affiche.programmes.publish.versions import occurrences_from_schedule
from affiche.programmes.rules import INSTALLATION_SLOTS, SETUP
from affiche.scheduler.explain import explain_infeasible
from affiche.scheduler.problem import build_problem
from affiche.web.programme import build_programme, group_by_day
from tests.builders import (
    FRIDAY,
    SATURDAY,
    SUNDAY,
    artist,
    festival,
    installation,
    item,
    make_spec,
    spec_data,
    venue,
    write_yaml,
)
from tests.test_families import (  # noqa: F401  (solve_path: both solve paths)
    feasible,
    infeasible,
    paris,
    placement,
    solve_path,
    window,
)


def lobby_spec(*items: dict, artists: list[dict] | None = None, **hall: object) -> object:
    venues = [venue("lobby", installation_slots=1), venue("hall", **hall)]
    return make_spec(spec_data(festivals=[festival(venues=venues, items=list(items))],
                               artists=artists))


def days(*dates: object) -> list[str]:
    return [d.isoformat() for d in dates]  # type: ignore[attr-defined]


# --- one slot, two installations ----------------------------------------------------


def test_two_installations_share_a_slot_on_disjoint_days_feasible() -> None:
    spec = lobby_spec(installation("early", days=days(FRIDAY)),
                      installation("late", days=days(SATURDAY, SUNDAY)))
    _, _, schedule = feasible(spec)
    early, late = placement(schedule, "early"), placement(schedule, "late")
    assert early.venue == late.venue == "lobby"
    assert (early.start, early.end) == (paris(FRIDAY, 10), paris(FRIDAY, 23))
    assert [s.start for s in late.open] == [paris(SATURDAY, 10), paris(SUNDAY, 10)]


def test_two_installations_on_overlapping_days_infeasible() -> None:
    spec = lobby_spec(installation("early", days=days(FRIDAY, SATURDAY)),
                      installation("late", days=days(SATURDAY, SUNDAY)))
    infeasible(spec)
    found = " | ".join(c.message for c in explain_infeasible(build_problem(spec)))
    assert INSTALLATION_SLOTS in found and "13 June" in found


def test_dated_windows_hold_the_slot_on_their_days_only() -> None:
    spec = lobby_spec(installation("early", windows=[window(FRIDAY, "14:00", "18:00")]),
                      installation("late", days=days(SATURDAY)))
    _, _, schedule = feasible(spec)
    early = placement(schedule, "early")
    assert (early.start, early.end, early.open) == (paris(FRIDAY, 14), paris(FRIDAY, 18), [])


def test_the_checker_counts_slots_per_day() -> None:
    spec = lobby_spec(installation("early", days=days(FRIDAY)),
                      installation("late", days=days(SATURDAY, SUNDAY)))
    _, _, schedule = feasible(spec)
    widened = lobby_spec(installation("early", days=days(FRIDAY, SATURDAY)),
                         installation("late", days=days(SATURDAY, SUNDAY)))
    rules = {v.rule for v in check_schedule(widened, schedule)}
    assert INSTALLATION_SLOTS in rules  # and the open days no longer match the spec's


# --- set-up ------------------------------------------------------------------------


def setup_spec(talk_window: dict) -> object:
    return lobby_spec(
        installation("piece", artists=["ana"], days=days(SATURDAY), setup_minutes=120),
        item("ana-talk", artists=["ana"], venues=["hall"], windows=[talk_window]),
        artists=[artist("ana")],
        hours={"opens": "08:00", "closes": "23:00"},
    )


def test_setup_books_the_artists_before_opening_feasible() -> None:
    # the talk may go from 08:00 Saturday to noon: the set-up takes 08:00-10:00
    spec = setup_spec({"start": f"{SATURDAY}T00:00", "end": f"{SATURDAY}T12:00"})
    _, _, schedule = feasible(spec)
    talk = placement(schedule, "ana-talk")
    assert talk.start >= paris(SATURDAY, 10) + timedelta(minutes=10)  # walking time back


def test_setup_clashing_with_the_artists_talk_infeasible() -> None:
    # the talk can only be 08:30-09:30 Saturday, during the 08:00-10:00 set-up
    spec = make_spec(spec_data(festivals=[festival(
        venues=[venue("lobby", installation_slots=1),
                venue("hall", open=[window(SATURDAY, "08:30", "09:30")])],
        items=[installation("piece", artists=["ana"], days=days(SATURDAY), setup_minutes=120),
               item("ana-talk", artists=["ana"], venues=["hall"])])],
        artists=[artist("ana")]))
    infeasible(spec)
    found = " | ".join(c.message for c in explain_infeasible(build_problem(spec)))
    assert SETUP in found and "Ana must set Piece up for 120 minutes" in found


def test_the_checker_names_a_setup_clash() -> None:
    spec = setup_spec({"start": f"{SATURDAY}T00:00", "end": f"{SATURDAY}T12:00"})
    _, _, schedule = feasible(spec)
    talk = placement(schedule, "ana-talk")
    moved = talk.model_copy(update={"start": paris(SATURDAY, 9), "end": paris(SATURDAY, 10)})
    broken = schedule.model_copy(update={"placements": [
        moved if p.uid == talk.uid else p for p in schedule.placements]})
    assert [v.rule for v in check_schedule(spec, broken)] == [SETUP]


# --- refused -------------------------------------------------------------------------


def test_a_duration_on_an_installation_is_refused_where_it_stands() -> None:
    with pytest.raises(ValidationError) as caught:
        make_spec(items=[item("piece", duration=60, kind="installation")])
    assert "an installation has no duration" in str(caught.value)


def test_a_duration_on_an_installation_is_a_located_cli_error(tmp_path: Path, capsys) -> None:
    data = spec_data(items=[item("piece", duration=60, kind="installation")])
    path = write_yaml(tmp_path / "fest.yaml", data)
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "fest.yaml:" in err
    assert "festivals[0].items[0].duration: an installation has no duration" in err


# --- every output: one event per open day ----------------------------------------------


def part_time_schedule() -> object:
    spec = lobby_spec(installation("late", days=days(FRIDAY, SUNDAY)))
    return feasible(spec)[2]


def test_published_one_event_per_open_day_with_that_days_hours() -> None:
    schedule = part_time_schedule()
    published = occurrences_from_schedule(schedule)  # type: ignore[arg-type]
    events = [o for o in published if o.item == "late"]
    assert [(o.start, o.end, o.day) for o in events] == [
        (paris(FRIDAY, 10), paris(FRIDAY, 23), FRIDAY),
        (paris(SUNDAY, 10), paris(SUNDAY, 23), SUNDAY)]
    assert len({o.uid for o in events}) == 2
    (part,) = booklets(schedule, events, "en")  # type: ignore[arg-type]
    assert [d.anchor.split("-", 1)[1] for d in part.days] == [str(FRIDAY), str(SUNDAY)]


def test_web_day_pages_show_it_on_its_open_days_only() -> None:
    programme = build_programme(part_time_schedule())  # type: ignore[arg-type]
    groups = group_by_day(programme.occurrences, installations=True)
    shown = {g.day: [(o.start, o.end) for o in g.installations] for g in groups}
    assert shown == {FRIDAY: [(paris(FRIDAY, 10), paris(FRIDAY, 23))],
                     SUNDAY: [(paris(SUNDAY, 10), paris(SUNDAY, 23))]}


def test_the_feeds_hold_one_vevent_per_open_day(tmp_path: Path) -> None:
    data = spec_data(festivals=[festival(
        venues=[venue("lobby", installation_slots=1), venue("hall")],
        items=[item("talk"), installation("late", days=days(FRIDAY, SUNDAY))])])
    out = tmp_path / "out"
    spec = write_yaml(tmp_path / "fest.yaml", data)
    assert main(["solve", str(spec), "--out", str(out), "--time-limit", "5", "--publish"]) == 0
    feed = next(out.glob("ical/festival-*.ics")).read_text()
    blocks = [b for b in feed.split("BEGIN:VEVENT")[1:] if "SUMMARY:Late" in b]
    assert len(blocks) == 2
    assert "DTSTART;TZID=Europe/Paris:20260612T100000" in blocks[0]
    assert "DTEND;TZID=Europe/Paris:20260612T230000" in blocks[0]
    assert "DTSTART;TZID=Europe/Paris:20260614T100000" in blocks[1]
