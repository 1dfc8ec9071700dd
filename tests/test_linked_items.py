"""Linked items (`before`/`after` with a gap, in the item's venue): a feasible /
infeasible pair for each bound, on both solve paths; the checker, validation, occurrences.
"""

from __future__ import annotations

from datetime import timedelta

from affiche.programmes.check import check_schedule
from affiche.programmes.model import Spec
from affiche.programmes.rules import LINKED_AFTER, LINKED_BEFORE
from affiche.programmes.validate import check_references
from affiche.scheduler.explain import explain_infeasible
from affiche.scheduler.problem import build_problem
from tests.builders import FRIDAY, festival, item, make_spec, spec_data, venue
from tests.test_families import (  # noqa: F401  (solve_path: both solve paths)
    feasible,
    infeasible,
    paris,
    placement,
    solve_path,
    window,
)

SHOW = window(FRIDAY, "20:00", "21:00")  # the show is pinned by its window to 20:00


def concert(**overrides: object) -> dict:
    return item("reflets", kind="concert", windows=[SHOW], venues=["lac"], **overrides)


def soundcheck(link: dict | str, key: str = "before", **overrides: object) -> dict:
    return item("soundcheck", duration=45, **{key: link}, **overrides)


def stage_spec(*items: dict, **lac: object) -> Spec:
    venues = [venue("lac", changeover_minutes=0, **lac), venue("salle")]
    return make_spec(spec_data(festivals=[festival(venues=venues, items=list(items),
                                                   end="2026-06-12")]))


def reasons(spec: Spec) -> str:
    return " | ".join(c.message for c in explain_infeasible(build_problem(spec)))


# --- before: the upper bound -------------------------------------------------------


def test_before_upper_bound_feasible() -> None:
    spec = stage_spec(concert(), soundcheck({"item": "reflets", "gap_minutes": [0, 180]}))
    _, _, schedule = feasible(spec)
    check, show = placement(schedule, "soundcheck"), placement(schedule, "reflets")
    assert check.venue == show.venue == "lac"
    assert timedelta(0) <= show.start - check.end <= timedelta(minutes=180)


def test_before_upper_bound_infeasible() -> None:
    # at most 60 minutes before 20:00 is 19:00 to 20:00 (the show then takes the stage):
    # the stage is closed from 17:00 to 20:00
    hours = [window(FRIDAY, "10:00", "17:00"), window(FRIDAY, "20:00", "21:00")]
    spec = stage_spec(concert(), soundcheck({"item": "reflets", "gap_minutes": [0, 60]}),
                      open=hours)
    infeasible(spec)
    assert LINKED_BEFORE in reasons(spec)
    assert "Soundcheck must end 0 to 60 minutes before Reflets starts, in its venue" in reasons(
        spec)


# --- before: the lower bound -------------------------------------------------------


def test_before_lower_bound_feasible() -> None:
    spec = stage_spec(concert(), soundcheck({"item": "reflets", "gap_minutes": [30, 180]}))
    _, _, schedule = feasible(spec)
    gap = placement(schedule, "reflets").start - placement(schedule, "soundcheck").end
    assert timedelta(minutes=30) <= gap <= timedelta(minutes=180)


def test_before_lower_bound_infeasible() -> None:
    # the stage opens only from 19:00: a soundcheck ending 30 minutes before 20:00 would
    # start at 18:45
    spec = stage_spec(concert(), soundcheck({"item": "reflets", "gap_minutes": [30, 180]}),
                      open=[window(FRIDAY, "19:00", "21:00")])
    infeasible(spec)
    assert LINKED_BEFORE in reasons(spec)


# --- same venue --------------------------------------------------------------------


def test_same_venue_feasible_when_switched_off() -> None:
    link = {"item": "reflets", "gap_minutes": [0, 180], "same_venue": False}
    spec = stage_spec(concert(), soundcheck(link, venues=["salle"]))
    _, _, schedule = feasible(spec)
    assert placement(schedule, "soundcheck").venue == "salle"


def test_same_venue_infeasible() -> None:
    spec = stage_spec(concert(), soundcheck({"item": "reflets", "gap_minutes": [0, 180]},
                                            venues=["salle"]))
    infeasible(spec)
    assert "in its venue" in reasons(spec)


# --- after (a get-out) -------------------------------------------------------------


def test_after_upper_bound_feasible() -> None:
    get_out = item("get-out", duration=30, after={"item": "reflets", "gap_minutes": [0, 60]})
    _, _, schedule = feasible(stage_spec(concert(), get_out))
    gap = placement(schedule, "get-out").start - placement(schedule, "reflets").end
    assert timedelta(0) <= gap <= timedelta(minutes=60)
    assert placement(schedule, "get-out").venue == "lac"


def test_after_upper_bound_infeasible() -> None:
    # the stage closes at 21:00 and reopens at 22:30: a get-out within 60 min cannot fit
    hours = [window(FRIDAY, "20:00", "21:00"), window(FRIDAY, "22:30", "23:00")]
    get_out = item("get-out", duration=30, after={"item": "reflets", "gap_minutes": [0, 60]})
    spec = stage_spec(concert(), get_out, open=hours)
    infeasible(spec)
    assert LINKED_AFTER in reasons(spec)


