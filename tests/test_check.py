"""The independent checker: a solved programme passes; each single tampering is named."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from affiche.programmes import rules
from affiche.programmes.check import check_schedule
from affiche.programmes.model import Spec
from affiche.programmes.schedule import Placement, Schedule, load_schedule, save_schedule
from affiche.venues.timeutil import programme_day, zone
from tests.builders import (
    FRIDAY,
    SATURDAY,
    SUNDAY,
    artist,
    installation,
    item,
    make_spec,
    solve_spec,
    spec_data,
    venue,
)

TZ = "Europe/Paris"


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return zone(TZ).localize(datetime(day.year, day.month, day.day, hour, minute))


def programme() -> Spec:
    venues = [
        venue("hall", changeover_minutes=10, walking_minutes={"studio": 15},
              closures=[{"start": "2026-06-13T10:00", "end": "2026-06-13T14:00"}]),
        venue("studio", capacity=60),
        venue("garden", outdoor=True, sound_curfew="22:00", installation_slots=1),
        venue("lobby", installation_slots=1),
    ]
    items = [
        item("opening", venues=["hall"], artists=["ana"],
             pins=[{"start": "2026-06-12T14:00"}]),
        item("closing", duration=30, venues=["hall"], after=["opening"]),
        item("screening", kind="screening", venues=["studio"], artists=["ana"],
             days=["2026-06-12"]),
        item("q-and-a", duration=30, venues=["studio"], same_day_as=["screening"]),
        item("workshop", kind="workshop", duration=90, venues=["studio"], artists=["bob"]),
        item("gig", kind="concert", venues=["garden"],
             windows=[{"start": "2026-06-12T18:00", "end": "2026-06-12T23:00"}]),
        item("night-film", kind="screening", duration=45, venues=["garden"], after_dark=True),
        item("meeting", duration=30, venues=["lobby"], not_same_day_as=["gig"]),
        installation("piece-a", pins=[{"venue": "garden"}]),
        installation("piece-b", pins=[{"venue": "lobby"}]),
    ]
    artists = [
        artist("ana"),
        artist("bob", availability=[{"start": "2026-06-13T10:00", "end": "2026-06-13T18:00"}]),
    ]
    return make_spec(spec_data(venues=venues, items=items, artists=artists,
                               latitude=48.85, longitude=2.35))


@pytest.fixture(scope="module")
def solved() -> tuple[Spec, Schedule]:
    spec = programme()
    _, result, schedule = solve_spec(spec)
    assert result.status in ("optimal", "feasible")
    assert schedule is not None
    return spec, schedule


def placed(schedule: Schedule, item_id: str) -> Placement:
    return next(p for p in schedule.placements if p.item == item_id)


def with_placements(schedule: Schedule, placements: list[Placement]) -> Schedule:
    return schedule.model_copy(update={"placements": placements})


def changed(schedule: Schedule, item_id: str, **update: object) -> Schedule:
    """The schedule with one placement's fields replaced (nothing else recomputed)."""
    target = placed(schedule, item_id)
    return with_placements(
        schedule,
        [p.model_copy(update=update) if p is target else p for p in schedule.placements],
    )


def moved(schedule: Schedule, item_id: str, start: datetime, **update: object) -> Schedule:
    """One placement moved to `start`, keeping its length, with its programme day updated."""
    p = placed(schedule, item_id)
    return changed(schedule, item_id, start=start, end=start + (p.end - p.start),
                   day=programme_day(start, TZ, 4), **update)


def problems_of(spec: Spec, schedule: Schedule) -> list[str]:
    """The checker's violations as `affiche check` prints them."""
    return [str(violation) for violation in check_schedule(spec, schedule)]


def assert_named(problems: list[str], *fragments: str) -> None:
    assert any(all(f in problem for f in fragments) for problem in problems), problems


def test_solved_programme_passes(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    assert problems_of(spec, schedule) == []
    assert len(schedule.placements) == 10


def test_solved_programme_passes_after_a_json_round_trip(
    solved: tuple[Spec, Schedule], tmp_path: Path
) -> None:
    spec, schedule = solved
    save_schedule(schedule, tmp_path)
    assert problems_of(spec, load_schedule(tmp_path)) == []


def test_outside_opening_hours(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "workshop", paris(SATURDAY, 8)))
    assert_named(problems, "fest.workshop.1", "outside the opening hours of studio")


