"""One-to-one meetings: the spec section, the grid, the solver's hard rules (feasible /
infeasible pairs), a known-answer instance and a generated medium instance."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from affiche.programmes.errors import SpecError
from affiche.programmes.loader import load_specs
from affiche.programmes.meetings import MeetingGrid, meeting_grid, request_rows_to_section
from affiche.programmes.meetings_check import check_meetings
from affiche.programmes.meetings_output import meeting_schedule
from affiche.programmes.model import Spec
from affiche.programmes.schedule import Placement
from affiche.scheduler.meetings import MeetingOptions, MeetingSolution, solve_meetings
from affiche.venues.timeutil import localize

PEOPLE = "abcdefgh"


def spec_data(requests: list[dict[str, Any]], *, tables: int = 5, opens: str = "10:00",
              closes: str = "11:00", max_in_a_row: int = 4, days: int = 1,
              **meetings: Any) -> dict[str, Any]:
    return {
        "festivals": [{
            "id": "fab", "name": "Fabrique", "timezone": "Europe/Paris",
            "start": "2016-06-16", "end": f"2016-06-{15 + days}",
            "venues": [
                {"id": "tables", "name": "Meeting tables", "parallel": tables,
                 "hours": {"opens": opens, "closes": closes}, "walking_minutes": {"stage": 15}},
                {"id": "stage", "name": "Stage"},
            ],
            "meetings": {"venue": "tables", "minutes": 20, "max_in_a_row": max_in_a_row,
                         "requests": requests, **meetings},
        }],
        "artists": [{"id": p, "name": p.upper(), "organisation": f"Org {p}"} for p in PEOPLE],
    }


def must(*people: str) -> dict[str, Any]:
    return {"between": list(people), "priority": "must"}


def wish(*people: str, mutual: bool = False) -> dict[str, Any]:
    return {"between": list(people), "priority": "wish", "mutual": mutual}


def solved(data: dict[str, Any], placements: list[Placement] | None = None,
           limit: float = 10.0) -> tuple[Spec, MeetingGrid, MeetingSolution]:
    spec = Spec.model_validate(data)
    grid = meeting_grid(spec, spec.festivals[0], placements or [])
    solution = solve_meetings(grid, MeetingOptions(time_limit=limit, workers=2))
    schedule = meeting_schedule(spec, spec.festivals[0], grid, solution)
    assert check_meetings(spec, spec.festivals[0], schedule.placements, schedule.unplaced,
                          placements or []) == []
    return spec, grid, solution


def unplaced_musts(grid: MeetingGrid, solution: MeetingSolution) -> list[int]:
    return [r.index for r in grid.requests if r.must and r.index not in solution.starts]


def at(clock: str) -> datetime:
    return localize(datetime.fromisoformat(f"2016-06-16 {clock}"), "Europe/Paris")


# --- the spec section -------------------------------------------------------------------


def load_yaml(tmp_path: Path, data: dict[str, Any]) -> Spec:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_specs([path]).spec


def issues_of(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    with pytest.raises(SpecError) as error:
        load_yaml(tmp_path, data)
    return [str(issue) for issue in error.value.issues]


def test_a_valid_section_loads_with_the_participant_fields(tmp_path: Path) -> None:
    data = spec_data([must("a", "b"), wish("a", "c", "d")], do_not_meet=[["b", "c"]],
                     lunch={"start": "12:00", "end": "13:00"})
    data["artists"][0].update(kind="delegation", languages=["fr", "ja"])
    spec = load_yaml(tmp_path, data)
    section = spec.festivals[0].meetings
    assert section is not None and section.lunch is not None
    assert [r.priority.value for r in section.requests] == ["must", "wish"]
    assert spec.artists[0].kind.value == "delegation" and spec.artists[0].organisation == "Org a"


def test_an_unknown_participant_is_located(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, spec_data([must("a", "zed")]))
    assert len(issues) == 1
    assert "festivals[0].meetings.requests[0].between[1]" in issues[0]
    assert "unknown participant 'zed'" in issues[0] and "spec.yaml:" in issues[0]


def test_a_meeting_venue_needs_parallel_tables(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, spec_data([must("a", "b")], tables=1))
    assert len(issues) == 1 and "meetings.venue" in issues[0] and "parallel > 1" in issues[0]


@pytest.mark.parametrize("minutes", [10, 45])
def test_minutes_outside_15_to_30_are_refused(tmp_path: Path, minutes: int) -> None:
    issues = issues_of(tmp_path, spec_data([{"between": ["a", "b"], "minutes": minutes}]))
    assert len(issues) == 1 and "meetings.requests[0].minutes" in issues[0]
    data = spec_data([must("a", "b")])
    data["festivals"][0]["meetings"]["minutes"] = minutes
    assert "meetings.minutes" in issues_of(tmp_path, data)[0]


def test_nobody_meets_themself(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, spec_data([must("a", "a")]))
    assert any("cannot meet themself" in i and "between[1]" in i for i in issues)


def test_a_must_between_a_do_not_meet_pair_is_refused(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, spec_data([must("a", "b", "c")], do_not_meet=[["c", "a"]]))
    assert len(issues) == 1 and "do_not_meet" in issues[0] and "requests[0]" in issues[0]
    assert load_yaml(tmp_path, spec_data([must("a", "b", "c")], do_not_meet=[["c", "d"]]))


def test_the_same_meeting_asked_twice_is_refused(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, spec_data([wish("a", "b"), wish("b", "a")]))
    assert len(issues) == 1 and "requests[1]" in issues[0] and "mutual" in issues[0]


def test_a_requests_sheet_becomes_mutual_requests() -> None:
    rows = [{"requester": "a", "requested": "b", "priority": "wish"},
            {"requester": "b", "requested": "a", "priority": "must"},
            {"requester": "a", "requested": "c"}]
    assert request_rows_to_section(rows) == [
        {"between": ["a", "b"], "priority": "must", "mutual": True},
        {"between": ["a", "c"], "priority": "wish", "mutual": False},
    ]


# --- the grid ---------------------------------------------------------------------------


def test_slots_follow_the_venue_hours_and_lunch() -> None:
    spec = Spec.model_validate(spec_data([must("a", "b")], opens="10:00", closes="13:00",
                                         lunch={"start": "11:00", "end": "12:00"}, days=2))
    grid = meeting_grid(spec, spec.festivals[0])
    clocks = [s.start.strftime("%d %H:%M") for s in grid.slots]
    assert clocks == ["16 10:00", "16 10:20", "16 10:40", "16 12:00", "16 12:20", "16 12:40",
                      "17 10:00", "17 10:20", "17 10:40", "17 12:00", "17 12:20", "17 12:40"]
    assert len({s.run for s in grid.slots}) == 4


def test_own_items_block_time_with_the_walk() -> None:
    talk = Placement(uid="fab.talk.1", festival="fab", item="talk", occurrence=1, venue="stage",
                     start=at("10:00"), end=at("10:20"), day=at("10:00").date(), artists=["b"])
    spec = Spec.model_validate(spec_data([must("a", "b")], closes="11:20"))
    grid = meeting_grid(spec, spec.festivals[0], [talk])
    # the talk ends at 10:20, the walk takes 15 minutes: 10:40 is the first free start
    assert [grid.slots[s].start for s in grid.requests[0].starts] == [
        at("10:40"), at("11:00")]


def test_a_longer_meeting_holds_its_own_minutes_on_a_finer_grid() -> None:
    spec = Spec.model_validate(spec_data([{"between": ["a", "b"], "minutes": 30}, must("c", "d")]))
    grid = meeting_grid(spec, spec.festivals[0])
    # 20 and 30 minutes: a 10-minute grid, the 30-minute meeting three slots, the other two
    assert grid.step == 10 and [r.length for r in grid.requests] == [3, 2]
    assert [grid.slots[s].start for s in grid.requests[0].starts] == [
        at("10:00"), at("10:10"), at("10:20"), at("10:30")]


def long_then_short(closes: str) -> dict[str, Any]:
    return spec_data([{"between": ["a", "b"], "minutes": 30, "priority": "must"},
                      must("a", "c")], tables=1, closes=closes)


def test_a_30_minute_meeting_frees_its_people_and_table_when_it_ends() -> None:
    # 10:00-10:50, one table: a-b 30 min then a-c 20 min fit only if a-b ends at 10:30
    # (on a 20-minute grid it held 40 minutes and a-c could not follow)
    spec, grid, solution = solved(long_then_short("10:50"))
    assert unplaced_musts(grid, solution) == [] and solution.musts == "all placed"
    schedule = meeting_schedule(spec, spec.festivals[0], grid, solution)
    times = sorted((p.start, p.end, p.table) for p in schedule.placements)
    assert times in ([(at("10:00"), at("10:30"), 1), (at("10:30"), at("10:50"), 1)],
                     [(at("10:00"), at("10:20"), 1), (at("10:20"), at("10:50"), 1)])
    # ten minutes short: 50 minutes of meetings for a in 40 minutes
    _, grid, solution = solved(long_then_short("10:40"))
    assert len(unplaced_musts(grid, solution)) == 1 and solution.musts == "infeasible"


def test_runs_on_a_finer_grid_count_default_lengths() -> None:
    # max_in_a_row 2 of 20 minutes: a run of back-to-back meetings spans at most 40
    # minutes; a 10-minute pause is shorter than a meeting and does not end the run
    requests = [must("a", "b"), {"between": ["a", "c"], "minutes": 30, "priority": "must"}]
    _, grid, solution = solved(spec_data(requests, max_in_a_row=2, closes="10:50"))
    assert len(unplaced_musts(grid, solution)) == 1  # 20 + 30 in 50 minutes, at most 10 apart
    _, grid, solution = solved(spec_data(requests, max_in_a_row=3, closes="10:50"))
    assert unplaced_musts(grid, solution) == []
    _, grid, solution = solved(spec_data(requests, max_in_a_row=2, closes="11:10"))
    assert unplaced_musts(grid, solution) == []  # room for a 20-minute pause between them


# --- hard rules: feasible / infeasible pairs -------------------------------------------


def test_tables_are_never_over_capacity() -> None:
    requests = [must("a", "b"), must("c", "d"), must("e", "f")]
    _, grid, solution = solved(spec_data(requests, tables=3, closes="10:20"))
    assert unplaced_musts(grid, solution) == []
    assert solution.musts == "all placed"
    _, grid, solution = solved(spec_data(requests, tables=2, closes="10:20"))
    assert len(unplaced_musts(grid, solution)) == 1 and solution.musts == "infeasible"
    assert "cannot be placed together" in solution.unplaced[unplaced_musts(grid, solution)[0]]


def test_nobody_is_in_two_meetings_at_once() -> None:
    requests = [must("a", "b"), must("a", "c")]
    _, grid, solution = solved(spec_data(requests, closes="10:40"))
    assert unplaced_musts(grid, solution) == []
    assert solution.starts[0] != solution.starts[1]
    _, grid, solution = solved(spec_data(requests, closes="10:20"))
    assert len(unplaced_musts(grid, solution)) == 1


def test_at_most_max_in_a_row() -> None:
    requests = [must("a", "b"), must("a", "c"), must("a", "d")]
    _, grid, solution = solved(spec_data(requests, max_in_a_row=3))
    assert unplaced_musts(grid, solution) == []
    _, grid, solution = solved(spec_data(requests, max_in_a_row=2))
    assert len(unplaced_musts(grid, solution)) == 1
    # a lunch break ends a run: two before lunch and one after fit max_in_a_row 2
    _, grid, solution = solved(spec_data(requests, max_in_a_row=2, closes="11:40",
                                         lunch={"start": "10:40", "end": "11:20"}))
    assert unplaced_musts(grid, solution) == []


def test_availability_is_honoured() -> None:
    data = spec_data([must("a", "b")])
    data["artists"][1]["availability"] = [{"start": "2016-06-16 10:20",
                                           "end": "2016-06-16 10:40"}]
    spec, grid, solution = solved(data)
    assert grid.slots[solution.starts[0]].start == at("10:20")
    data["artists"][1]["availability"] = [{"start": "2016-06-16 14:00",
                                           "end": "2016-06-16 15:00"}]
    _, grid, solution = solved(data)
    assert unplaced_musts(grid, solution) == [0] and solution.musts == "infeasible"
    assert "b is never free" in solution.unplaced[0]


def test_two_people_never_free_together_are_told_so() -> None:
    data = spec_data([must("a", "b")])
    data["artists"][0]["availability"] = [{"start": "2016-06-16 10:00", "end": "2016-06-16 10:20"}]
    data["artists"][1]["availability"] = [{"start": "2016-06-16 10:20", "end": "2016-06-16 10:40"}]
    _, _, solution = solved(data)
    assert "never free at the same time" in solution.unplaced[0]


def test_own_items_keep_the_must_out_of_their_time() -> None:
    talk = Placement(uid="fab.talk.1", festival="fab", item="talk", occurrence=1, venue="stage",
                     start=at("10:00"), end=at("10:45"), day=at("10:00").date(), artists=["a"])
    _, grid, solution = solved(spec_data([must("a", "b")], closes="11:20"), [talk])
    assert grid.slots[solution.starts[0]].start == at("11:00")
    _, grid, solution = solved(spec_data([must("a", "b")], closes="11:00"), [talk])
    assert unplaced_musts(grid, solution) == [0]


def with_other_festival(data: dict[str, Any], walking: int = 25) -> dict[str, Any]:
    """A second festival of the spec in the same city: the way there is the larger of the
    two festivals' default walking times (the programme's rule)."""
    data["festivals"].append({"id": "other", "name": "Other", "timezone": "Europe/Paris",
                              "start": "2016-06-16", "end": "2016-06-16",
                              "default_walking_minutes": walking,
                              "venues": [{"id": "hall", "name": "Hall"}]})
    return data


def commitment(festival: str, venue: str, start: str, end: str, who: str,
               private: bool = False) -> Placement:
    return Placement(uid=f"{festival}.{venue}.1", festival=festival, item=f"duty-{venue}",
                     occurrence=1, venue=venue, start=at(start), end=at(end),
                     day=at(start).date(), artists=[who], private=private)


def test_items_of_another_festival_block_time_with_the_way_there() -> None:
    talk = commitment("other", "hall", "10:00", "10:20", "b")  # free again at 10:45
    _, grid, solution = solved(with_other_festival(spec_data([must("a", "b")], closes="11:20")),
                               [talk])
    assert grid.slots[solution.starts[0]].start == at("11:00")
    _, grid, solution = solved(with_other_festival(spec_data([must("a", "b")])), [talk])
    assert unplaced_musts(grid, solution) == [0] and solution.musts == "infeasible"
    assert "b is never free" in solution.unplaced[0] and "own festival items" in \
        solution.unplaced[0]


def test_private_items_and_stand_duties_block_time_too() -> None:
    jury = commitment("fab", "stage", "10:00", "10:25", "a", private=True)  # to 10:40
    stand = commitment("fab", "tables", "10:40", "11:00", "b")  # at the area: no walk
    _, grid, solution = solved(spec_data([must("a", "b")], closes="11:20"), [jury, stand])
    assert grid.slots[solution.starts[0]].start == at("11:00")
    _, grid, solution = solved(spec_data([must("a", "b")], closes="11:00"), [jury, stand])
    assert unplaced_musts(grid, solution) == [0]


def test_a_do_not_meet_pair_never_shares_a_table(tmp_path: Path) -> None:
    # the pair can only be asked for through the spec, which refuses it; the checker
    # refuses an agenda that seats them together (tests/test_meetings_check.py)
    assert issues_of(tmp_path, spec_data([wish("a", "b")], do_not_meet=[["a", "b"]]))
    assert load_yaml(tmp_path, spec_data([wish("a", "b")], do_not_meet=[["a", "c"]]))


# --- known answers ----------------------------------------------------------------------


K4 = [wish("a", "b", mutual=True), wish("a", "c"), wish("a", "d"), wish("b", "c"),
      wish("b", "d"), wish("c", "d")]


def test_k4_in_three_slots_places_all_six() -> None:
    # three perfect matchings of four people fill three slots of two tables
    _, _, solution = solved(spec_data(K4, tables=2))
    assert len(solution.starts) == 6 and solution.floor == 3 and solution.status == "optimal"


def test_k4_with_two_in_a_row_places_four_and_keeps_the_mutual_one() -> None:
    # each person is free for at most two of the three slots: 4 x 2 / 2 = 4 meetings
    _, _, solution = solved(spec_data(K4, tables=2, max_in_a_row=2))
    assert len(solution.starts) == 4 and 0 in solution.starts
    assert solution.floor == 2 and solution.status == "optimal"


def test_k4_in_two_slots_gives_everyone_two() -> None:
    _, _, solution = solved(spec_data(K4, tables=2, closes="10:40"))
    assert len(solution.starts) == 4 and solution.floor == 2 and 0 in solution.starts
    assert len(solution.unplaced) == 2
    assert all("not chosen" in reason for reason in solution.unplaced.values())


def test_the_floor_comes_before_the_total() -> None:
    # one free table per slot (the musts hold the other): a-b and a-c (mutual, 300) would
    # leave d without a meeting; the floor picks a-b and c-d (250), everyone has one
    requests = [must("e", "f"), must("g", "h"), wish("a", "b", mutual=True),
                wish("a", "c", mutual=True), wish("c", "d")]
    data = spec_data(requests, tables=2, closes="10:40")
    for who, start in (("e", "10:00"), ("f", "10:00"), ("g", "10:20"), ("h", "10:20")):
        end = "10:20" if start == "10:00" else "10:40"
        data["artists"][PEOPLE.index(who)]["availability"] = [
            {"start": f"2016-06-16 {start}", "end": f"2016-06-16 {end}"}]
    _, _, solution = solved(data)
    assert set(solution.starts) == {0, 1, 2, 4} and solution.floor == 1


def test_idle_gaps_are_closed() -> None:
    requests = [must("a", "b"), must("a", "c")]
    _, grid, solution = solved(spec_data(requests, closes="12:00"))
    first, second = sorted(solution.starts.values())
    assert second - first == 1 and solution.idle_slots == 0


def test_tables_keep_people_in_place() -> None:
    requests = [must("a", "b"), must("a", "c"), must("d", "e"), must("d", "f")]
    _, grid, solution = solved(spec_data(requests, closes="10:40"))
    assert solution.tables[0] == solution.tables[1]
    assert solution.tables[2] == solution.tables[3]
    assert {solution.tables[0], solution.tables[2]} == {1, 2}


def test_a_medium_generated_instance_is_solved_in_seconds() -> None:
    from benchmarks.meetings import SIZES, fabrique_spec

    spec = fabrique_spec(*SIZES["medium"])
    festival = spec.festivals[0]
    assert festival.meetings is not None and len(festival.meetings.requests) == 200
    grid = meeting_grid(spec, festival)
    solution = solve_meetings(grid, MeetingOptions(time_limit=8, workers=2))
    schedule = meeting_schedule(spec, festival, grid, solution)
    assert check_meetings(spec, festival, schedule.placements, schedule.unplaced) == []
    assert unplaced_musts(grid, solution) == []
    assert len(solution.starts) >= 190 and solution.gap is not None and solution.gap < 0.05
    durations = {p.end - p.start for p in schedule.placements}
    assert durations == {timedelta(minutes=20)}


@pytest.mark.parametrize(("lunch", "idle"), [(None, 40.0), ({"start": "10:20", "end": "10:40"},
                                                             20.0)])
def test_the_report_counts_idle_minutes_without_lunch(lunch: dict[str, str] | None,
                                                      idle: float) -> None:
    from affiche.programmes.meetings_output import meeting_report

    extra = {"lunch": lunch} if lunch else {}
    data = spec_data([must("a", "b"), must("a", "c"), wish("d", "e")], closes="12:00", **extra)
    data["artists"][1]["availability"] = [{"start": "2016-06-16 10:00", "end": "2016-06-16 10:20"}]
    data["artists"][2]["availability"] = [{"start": "2016-06-16 11:00", "end": "2016-06-16 11:20"}]
    spec, grid, solution = solved(data)
    schedule = meeting_schedule(spec, spec.festivals[0], grid, solution)
    report = meeting_report(spec, spec.festivals[0], grid, schedule)
    assert report["participants"]["a"] == {"meetings": 2, "idle_minutes": idle,
                                           "table_changes": 0}
    assert report["by_priority"] == {"must": {"asked": 2, "placed": 2, "unplaced": 0},
                                     "wish": {"asked": 1, "placed": 1, "unplaced": 0}}
    assert report["meetings_per_participant"] == {"min": 1, "max": 2, "mean": 6 / 5}


def test_the_local_pass_closes_a_gap_and_keeps_the_rules() -> None:
    from affiche.scheduler.meetings import compact, idle_slots

    spec = Spec.model_validate(spec_data([wish("a", "b"), wish("a", "c"), wish("c", "d")],
                                         tables=2, max_in_a_row=2))
    grid = meeting_grid(spec, spec.festivals[0])
    gappy = {0: 0, 1: 2, 2: 1}  # a waits at 10:20; c meets d then a, back to back
    assert idle_slots(grid, grid.requests, gappy) == 1
    closed = compact(grid, grid.requests, gappy, seconds=5)
    # the one move that helps: a-b to 10:20, beside c-d (two tables)
    assert closed == {0: 1, 1: 2, 2: 1} and idle_slots(grid, grid.requests, closed) == 0


def test_items_at_the_meeting_area_hold_tables() -> None:
    stand = Placement(uid="fab.stand.1", festival="fab", item="stand", occurrence=1,
                      venue="tables", start=at("10:00"), end=at("10:20"),
                      day=at("10:00").date(), artists=["h"])
    requests = [must("a", "b"), must("c", "d")]
    _, grid, solution = solved(spec_data(requests, tables=2, closes="10:20"))
    assert unplaced_musts(grid, solution) == []
    _, grid, solution = solved(spec_data(requests, tables=2, closes="10:20"), [stand])
    assert grid.capacity(0) == 1 and len(unplaced_musts(grid, solution)) == 1
    spec, grid, solution = solved(spec_data(requests, tables=2, closes="10:20"))
    schedule = meeting_schedule(spec, spec.festivals[0], grid, solution)
    crowded = check_meetings(spec, spec.festivals[0], schedule.placements, schedule.unplaced,
                             [stand])
    assert crowded == ["tables at 2016-06-16 10:00: 3 meetings and items for 2 tables"]
