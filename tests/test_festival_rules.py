"""Issue 13, items 4-6: artist limits and stays, prime time and running orders, the
festival's own features and daylight. A feasible / infeasible pair for each hard rule (the
infeasible one's reason names the rule), on both solve paths (`solve_path`), every solved
programme passing the independent checker."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from affiche.cli import main
from affiche.programmes import rules
from affiche.programmes.check import check_schedule
from affiche.programmes.model import Spec
from affiche.programmes.spreadsheet import load_spreadsheet
from affiche.programmes.validate import check_references
from affiche.scheduler.cpsat import _read_terms, build_model, complete_hint
from affiche.scheduler.explain import explain_infeasible
from affiche.scheduler.greedy import greedy_placement
from affiche.scheduler.pricing import price
from affiche.scheduler.problem import build_problem
from affiche.venues.sun import sunrise, sunset
from tests.builders import (
    FRIDAY,
    SATURDAY,
    SUNDAY,
    artist,
    festival,
    item,
    make_spec,
    spec_data,
    venue,
    write_yaml,
)
from tests.test_families import (  # noqa: F401 (solve_path: both solve paths, autouse)
    feasible,
    infeasible,
    one_venue,
    paris,
    placement,
    reason_for,
    solve_path,
    window,
)
from tests.test_loader import BASE, edit, line_of, only_issue, write

LYON = {"travel": [{"between": ["Lyon", "Paris"], "minutes": 120}]}


def explained(spec: Spec) -> str:
    """The reasons no programme exists, in one string."""
    return " | ".join(c.message for c in explain_infeasible(build_problem(spec)))


def infeasible_naming(spec: Spec, rule: str) -> str:
    infeasible(spec)
    reasons = explained(spec)
    assert rule in reasons, reasons
    return reasons


# --- arrival and departure ---------------------------------------------------------------


def nadia_show(start: str, end: str, day: str = "2026-06-12", **nadia: object) -> Spec:
    """Nadia Lopez (from Lyon, 2 h away) arrives on Friday at 15:00; her show's window."""
    person = artist("nadia", name="Nadia Lopez", home_city="Lyon",
                    arrive="2026-06-12T15:00", **nadia)
    show = item("show", artists=["nadia"],
                windows=[{"start": f"{day}T{start}", "end": f"{day}T{end}"}])
    return make_spec(spec_data(artists=[person], venues=[venue("room")], items=[show],
                               solver=LYON))


def test_arrival_plus_travel_feasible() -> None:
    _, _, schedule = feasible(nadia_show("16:00", "18:30"))
    assert placement(schedule, "show").start >= paris(FRIDAY, 17)


def test_arrival_plus_travel_infeasible() -> None:
    reason = reason_for(nadia_show("10:00", "17:55"))
    assert rules.STAY in reason
    assert "Nadia Lopez arrives on 12 June at 15:00 (from Lyon, 2 h)" in reason


def test_departure_minus_travel_feasible() -> None:
    spec = nadia_show("16:00", "23:00", "2026-06-13", depart="2026-06-13T20:00")
    _, _, schedule = feasible(spec)
    assert placement(schedule, "show").end <= paris(SATURDAY, 18)


def test_departure_minus_travel_infeasible() -> None:
    spec = nadia_show("17:30", "23:00", "2026-06-13", depart="2026-06-13T20:00")
    reason = reason_for(spec)
    assert rules.STAY in reason and "leaves on 13 June at 20:00 (to Lyon, 2 h)" in reason


def test_arrival_date_keeps_the_days_before_free() -> None:
    ana = artist("ana", arrive="2026-06-13")
    spec = make_spec(spec_data(artists=[ana], items=[item(artists=["ana"])]))
    _, _, schedule = feasible(spec)
    assert placement(schedule, "show").day >= SATURDAY