def test_during_a_closure(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "closing", paris(SATURDAY, 11)))
    assert_named(problems, "fest.closing.1", "during a closure of hall")


def test_two_items_overlap_in_a_venue(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "closing", placed(schedule, "opening").start))
    assert_named(problems, "overlaps", "in hall")


def test_changeover_too_short(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    start = placed(schedule, "opening").end + timedelta(minutes=5)
    problems = problems_of(spec, moved(schedule, "closing", start))
    assert problems == ["fest.closing.1: overlaps fest.opening.1 in hall (with changeover)"]


def test_changeover_respected(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    start = placed(schedule, "opening").end + timedelta(minutes=10)
    assert problems_of(spec, moved(schedule, "closing", start)) == []


def test_artist_double_booked(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    start = placed(schedule, "opening").start
    problems = problems_of(spec, moved(schedule, "screening", start))
    assert_named(problems, "artist ana cannot get there")


def test_walking_time_too_short(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    start = placed(schedule, "opening").end + timedelta(minutes=10)
    problems = problems_of(spec, moved(schedule, "screening", start))
    assert_named(problems, "fest.screening.1", "artist ana cannot get there from fest.opening.1")


def test_wrong_duration(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    gig = placed(schedule, "gig")
    problems = problems_of(spec, changed(schedule, "gig", end=gig.end - timedelta(minutes=5)))
    assert_named(problems, "fest.gig.1", "lasts 0:55:00, the item lasts 60 min")


def test_ends_before_it_starts(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    gig = placed(schedule, "gig")
    problems = problems_of(spec, changed(schedule, "gig", end=gig.start - timedelta(hours=1)))
    assert_named(problems, "fest.gig.1", "ends before it starts")


def test_unknown_venue(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, changed(schedule, "workshop", venue="nowhere"))
    assert_named(problems, "fest.workshop.1", "unknown item 'workshop' or venue 'nowhere'")


def test_unknown_item(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, changed(schedule, "workshop", item="ghost"))
    assert_named(problems, "unknown item 'ghost'")


def test_venue_of_another_festival(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, changed(schedule, "workshop", festival="elsewhere"))
    assert_named(problems, "fest.workshop.1", "is not a venue of festival")


def test_uid_that_does_not_match(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, changed(schedule, "workshop", occurrence=2))
    assert_named(problems, "uid does not match")


def test_dropped_placement(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    rest = [p for p in schedule.placements if p.item != "gig"]
    problems = problems_of(spec, with_placements(schedule, rest))
    assert problems == ["fest.gig.1 is neither placed nor listed as unplaced"]


def test_placement_given_twice(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    twice = with_placements(schedule, [*schedule.placements, placed(schedule, "meeting")])
    assert_named(problems_of(spec, twice), "fest.meeting.1 is placed more than once")


def test_sound_curfew(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "gig", paris(FRIDAY, 21, 30)))
    assert_named(problems, "fest.gig.1", "ends after the sound curfew of garden (22:00)")


def test_before_dark(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "night-film", paris(SUNDAY, 15)))
    assert_named(problems, "fest.night-film.1", "starts before sunset")


def test_after_relation(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "closing", paris(FRIDAY, 11)))
    assert_named(problems, "fest.closing.1", "must start after fest.opening.1 ends")


def test_same_day_relation(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "q-and-a", paris(SUNDAY, 11)))
    assert_named(problems, "fest.q-and-a.1", "must be on the same day as fest.screening.1")


def test_not_same_day_relation(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "meeting", paris(FRIDAY, 11)))
    assert_named(problems, "fest.meeting.1", "must not be on the same day as fest.gig.1")


def test_installation_slots_exceeded(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, changed(schedule, "piece-b", venue="garden"))
    assert_named(problems, "garden hosts 2 installations, it has 1 slots")
    assert_named(problems, "fest.piece-b.1", "pinned to lobby, placed in garden")


def test_outside_the_items_windows(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "gig", paris(SATURDAY, 19)))
    assert_named(problems, "fest.gig.1", "outside the item's windows")


def test_not_one_of_the_items_days(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "screening", paris(SUNDAY, 16)))
    assert_named(problems, "fest.screening.1", "not one of the item's days")


def test_artist_not_available(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "workshop", paris(SUNDAY, 11)))
    assert_named(problems, "fest.workshop.1", "artist bob is not available then")


