"""Issue 13 judged black-box: small festival specs written from docs/spec-format.md alone,
solved through the command line; an impossible variant exits 1 with a reason naming every
rule that makes it so, not only some of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from affiche.cli import main
from affiche.programmes import rules

FESTIVAL: dict[str, Any] = {
    "id": "nuits", "name": "Nuits du lac", "city": "Annecy", "timezone": "Europe/Paris",
    "start": "2026-07-04", "end": "2026-07-05",
    "venues": [{
        "id": "scene", "name": "Main stage", "name_fr": "Grande scène",
        "hours": {"opens": "17:00", "closes": "23:59"}, "changeover_minutes": 20,
        "prime_by_day": {"2026-07-05": {"opens": "21:00", "closes": "23:30"}},
    }],
    "running_orders": [{"venue": "scene", "day": "2026-07-05",
                        "order": ["premiere", "seconde", "cloture"]}],
    "items": [
        {"id": "premiere", "kind": "concert", "title": "Opening set", "duration": 45},
        {"id": "seconde", "kind": "concert", "title": "Second set", "duration": 60},
        {"id": "cloture", "kind": "concert", "title": "Closing set", "duration": 75,
         "headliner": "must"},
        {"id": "ondes", "kind": "concert", "title": "Les Ondes", "duration": 90,
         "days": ["2026-07-04"]},
        {"id": "balance", "kind": "performance", "title": "Soundcheck", "duration": 45,
         "private": True, "loud": False,
         "before": {"item": "ondes", "gap_minutes": [0, 180]}},
    ],
}


def solve(tmp_path: Path, festival: dict[str, Any]) -> int:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"festivals": [festival]}, sort_keys=False))
    return main(["solve", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])


def variant(**changes: dict[str, Any]) -> dict[str, Any]:
    """The festival with some items' fields changed (item id -> fields)."""
    items = [dict(i, **changes.get(i["id"], {})) for i in FESTIVAL["items"]]
    return dict(FESTIVAL, items=items)


def test_the_small_festival_is_feasible(tmp_path: Path) -> None:
    assert solve(tmp_path, FESTIVAL) == 0


def test_running_order_against_prime_time_names_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Third in a running order from 17:00, the closing set cannot keep a prime time of
    17:00-18:30: the reason names prime time as well as the running order."""
    venue = dict(FESTIVAL["venues"][0],
                 prime_by_day={"2026-07-05": {"opens": "17:00", "closes": "18:30"}})
    assert solve(tmp_path, dict(FESTIVAL, venues=[venue])) == 1
    err = capsys.readouterr().err
    assert rules.RUNNING_ORDER in err and rules.PRIME in err, err


def test_pinned_starts_against_running_order_names_the_pins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    festival = variant(premiere={"pins": [{"start": "2026-07-05 19:00"}]},
                       seconde={"pins": [{"start": "2026-07-05 19:50"}]})
    assert solve(tmp_path, festival) == 1
    err = capsys.readouterr().err
    assert rules.RUNNING_ORDER in err and rules.PINNED_START in err, err


def test_soundcheck_gap_below_the_changeover_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A soundcheck 0-10 minutes before the show on a stage that keeps 20 minutes of
    changeover: the link alone looks possible, so the reason names the changeover."""
    festival = variant(balance={"before": {"item": "ondes", "gap_minutes": [0, 10]}})
    assert solve(tmp_path, festival) == 1
    err = capsys.readouterr().err
    assert rules.LINKED_BEFORE in err and "20 minutes of changeover" in err, err