def test_stay_exits_1_naming_the_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each of her two shows fits after her arrival alone, not both."""
    person = artist("nadia", name="Nadia Lopez", home_city="Lyon", arrive="2026-06-12T15:00")
    shows = [item(f"show-{n}", artists=["nadia"], windows=[window(FRIDAY, "10:00", "18:55")])
             for n in range(2)]
    path = write_yaml(tmp_path / "spec.yaml", spec_data(
        artists=[person], venues=[venue("room"), venue("hall")], items=shows, solver=LYON))
    assert main(["solve", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert rules.STAY in err and "Nadia Lopez arrives on 12 June" in err
    assert "Traceback" not in err


def test_hotel_nights_count_from_arrival_to_departure() -> None:
    ana = artist("ana", arrive=FRIDAY.isoformat(), depart=SUNDAY.isoformat())
    spec = make_spec(spec_data(artists=[ana], items=[item(artists=["ana"])]))
    _, result, _ = feasible(spec)
    assert result.terms["hotel nights"] == 2 * 4  # two nights whatever the day of the show


def test_hotel_nights_from_arrival_only() -> None:
    ana = artist("ana", arrive=FRIDAY.isoformat())
    spec = make_spec(spec_data(artists=[ana], items=[item(artists=["ana"])]))
    _, result, schedule = feasible(spec)
    assert placement(schedule, "show").day == FRIDAY  # the cheapest: no night at all
    assert result.terms["hotel nights"] == 0


# --- items per day and rest ----------------------------------------------------------


def ana_talks(days: list[str], count: int = 2, **ana: object) -> Spec:
    talks = [item(f"talk-{n}", artists=["ana"], days=days) for n in range(count)]
    return make_spec(spec_data(artists=[artist("ana", max_per_day=1, **ana)], items=talks))


def test_max_per_day_feasible() -> None:
    _, _, schedule = feasible(ana_talks([FRIDAY.isoformat(), SATURDAY.isoformat()]))
    assert len({p.day for p in schedule.placements}) == 2


def test_max_per_day_infeasible_on_one_day() -> None:
    infeasible_naming(ana_talks([FRIDAY.isoformat()]), rules.PER_DAY)


def test_max_per_day_infeasible_over_days() -> None:
    spec = ana_talks([FRIDAY.isoformat(), SATURDAY.isoformat()], count=3)
    infeasible_naming(spec, rules.PER_DAY)


def rested(rest: int) -> Spec:
    """Two one-hour talks of Ana between 10:00 and 12:30 on Friday."""
    talks = [item(f"talk-{n}", artists=["ana"], windows=[window(FRIDAY, "10:00", "12:30")])
             for n in range(2)]
    return make_spec(spec_data(artists=[artist("ana", min_rest_minutes=rest)],
                               venues=[venue("room")], items=talks))


def test_min_rest_feasible() -> None:
    _, _, schedule = feasible(rested(30))
    first, second = sorted(schedule.placements, key=lambda p: p.start)
    assert second.start - first.end >= timedelta(minutes=30)


def test_min_rest_infeasible() -> None:
    infeasible_naming(rested(35), rules.REST)


def test_checker_finds_too_little_rest() -> None:
    spec = rested(30)
    _, _, schedule = feasible(spec)
    spec.artists[0].min_rest_minutes = 60
    assert [v.rule for v in check_schedule(spec, schedule)] == [rules.REST]


# --- prime time ------------------------------------------------------------------------


PRIME = {"opens": "20:00", "closes": "23:00"}


def headliner(duration: int, kind: object = "must", **overrides: object) -> Spec:
    star = item("star", kind="concert", duration=duration, headliner=kind, **overrides)
    return one_venue([star, item("opener")], prime=PRIME)


def test_prime_time_must_feasible() -> None:
    _, _, schedule = feasible(headliner(90))
    star = placement(schedule, "star")
    assert star.start >= paris(star.day, 20) and star.end <= paris(star.day, 23)


def test_prime_time_must_infeasible() -> None:
    assert rules.PRIME in reason_for(headliner(200))


def test_prime_by_day_overrides_the_daily_window() -> None:
    star = item("star", duration=60, headliner="must", days=[SATURDAY.isoformat()])
    spec = one_venue([star], prime=PRIME,
                     prime_by_day={SATURDAY.isoformat(): {"opens": "18:00", "closes": "19:00"}})
    _, _, schedule = feasible(spec)
    assert placement(schedule, "star").start == paris(SATURDAY, 18)


def test_a_must_headliner_needs_a_prime_window() -> None:
    spec = Spec.model_validate(spec_data(items=[item("star", headliner="must")]))
    problems = check_references(spec)
    assert problems and problems[0][0] == ("festivals", 0, "items", 0, "headliner")
    assert "prime" in problems[0][1]


def test_prime_time_soft_takes_the_prime_window() -> None:
    _, result, schedule = feasible(headliner(90, True))
    star = placement(schedule, "star")
    assert star.start >= paris(star.day, 20)
    assert result.terms["prime time"] == 0


def test_prime_time_soft_costs_its_weight_when_forced_out() -> None:
    spec = headliner(90, True, windows=[window(FRIDAY, "10:00", "12:00")])
    _, result, _ = feasible(spec)
    assert result.terms["prime time"] == 8


def test_headliner_true_still_weighs_in_stability() -> None:
    spec = headliner(90, True)
    assert next(o for o in build_problem(spec).occurrences if o.item == "star").headliner


# --- running orders --------------------------------------------------------------------


def evening(windows: dict[str, list[dict[str, str]]] | None = None,
            order: list[str] | None = None) -> Spec:
    """Three one-hour concerts on the lake stage (changeover 10), in a running order."""
    windows = windows or {}
    sets = [item(name, kind="concert", windows=windows.get(name, [])) for name in "abc"]
    stages = [venue("lake", changeover_minutes=10), venue("room")]
    running = [{"venue": "lake", "day": FRIDAY.isoformat(), "order": order or ["c", "a", "b"]}]
    return make_spec(spec_data(venues=stages, items=sets, running_orders=running))


def test_running_order_feasible() -> None:
    _, _, schedule = feasible(evening())
    c, a, b = (placement(schedule, name) for name in "cab")
    assert {c.venue, a.venue, b.venue} == {"lake"} and c.day == FRIDAY
    assert a.start == c.end + timedelta(minutes=10)
    assert b.start == a.end + timedelta(minutes=10)


def test_running_order_infeasible() -> None:
    spec = evening({"b": [window(FRIDAY, "10:00", "11:30")]}, order=["a", "b"])
    infeasible_naming(spec, rules.RUNNING_ORDER)


def test_running_order_exits_1_naming_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = [item("a", kind="concert"),
            item("b", kind="concert", windows=[window(FRIDAY, "10:00", "11:30")])]
    path = write_yaml(tmp_path / "spec.yaml", spec_data(
        venues=[venue("lake", changeover_minutes=10)], items=sets,
        running_orders=[{"venue": "lake", "order": ["a", "b"]}]))
    assert main(["solve", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    assert rules.RUNNING_ORDER in capsys.readouterr().err


def test_checker_finds_a_broken_running_order() -> None:
    spec = evening()
    _, _, schedule = feasible(spec)
    last = placement(schedule, "b")
    last.start += timedelta(minutes=30)
    last.end += timedelta(minutes=30)
    assert rules.RUNNING_ORDER in {v.rule for v in check_schedule(spec, schedule)}


def test_running_order_refers_to_known_items_and_stages() -> None:
    data = spec_data(items=[item("a", venues=["room"]), item("b")],
                     running_orders=[{"venue": "hall", "order": ["a", "b", "ghost"]}])
    data["festivals"][0]["venues"].append(venue("room"))
    problems = dict(check_references(Spec.model_validate(data)))
    order = ("festivals", 0, "running_orders", 0, "order")
    assert "not among the item's venues" in problems[(*order, 0)]
    assert "unknown item 'ghost'" in problems[(*order, 2)]


# --- features and daylight -------------------------------------------------------------


def rider(declared: list[str]) -> dict:
    smoky = venue("smoky", features=["haze", "sound"])
    return spec_data(venues=[smoky], features=declared,
                     items=[item("fog", kind="performance", requires=["haze"])])


def test_declared_features_feasible() -> None:
    _, _, schedule = feasible(make_spec(rider(["haze", "piano"])))
    assert placement(schedule, "fog").venue == "smoky"


def test_declared_features_infeasible() -> None:
    data = rider(["haze"])
    data["festivals"][0]["venues"][0]["features"] = ["sound"]
    assert rules.FEATURES in reason_for(make_spec(data))


def test_an_undeclared_feature_says_how_to_declare_it(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        requires: [projection-4k]")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].requires[0]"
    assert issue.line == line_of(text, "projection-4k")
    assert "features: [projection-4k]" in issue.message


def garden_show(duration: int, flag: str, start: str = "10:00", end: str = "23:00") -> Spec:
    show = item("show", duration=duration, venues=["garden"], days=[FRIDAY.isoformat()],
                windows=[window(FRIDAY, start, end)], **{flag: True})
    return make_spec(items=[show], latitude=48.85, longitude=2.35)


def test_before_dark_feasible() -> None:
    _, _, schedule = feasible(garden_show(60, "before_dark", "20:00"))
    assert placement(schedule, "show").end <= sunset(48.85, 2.35, FRIDAY, "Europe/Paris")


def test_before_dark_infeasible() -> None:
    assert rules.BEFORE_DARK in reason_for(garden_show(60, "before_dark", "21:00"))


def dawn(opens: str) -> Spec:
    """A one-hour dawn concert on the lake, open from `opens` on Saturday morning."""
    lake = venue("lake", open=[window(SATURDAY, opens, "09:00")])
    show = item("dawn", kind="concert", at_sunrise=True)
    return make_spec(spec_data(venues=[lake], items=[show], latitude=48.85, longitude=2.35))


def test_at_sunrise_feasible() -> None:
    _, _, schedule = feasible(dawn("04:30"))
    show = placement(schedule, "dawn")
    rise = sunrise(48.85, 2.35, SATURDAY, "Europe/Paris")
    assert rise is not None and show.start <= rise <= show.end


def test_at_sunrise_infeasible() -> None:
    assert rules.AT_SUNRISE in reason_for(dawn("06:00"))


def test_daylight_needs_coordinates() -> None:
    spec = Spec.model_validate(spec_data(items=[item(at_sunrise=True)]))
    assert [loc for loc, _ in check_references(spec)] == [
        ("festivals", 0, "items", 0, "at_sunrise")]


# --- pricing ---------------------------------------------------------------------------


def test_price_is_what_cp_sat_reads_with_prime_time_and_stays() -> None:
    stars = [item(f"star-{n}", kind="concert", duration=90, headliner=True, artists=[name])
             for n, name in enumerate(["ana", "bob", "ana"])]
    stars[2]["windows"] = [window(SATURDAY, "10:00", "12:00")]  # out of prime time
    stages = [venue("lake", prime=PRIME), venue("room", prime={"opens": "18:00",
                                                                "closes": "20:00"})]
    people = [artist("ana", arrive=FRIDAY.isoformat(), depart=SUNDAY.isoformat()),
              artist("bob", arrive="2026-06-13T12:00", home_city="Lyon")]
    spec = make_spec(spec_data(festivals=[festival(venues=stages, items=stars)],
                               artists=people, solver=LYON))
    problem = build_problem(spec)
    placed = greedy_placement(problem)
    variables, terms = build_model(problem, allow_unplaced=False, placed=placed)
    solver = complete_hint(variables.model, 10.0)
    assert solver is not None
    read, read_violations = _read_terms(solver, terms)
    costs, violations = price(problem, placed)
    assert {k: v for k, v in costs.items() if k in read} == read
    assert sorted(violations) == sorted(read_violations)
    assert read["prime time"] == 8 and read["hotel nights"] > 0


# --- spreadsheet columns -----------------------------------------------------------------


def test_spreadsheet_columns_for_limits_prime_time_and_features(tmp_path: Path) -> None:
    folder = tmp_path / "fest"
    folder.mkdir()
    (folder / "festival.csv").write_text(
        "field,value\nid,fest\nname,Fest\ntimezone,Europe/Paris\nstart,2026-06-12\n"
        "end,2026-06-14\ncity,Paris\nfeatures,haze; piano\nlatitude,48.85\nlongitude,2.35\n")
    (folder / "venues.csv").write_text(
        "id,name,features,prime\nlake,Lake,haze; sound,20:00-23:30\n")
    (folder / "artists.csv").write_text(
        "id,name,home_city,arrive,depart,max_per_day,min_rest_minutes\n"
        "nadia,Nadia Lopez,Lyon,2026-06-12 15:00,2026-06-14,2,45\n")
    (folder / "items.csv").write_text(
        "id,kind,title,duration,artists,requires,headliner,before_dark,at_sunrise\n"
        "star,concert,Star,60,nadia,haze,must,,\npicnic,workshop,Picnic,60,,,,x,\n")
    spec = load_spreadsheet(folder)
    fest = spec.festivals[0]
    assert fest.features == ["haze", "piano"]
    prime = fest.venues[0].prime
    assert prime is not None and (prime.opens, prime.closes) == (time(20), time(23, 30))
    nadia = spec.artists[0]
    assert (nadia.arrive, nadia.depart) == (datetime(2026, 6, 12, 15), SUNDAY)
    assert (nadia.max_per_day, nadia.min_rest_minutes) == (2, 45)
    star, picnic = fest.items
    assert star.must_take_prime and star.requires == ["haze"] and picnic.before_dark


def test_a_converted_line_up_keeps_its_headliner_late() -> None:
    """An evening of six sets on one stage (18:00 to 02:00), the headliner published at
    00:15: solved from scratch, it stays in the stage's prime time (23:30 to 01:30), not at
    the first free hour."""
    sets = [item(f"set-{n}", kind="concert", duration=60, days=[FRIDAY.isoformat()])
            for n in range(5)]
    sets.append(item("closing", kind="concert", duration=75, headliner=True,
                     days=[FRIDAY.isoformat()]))
    stage = venue("main", hours={"opens": "18:00", "closes": "02:00"}, changeover_minutes=15,
                  prime={"opens": "23:30", "closes": "01:30"})
    _, result, schedule = feasible(make_spec(spec_data(venues=[stage], items=sets)))
    closing = placement(schedule, "closing")
    assert closing.start >= paris(FRIDAY, 23, 30) and result.terms["prime time"] == 0