def test_pinned_start_moved(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "opening", paris(FRIDAY, 15)))
    assert_named(problems, "fest.opening.1", "pinned to start at")


def test_not_an_allowed_venue(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, changed(schedule, "meeting", venue="hall"))
    assert_named(problems, "fest.meeting.1", "hall is not among the allowed venues")


def test_wrong_programme_day_recorded(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    p = placed(schedule, "workshop")
    problems = problems_of(spec, changed(schedule, "workshop", day=p.day + timedelta(days=1)))
    assert_named(problems, "fest.workshop.1", "programme day is")


def test_outside_the_festival(solved: tuple[Spec, Schedule]) -> None:
    spec, schedule = solved
    problems = problems_of(spec, moved(schedule, "closing", paris(date(2026, 6, 16), 11)))
    assert_named(problems, "fest.closing.1", "outside the festival")


def test_same_day_check_pairs_occurrences_by_number() -> None:
    room = venue("room", open=[
        {"start": "2026-06-12T10:00", "end": "2026-06-12T11:00"},
        {"start": "2026-06-13T10:00", "end": "2026-06-13T12:00"},
    ])
    spec = make_spec(spec_data(venues=[room], items=[
        item("film", priority=5, days=["2026-06-12"]),
        item("talk", occurrences=2, same_day_as=["film"]),
    ]))
    _, result, schedule = solve_spec(spec, allow_unplaced=True)
    assert result.status == "optimal"
    assert [u.uid for u in schedule.unplaced] == ["fest.talk.1"]  # no room on the film's day
    assert placed(schedule, "talk").day == SATURDAY  # talk.2 has no film.2 to follow
    assert problems_of(spec, schedule) == []


def test_violations_are_records_naming_rule_occurrences_and_venue(
    solved: tuple[Spec, Schedule]
) -> None:
    spec, schedule = solved
    start = placed(schedule, "opening").end + timedelta(minutes=5)
    [violation] = check_schedule(spec, moved(schedule, "closing", start))
    assert violation.rule == rules.VENUE_AT_ONCE
    assert violation.uids == ("fest.closing.1", "fest.opening.1")
    assert violation.venue == "hall"


def floor_spec(parallel: int) -> Spec:
    stands = [item(f"stand-{n}", kind="stand", pins=[{"start": "2026-06-12T11:00"}])
              for n in range(3)]
    return make_spec(spec_data(venues=[venue("floor", parallel=parallel)], items=stands))


def test_parallel_venue_holds_as_many_as_it_says() -> None:
    spec = floor_spec(3)
    _, _, schedule = solve_spec(spec)
    assert schedule is not None and problems_of(spec, schedule) == []
    [violation] = check_schedule(floor_spec(2), schedule)
    assert violation.rule == rules.VENUE_AT_ONCE and violation.venue == "floor"
    assert "floor holds 2 at once (parallel), but fest.stand-2.1 meets" in str(violation)


def test_touching_windows_are_two_windows() -> None:
    """A room open round the clock: Friday's window ends at 09:05 when Saturday's opens."""
    room = venue("room", open=[{"start": "2026-06-12T20:00", "end": "2026-06-13T09:05"},
                               {"start": "2026-06-13T09:05", "end": "2026-06-13T12:00"}])
    spec = make_spec(spec_data(venues=[room], items=[item("talk")]))
    _, _, schedule = solve_spec(spec)
    assert schedule is not None and problems_of(spec, schedule) == []
    problems = problems_of(spec, moved(schedule, "talk", paris(SATURDAY, 8, 30)))
    assert_named(problems, "fest.talk.1", "outside the opening hours of room")