def test_the_docs_daylight_example_solves(tmp_path: Path) -> None:
    """docs/spec-format.md's features-and-daylight example, given the festival fields it
    leaves to the examples above it, has a programme (its dawn concert once sat in a venue
    opening at 10:00, so it fitted nowhere)."""
    docs = (Path(__file__).parents[1] / "docs" / "spec-format.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", docs, re.S)
                 if "at_sunrise: true" in b and "features: [haze" in b)
    festival = yaml.safe_load(block)["festivals"][0]
    festival.update(name="Bains", timezone="Europe/Paris", start="2018-06-14",
                    end="2018-06-17", latitude=48.970, longitude=2.307)
    assert solve(tmp_path, festival) == 0


def test_an_installation_across_a_closure_publishes_once_a_day(tmp_path: Path) -> None:
    """A closure splits the hall's Saturday in two spells: the installation is still one
    event that day (one uid), and the booklet is set (it stopped at a label used twice)."""
    festival = {
        "id": "aurores", "name": "Aurores", "timezone": "Europe/Paris",
        "start": "2026-08-21", "end": "2026-08-22",
        "venues": [{"id": "halle", "name": "Hall", "name_fr": "Grande halle",
                    "installation_slots": 1, "hours": {"opens": "10:00", "closes": "22:00"},
                    "closures": [{"start": "2026-08-21 12:00", "end": "2026-08-21 13:00"}]}],
        "items": [{"id": "lumiere", "kind": "installation", "title": "Light field",
                   "venues": ["halle"]}],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({"festivals": [festival]}, sort_keys=False))
    out = tmp_path / "out"
    assert main(["solve", str(path), "--out", str(out), "--workers", "1", "--publish"]) == 0
    feed = (out / "ical" / "festival-aurores.ics").read_text()
    uids = [line for line in feed.splitlines() if line.startswith("UID:")]
    assert len(uids) == 2 == len(set(uids)), uids
    assert "DTSTART;TZID=Europe/Paris:20260821T100000" in feed
    assert "DTEND;TZID=Europe/Paris:20260821T220000" in feed
    assert (out / "programme.fr.pdf").exists()


def test_a_departure_that_crowds_a_day_names_prime_time_and_the_stay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A touring orchestra leaving early has both its must-headliner shows on the first
    evening, which prime time cannot hold: the reason says why they are bound to that day,
    and reads the departure on the artist's own clock, named."""
    festival = {
        "id": "aurores", "name": "Aurores", "city": "Arles", "timezone": "Europe/Paris",
        "start": "2026-08-20", "end": "2026-08-21",
        "venues": [{"id": "theatre", "name": "Antique theatre", "changeover_minutes": 30,
                    "hours": {"opens": "19:00", "closes": "02:00"},
                    "prime": {"opens": "23:00", "closes": "01:30"}}],
        "items": [{"id": "nuit", "kind": "concert", "title": "Blue night", "duration": 75,
                   "occurrences": 2, "artists": ["kyiv"], "headliner": "must"}],
    }
    spec = {"festivals": [festival],
            "artists": [{"id": "kyiv", "name": "Orchestre de Kyiv", "home_city": "Kyiv",
                         "timezone": "Europe/Kyiv", "depart": "2026-08-22 06:00"}],
            "solver": {"travel": [{"between": ["Kyiv", "Arles"], "minutes": 360}]}}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    assert main(["solve", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "2 occurrences of Blue night need 180" in err, err
    assert rules.PRIME in err and rules.STAY in err, err
    assert "leaves on 22 August at 06:00 Kyiv time" in err, err


def test_an_item_that_fits_nowhere_is_told_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two occurrences of a must-headliner too long for prime time: one line, not two."""
    venue = dict(FESTIVAL["venues"][0], prime={"opens": "22:00", "closes": "23:00"},
                 prime_by_day={})
    festival = dict(FESTIVAL, venues=[venue], running_orders=[], items=[
        {"id": "ondes", "kind": "concert", "title": "Les Ondes", "duration": 90,
         "occurrences": 2, "headliner": "must"}])
    assert solve(tmp_path, festival) == 1
    err = capsys.readouterr().err
    assert err.count("fits in no venue") == 1 and rules.PRIME in err, err