def test_after_lower_bound_feasible() -> None:
    get_out = item("get-out", duration=30, after={"item": "reflets", "gap_minutes": [60, 120]})
    _, _, schedule = feasible(stage_spec(concert(), get_out))
    gap = placement(schedule, "get-out").start - placement(schedule, "reflets").end
    assert timedelta(minutes=60) <= gap <= timedelta(minutes=120)


def test_after_lower_bound_infeasible() -> None:
    get_out = item("get-out", duration=30, after={"item": "reflets", "gap_minutes": [60, 120]})
    spec = stage_spec(concert(), get_out, open=[window(FRIDAY, "10:00", "21:30")])
    infeasible(spec)
    assert LINKED_AFTER in reasons(spec)


def test_plain_after_ids_and_links_mix() -> None:
    warm_up = item("warm-up", duration=30, venues=["salle"])
    get_out = item("get-out", duration=30,
                   after=["warm-up", {"item": "reflets", "gap_minutes": [0, 60]}])
    _, _, schedule = feasible(stage_spec(concert(), warm_up, get_out))
    assert placement(schedule, "get-out").start >= placement(schedule, "warm-up").end


# --- occurrences -------------------------------------------------------------------


def test_a_soundcheck_before_each_show_pairs_occurrence_k_with_k() -> None:
    show = item("reflets", kind="concert", venues=["lac"], occurrences=2,
                windows=[SHOW, window(FRIDAY, "22:00", "23:00")])
    check = soundcheck({"item": "reflets", "gap_minutes": [0, 30]}, occurrences=2)
    _, _, schedule = feasible(stage_spec(show, check))
    for n in (1, 2):
        gap = placement(schedule, "reflets", n).start - placement(schedule, "soundcheck", n).end
        assert timedelta(0) <= gap <= timedelta(minutes=30)


def test_occurrence_n_links_every_occurrence_to_that_one() -> None:
    show = item("reflets", kind="concert", venues=["lac"], occurrences=2,
                windows=[SHOW, window(FRIDAY, "22:00", "23:00")])
    check = soundcheck({"item": "reflets", "gap_minutes": [0, 120], "occurrence": 2})
    _, _, schedule = feasible(stage_spec(show, check))
    second = next(p for p in schedule.placements if p.item == "reflets"
                  and p.start == paris(FRIDAY, 22))
    assert timedelta(0) <= second.start - placement(schedule, "soundcheck").end <= timedelta(
        minutes=120)


# --- the checker ------------------------------------------------------------------


def test_the_checker_names_a_broken_link() -> None:
    spec = stage_spec(concert(), soundcheck({"item": "reflets", "gap_minutes": [0, 180]}))
    _, _, schedule = feasible(spec)
    check = placement(schedule, "soundcheck")
    moved = check.model_copy(update={"start": paris(FRIDAY, 10), "end": paris(FRIDAY, 10, 45)})
    broken = schedule.model_copy(update={"placements": [
        moved if p.uid == check.uid else p for p in schedule.placements]})
    found = check_schedule(spec, broken)
    assert [v.rule for v in found] == [LINKED_BEFORE]
    assert "must be 0 to 180 minutes before reflets" in str(found[0])
    elsewhere = check.model_copy(update={"venue": "salle"})
    broken = schedule.model_copy(update={"placements": [
        elsewhere if p.uid == check.uid else p for p in schedule.placements]})
    assert "must be in the venue of reflets" in str(check_schedule(spec, broken)[0])


# --- validation -------------------------------------------------------------------


def problems_of(*items: dict) -> list[str]:
    spec = Spec.model_validate(spec_data(items=list(items)))
    return [f"{'.'.join(map(str, loc))}: {message}" for loc, message in check_references(spec)]


def test_unknown_item_in_before_is_located() -> None:
    found = problems_of(item("a", before={"item": "nope", "gap_minutes": [0, 60]}))
    assert found == ["festivals.0.items.0.before.0.item: unknown item 'nope'"]


def test_a_link_to_itself_is_refused() -> None:
    found = problems_of(item("a", before={"item": "a"}))
    assert found == ["festivals.0.items.0.before.0: an item cannot be linked to itself"]


def test_a_cycle_through_links_is_refused() -> None:
    found = problems_of(item("a", before={"item": "b"}), item("b", before={"item": "a"}))
    assert any("form a cycle" in p for p in found), found


def test_gap_lower_above_upper_is_refused_where_it_stands() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_spec(items=[item("a"), item("b", before={"item": "a", "gap_minutes": [90, 30]})])
    error = caught.value.errors()[0]
    assert error["loc"][:6] == ("festivals", 0, "items", 1, "before", 0)
    assert "lower bound is above the upper" in error["msg"]


def test_more_occurrences_than_the_item_need_an_occurrence() -> None:
    found = problems_of(item("a"), item("b", occurrences=2, before={"item": "a"}))
    assert any("give `occurrence: N`" in p for p in found), found
