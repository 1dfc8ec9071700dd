"""The independent meetings checker: a sound agenda passes, each hand-broken one fails."""

from __future__ import annotations

from datetime import timedelta

import pytest

from affiche.programmes.meetings import MeetingRequest, meeting_grid
from affiche.programmes.meetings_check import check_meetings
from affiche.programmes.meetings_output import meeting_schedule
from affiche.programmes.model import Spec
from affiche.programmes.schedule import Placement, Schedule, Unplaced
from affiche.scheduler.meetings import MeetingOptions, solve_meetings
from tests.test_meetings import at, must, spec_data, wish


def agenda() -> tuple[Spec, Schedule]:
    data = spec_data([must("a", "b"), must("a", "c"), wish("d", "e"), wish("f", "g")],
                     tables=2, closes="11:40", max_in_a_row=2, do_not_meet=[["a", "h"]],
                     lunch={"start": "11:00", "end": "11:20"})
    data["artists"][3]["availability"] = [{"start": "2016-06-16 10:00",
                                           "end": "2016-06-16 11:00"}]
    spec = Spec.model_validate(data)
    grid = meeting_grid(spec, spec.festivals[0])
    solution = solve_meetings(grid, MeetingOptions(time_limit=5, workers=2))
    return spec, meeting_schedule(spec, spec.festivals[0], grid, solution)


def problems(spec: Spec, schedule: Schedule, others: list[Placement] | None = None) -> list[str]:
    return check_meetings(spec, spec.festivals[0], schedule.placements, schedule.unplaced,
                          others or [])


def moved(placement: Placement, clock: str, minutes: int = 20) -> Placement:
    return placement.model_copy(update={"start": at(clock),
                                        "end": at(clock) + timedelta(minutes=minutes)})


def find(schedule: Schedule, *people: str) -> int:
    return next(i for i, p in enumerate(schedule.placements) if set(p.artists) == set(people))


def test_the_solved_agenda_passes() -> None:
    spec, schedule = agenda()
    assert len(schedule.placements) == 4 and problems(spec, schedule) == []


def test_double_booking_is_caught() -> None:
    spec, schedule = agenda()
    ab, ac = find(schedule, "a", "b"), find(schedule, "a", "c")
    schedule.placements[ac] = schedule.placements[ac].model_copy(
        update={"start": schedule.placements[ab].start, "end": schedule.placements[ab].end,
                "table": 2 if schedule.placements[ab].table == 1 else 1})
    assert any("a: in" in p and "at once" in p for p in problems(spec, schedule))


def test_a_clash_with_an_own_item_and_its_walk_is_caught() -> None:
    spec, schedule = agenda()
    ab = schedule.placements[find(schedule, "a", "b")]
    talk = Placement(uid="fab.talk.1", festival="fab", item="talk", occurrence=1, venue="stage",
                     start=ab.end + timedelta(minutes=10), end=ab.end + timedelta(minutes=40),
                     day=ab.day, artists=["b"])
    found = problems(spec, schedule, [talk])
    assert any("clashes with their talk" in p and "walk 15 min" in p for p in found)
    later = talk.model_copy(update={"start": ab.end + timedelta(minutes=15),
                                    "end": ab.end + timedelta(minutes=45)})
    assert problems(spec, schedule, [later]) == []


def test_outside_availability_is_caught() -> None:
    spec, schedule = agenda()
    index = find(schedule, "d", "e")
    schedule.placements[index] = moved(schedule.placements[index], "11:20")
    assert any("outside d's availability" in p for p in problems(spec, schedule))


@pytest.mark.parametrize(("clock", "what"), [("09:40", "outside the meeting venue's hours"),
                                              ("11:30", "outside the meeting venue's hours"),
                                              ("10:50", "during lunch")])
