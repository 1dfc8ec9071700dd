"""The readers of "which programme day is this instant" beyond the scheduler: the web
pages, the booklet and the report follow the festival's one rule (`rules.day_of`), so a day
that `day_boundaries` starts before `day_start_hour` keeps its small hours.

The festival: 1-2 June 2026 in Paris, `day_start_hour` 6, but day 2 starts at 02:00. A
workshop at 03:00 on 2 June belongs to day 2; an installation open from 20:00 on 1 June to
04:00 on 2 June is open on both days (by `day_start_hour` alone it would end on day 1)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytz
from fastapi.testclient import TestClient

from affiche.programmes import rules
from affiche.programmes.identity import occurrence_uid
from affiche.programmes.model import DayBoundary, Spec
from affiche.programmes.publish import pdf
from affiche.programmes.publish.versions import occurrences_from_schedule
from affiche.programmes.report import render_report
from affiche.programmes.schedule import (
    FestivalInfo,
    ItemInfo,
    Placement,
    Schedule,
    SolveInfo,
    Text,
    VenueInfo,
    save_schedule,
)
from affiche.scheduler.problem import build_problem
from affiche.web.app import create_app
from affiche.web.programme import build_programme, open_days
from tests.test_web_support import make_settings

TZ = "Europe/Paris"
DAY_1, DAY_2 = date(2026, 6, 1), date(2026, 6, 2)


def at(day: int, hour: int) -> datetime:
    return pytz.timezone(TZ).localize(datetime(2026, 6, day, hour))


def festival() -> FestivalInfo:
    return FestivalInfo(
        id="f", name="Nuit courte", timezone=TZ, start=DAY_1, end=DAY_2, day_start_hour=6,
        day_boundaries=[DayBoundary.model_validate(
            {"date": "2026-06-02", "starts": "2026-06-02T02:00"})],
    )


def item(ident: str, kind: str, title: str, minutes: int) -> ItemInfo:
    return ItemInfo(id=ident, festival="f", kind=kind, title=Text(en=title, fr=title),
                    duration_minutes=minutes)


def placement(ident: str, start: datetime, end: datetime) -> Placement:
    return Placement(uid=occurrence_uid("f", ident, 1), festival="f", item=ident, occurrence=1,
                     venue="club", start=start, end=end, day=rules.day_of(festival(), start))


def schedule() -> Schedule:
    return Schedule(
        generated=datetime(2026, 5, 1, tzinfo=pytz.UTC),
        solve=SolveInfo(status="optimal"),
        festivals=[festival()],
        venues=[VenueInfo(id="club", name="Club", festival="f", timezone=TZ)],
        artists=[],
        items=[item("dusk", "talk", "Dusk talk", 60),
               item("late", "workshop", "Late lab", 60),
               item("glow", "installation", "Glow field", 480)],
        placements=[placement("dusk", at(1, 18), at(1, 19)),
                    placement("late", at(2, 3), at(2, 4)),
                    placement("glow", at(1, 20), at(2, 4))],
    )


def test_the_fixture_is_the_case_the_rule_decides() -> None:
    f = festival()
    assert rules.day_of(f, at(2, 3)) == DAY_2
    assert (at(2, 3) - timedelta(hours=f.day_start_hour)).date() == DAY_1  # the old reading
    assert schedule().placements[1].day == DAY_2


def test_the_web_day_page_lists_the_installation_on_day_2(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    save_schedule(schedule(), site)
    with TestClient(create_app(site, make_settings(tmp_path))) as client:
        page = client.get("/", params={"day": DAY_2.isoformat(), "lang": "en"})
    assert page.status_code == 200
    assert "Late lab" in page.text and "Glow field" in page.text
    assert "Dusk talk" not in page.text
    glow = next(o for o in build_programme(schedule()).occurrences if o.item.id == "glow")
    assert open_days(glow) == [DAY_1, DAY_2]


def test_the_booklet_lists_the_installation_on_day_2() -> None:
    occurrences = occurrences_from_schedule(schedule())
    booklet = pdf.booklets(schedule(), occurrences, "en")[0]
    listed = {(day.label, entry.uid.split(".")[1])
              for day in booklet.days for venue in day.venues for entry in venue.entries}
    assert ("Tuesday 2 June", "late") in listed
    assert ("Tuesday 2 June", "glow") in listed
    assert ("Monday 1 June", "glow") in listed
    assert ("Monday 1 June", "late") not in listed


def test_the_report_draws_the_03_00_workshop_in_day_2s_column() -> None:
    html = render_report(schedule(), {}, [])
    centres = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="17"', html)]
    assert len(centres) == 2
    day_2_left = centres[1] - (centres[1] - centres[0]) / 2
    bar = re.search(r"<title>Late lab \(workshop\)[^<]*</title>\s*<rect x=\"([-\d.]+)\"", html)
    assert bar is not None
    assert float(bar.group(1)) >= day_2_left


def test_the_greedy_reads_overlapping_days_as_the_rule_does() -> None:
    """Day 1 runs to 06:00 on 11 July, day 2 starts at 03:00: at 04:30 an item listed on
    day 1 is on day 1, anything else on the later-starting day 2 (`rules.day_of`)."""
    spec = Spec.model_validate({"festivals": [{
        "id": "g", "name": "G", "timezone": "Europe/Berlin",
        "start": "2026-07-10", "end": "2026-07-11",
        "day_boundaries": [
            {"date": "2026-07-10", "starts": "2026-07-10T10:00", "ends": "2026-07-11T06:00"},
            {"date": "2026-07-11", "starts": "2026-07-11T03:00"}],
        "venues": [{"id": "garden", "name": "Garden"}],
        "items": [{"id": "after-hour", "kind": "concert", "title": "After-hour",
                   "duration": 60, "days": ["2026-07-10"]}]}]})
    problem = build_problem(spec)
    moment = pytz.timezone("Europe/Berlin").localize(datetime(2026, 7, 11, 4, 30))
    grain = problem.clock.ceil(moment)
    days = [day.date for day in problem.days["g"]]
    f = spec.festivals[0]
    assert days[problem.day_of("g", grain, "after-hour") or 0] == rules.day_of(
        f, moment, rules.item_days(f.items[0])) == date(2026, 7, 10)
    unlisted = problem.day_of("g", grain)
    assert unlisted is not None and days[unlisted] == rules.day_of(f, moment) == date(2026, 7, 11)