def test_outside_the_venue_hours_or_at_lunch_is_caught(clock: str, what: str) -> None:
    spec, schedule = agenda()
    index = find(schedule, "f", "g")
    schedule.placements[index] = moved(schedule.placements[index], clock)
    assert any(what in p for p in problems(spec, schedule))


def test_a_table_out_of_range_or_shared_is_caught() -> None:
    spec, schedule = agenda()
    schedule.placements[0] = schedule.placements[0].model_copy(update={"table": 3})
    assert any("table 3 is not one of 1..2" in p for p in problems(spec, schedule))
    spec, schedule = agenda()
    de, fg = find(schedule, "d", "e"), find(schedule, "f", "g")
    first = schedule.placements[de]
    schedule.placements[fg] = schedule.placements[fg].model_copy(
        update={"table": first.table, "start": first.start, "end": first.end})
    assert any(f"table {first.table}:" in p and "overlap" in p for p in problems(spec, schedule))


def test_a_must_neither_placed_nor_reported_is_caught() -> None:
    spec, schedule = agenda()
    del schedule.placements[find(schedule, "a", "c")]
    assert any("a must meeting neither placed nor reported" in p
               for p in problems(spec, schedule))
    schedule.unplaced.append(Unplaced(uid="fab.meet-a-c.1", festival="fab", item="meet-a-c",
                                      occurrence=1, reason="cannot be placed"))
    assert not any("neither placed" in p for p in problems(spec, schedule))


def test_do_not_meet_is_caught() -> None:
    spec, schedule = agenda()
    schedule.placements[0] = schedule.placements[0].model_copy(update={"artists": ["a", "h"]})
    found = problems(spec, schedule)
    assert any("a and h are on do_not_meet" in p for p in found)
    assert any("nobody asked" in p for p in found)


def test_more_than_max_in_a_row_is_caught() -> None:
    spec, schedule = agenda()
    ab, ac = find(schedule, "a", "b"), find(schedule, "a", "c")
    schedule.placements[ab] = moved(schedule.placements[ab], "10:00")
    schedule.placements[ac] = moved(schedule.placements[ac], "10:20")
    assert not any("in a row" in p for p in problems(spec, schedule))
    extra = schedule.placements[ab].model_copy(update={
        "uid": "x", "item": "meet-a-d", "artists": ["a", "d"], "start": at("10:40"),
        "end": at("11:00")})
    section = spec.festivals[0].meetings
    assert section is not None
    section.requests.append(MeetingRequest(between=["a", "d"]))
    schedule.placements.append(extra.model_copy(update={"table": 2}))
    assert any("a: more than 2 meetings in a row" in p for p in problems(spec, schedule))


def test_a_wrong_length_or_venue_or_public_flag_is_caught() -> None:
    spec, schedule = agenda()
    schedule.placements[0] = schedule.placements[0].model_copy(
        update={"end": schedule.placements[0].end + timedelta(minutes=5), "venue": "stage",
                "private": False})
    found = problems(spec, schedule)
    assert any("not 20 min" in p for p in found)
    assert any("not the meeting venue" in p for p in found)
    assert any("not marked private" in p for p in found)


def test_a_clash_with_an_item_of_another_festival_is_caught() -> None:
    from tests.test_meetings import with_other_festival

    spec, schedule = agenda()
    spec = Spec.model_validate(with_other_festival(spec.model_dump(mode="json"), walking=25))
    ab = schedule.placements[find(schedule, "a", "b")]
    talk = Placement(uid="other.talk.1", festival="other", item="talk", occurrence=1,
                     venue="hall", start=ab.end + timedelta(minutes=20),
                     end=ab.end + timedelta(minutes=40), day=ab.day, artists=["b"], private=True)
    assert any("clashes with their talk at hall (walk 25 min)" in p
               for p in problems(spec, schedule, [talk]))
    later = talk.model_copy(update={"start": ab.end + timedelta(minutes=25),
                                    "end": ab.end + timedelta(minutes=45)})
    assert problems(spec, schedule, [later]) == []
