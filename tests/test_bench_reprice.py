"""The bench's independent re-pricing (`benchmarks/reprice.py`): hand-built programmes with
costs worked out by hand from docs/spec-format.md, and a solved generated festival."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks/` is beside the package, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.reprice import compare, overlap_minutes, read_spec, reprice  # noqa: E402
from tests.builders import artist, festival, installation, item, make_spec, spec_data  # noqa: E402

Data = dict[str, Any]
SAT, SUN, FRI = "2026-06-13", "2026-06-14", "2026-06-12"  # Paris is at +02:00 in June


def placement(uid: str, start: str, minutes: int, venue: str = "hall",
              festival_id: str = "fest", offset: str = "+02:00") -> Data:
    """A schedule.json placement of `<item>#<n>`, starting at local `start`."""
    from datetime import datetime, timedelta

    begin = datetime.fromisoformat(f"{start}{offset}")
    name, _, number = uid.partition("#")
    return {"uid": uid, "festival": festival_id, "item": name, "occurrence": int(number or 1),
            "venue": venue, "start": begin.isoformat(),
            "end": (begin + timedelta(minutes=minutes)).isoformat()}


def schedule(*placements: Data, objective: float | None = None,
             terms: dict[str, float] | None = None) -> Data:
    return {"solve": {"objective": objective, "terms": terms or {}},
            "placements": list(placements)}


def costs(data: Data, *placements: Data) -> dict[str, float]:
    return reprice(make_spec(data), schedule(*placements))


def test_audience_clash_counts_minutes_of_overlap() -> None:
    """10:00-11:00, 10:30-11:30 and 10:45-11:00 for one tag: two at once for 15 minutes,
    three at once for 15 (two extra): 45 minutes; weight 2."""
    items = [item("a", tags=["families"]), item("b", tags=["families"]),
             item("c", 15, tags=["families"]), item("d", tags=["pros"])]
    data = spec_data([festival(items=items)], solver={"weights": {"audience_clash": 2}})
    found = costs(data, placement("a", f"{SAT} 10:00", 60, "hall"),
                  placement("b", f"{SAT} 10:30", 60, "studio"),
                  placement("c", f"{SAT} 10:45", 15, "garden"),
                  placement("d", f"{SAT} 10:00", 60, "garden"))
    assert found["audience clash"] == 90


def test_audience_clash_across_festivals_counts_instants_not_wall_clocks() -> None:
    """Tags are shared across festivals: 10:00 in Paris (+02:00) is 17:00 in Tokyo, so a
    Tokyo talk at 17:30 overlaps it 30 minutes and one at 10:00 Tokyo time not at all."""
    tokyo = festival("tokyo", timezone="Asia/Tokyo", city="Sapporo",
                     venues=[{"id": "dome", "name": "Dome"}],
                     items=[item("t1", tags=["pros"]), item("t2", tags=["pros"])])
    paris = festival(items=[item("p", tags=["pros"])])
    found = costs(spec_data([paris, tokyo]),
                  placement("p", f"{SAT} 10:00", 60),
                  placement("t1", f"{SAT} 17:30", 60, "dome", "tokyo", "+09:00"),
                  placement("t2", f"{SAT} 10:00", 60, "dome", "tokyo", "+09:00"))
    assert found["audience clash"] == 30


def test_overlap_minutes_of_nested_and_disjoint_spans() -> None:
    from datetime import datetime

    def at(h: int, m: int = 0) -> datetime:
        return datetime(2026, 6, 13, h, m)

    assert overlap_minutes([(at(10), at(12)), (at(10, 30), at(11)), (at(13), at(14))]) == 30
    assert overlap_minutes([(at(10), at(11)), (at(11), at(12))]) == 0


def test_hotel_nights_from_first_to_last_programme_day() -> None:
    """ana: Friday and Sunday, 2 nights; bo: Friday and 01:00 on Sunday morning (Saturday's
    programme day), 1 night; cy: one item, no stay, none; dee arrives on Friday and plays
    on Sunday, 2 nights; the installation and eve (may double-book) do not count. 4 each."""
    items = [item("a1", artists=["ana"]), item("a2", artists=["ana"]),
             item("b1", artists=["bo"]), item("b2", artists=["bo"]),
             item("c1", artists=["cy"]), item("d1", artists=["dee"]),
             item("e1", artists=["eve"]), item("e2", artists=["eve"]),
             installation("piece", artists=["ana"])]
    venues = [{"id": "hall", "name": "Hall", "hours": {"opens": "10:00", "closes": "02:00"},
               "installation_slots": 1}]
    people = [artist("ana"), artist("bo"), artist("cy"), artist("dee", arrive=FRI),
              artist("eve", may_double_book=True)]
    data = spec_data([festival(venues=venues, items=items)], artists=people)
    found = costs(data, placement("a1", f"{FRI} 10:00", 60), placement("a2", f"{SUN} 10:00", 60),
                  placement("b1", f"{FRI} 12:00", 60), placement("b2", f"{SUN} 01:00", 60),
                  placement("c1", f"{SAT} 12:00", 60), placement("d1", f"{SUN} 12:00", 60),
                  placement("e1", f"{FRI} 14:00", 60), placement("e2", f"{SUN} 14:00", 60),
                  placement("piece", f"{FRI} 10:00", 3 * 24 * 60))
    assert found["hotel nights"] == 4 * (2 + 1 + 0 + 2)


def test_hotel_nights_count_to_a_departure_and_from_an_arrival_time() -> None:
    """A datetime arrival is the programme day it falls in (00:30 on Saturday belongs to
    Friday); a departure on Sunday after one item on Friday: 2 nights."""
    items = [item("x", artists=["fay"]), item("y", artists=["gil"])]
    people = [artist("fay", arrive=f"{SAT}T00:30"), artist("gil", depart=SUN)]
    data = spec_data([festival(items=items)], artists=people)
    found = costs(data, placement("x", f"{SAT} 12:00", 60), placement("y", f"{FRI} 12:00", 60))
    assert found["hotel nights"] == 4 * (1 + 2)


def test_repeats_are_pairs_on_one_programme_day() -> None:
    """Saturday 14:00, Saturday 20:00 and 01:30 on Sunday morning (still Saturday): three
    pairs; the fourth, on Sunday afternoon, pairs with none. Weight 3."""
    venues = [{"id": "hall", "name": "Hall", "hours": {"opens": "10:00", "closes": "02:00"}}]
    data = spec_data([festival(venues=venues, items=[item("r", occurrences=4)])])
    found = costs(data, placement("r#1", f"{SAT} 14:00", 60), placement("r#2", f"{SAT} 20:00", 60),
                  placement("r#3", f"{SUN} 01:30", 20), placement("r#4", f"{SUN} 15:00", 60))
    assert found["repeat on one day"] == 9


def test_preferred_hours_start_inside_opens_to_closes() -> None:
    """14:00-18:00: a start at 17:30 is inside, at 18:00 outside (closes is excluded);
    22:00-01:00 runs past midnight: 00:30 is inside. Weight 2."""
    afternoon = [{"opens": "14:00", "closes": "18:00"}]
    late = [{"opens": "22:00", "closes": "01:00"}]
    venues = [{"id": "hall", "name": "Hall", "hours": {"opens": "10:00", "closes": "02:00"}}]
    items = [item("in", preferred_hours=afternoon), item("out", preferred_hours=afternoon),
             item("night", preferred_hours=late), item("free")]
    data = spec_data([festival(venues=venues, items=items)])
    found = costs(data, placement("in", f"{SAT} 17:30", 60), placement("out", f"{SAT} 18:00", 60),
                  placement("night", f"{SUN} 00:30", 60), placement("free", f"{SAT} 03:00", 60))
    assert found["preferred hours"] == 2


def test_preferred_venue_also_for_installations() -> None:
    items = [item("t", preferred_venues=["studio"]), item("u", preferred_venues=["hall"]),
             installation("piece", preferred_venues=["studio"])]
    venues = [{"id": "hall", "name": "Hall", "installation_slots": 1},
              {"id": "studio", "name": "Studio", "installation_slots": 1}]
    data = spec_data([festival(venues=venues, items=items)])
    found = costs(data, placement("t", f"{SAT} 10:00", 60, "hall"),
                  placement("u", f"{SAT} 10:00", 60, "studio"),
                  placement("piece", f"{SAT} 10:00", 600, "hall"))
    assert found["preferred venue"] == 3 * 3


def test_prime_time_the_whole_set_inside_its_venues_window_of_the_day() -> None:
    """The hall's prime is 21:00-23:30, on Friday 20:00-22:00. Saturday 22:30-23:30: inside;
    Friday 21:30-22:30: outside Friday's; in the studio (no prime) while the hall has one:
    outside; a headliner whose only venue has no prime time is not priced; `must` is
    hard, not priced. Weight 8."""
    venues = [{"id": "hall", "name": "Hall", "prime": {"opens": "21:00", "closes": "23:30"},
               "prime_by_day": {FRI: {"opens": "20:00", "closes": "22:00"}}},
              {"id": "studio", "name": "Studio"}]
    items = [item("sat", headliner=True), item("fri", headliner=True),
             item("away", headliner=True), item("unpriced", headliner=True, venues=["studio"]),
             item("plain")]
    data = spec_data([festival(venues=venues, items=items)])
    found = costs(data, placement("sat", f"{SAT} 22:30", 60), placement("fri", f"{FRI} 21:30", 60),
                  placement("away", f"{SUN} 21:00", 60, "studio"),
                  placement("unpriced", f"{SAT} 10:00", 60, "studio"),
                  placement("plain", f"{SUN} 10:00", 60))
    assert found["prime time"] == 16


def test_compare_flags_a_family_the_solver_priced_otherwise() -> None:
    data = spec_data([festival(items=[item("t", preferred_venues=["studio"])])])
    written = schedule(placement("t", f"{SAT} 10:00", 60, "hall"), objective=3.0,
                       terms={"preferred venue": 3.0})
    assert compare(make_spec(data), written).agrees
    wrong = schedule(placement("t", f"{SAT} 10:00", 60, "hall"), objective=0.0,
                     terms={"preferred venue": 0.0})
    found = compare(make_spec(data), wrong)
    assert not found.agrees and found.difference == 3.0
    assert found.differing() == {"preferred venue": (3.0, 0.0)}


def test_a_schedule_of_another_spec_is_refused() -> None:
    data = spec_data([festival(items=[item("t")])])
    with pytest.raises(ValueError, match="not in the spec"):
        reprice(make_spec(data), schedule(placement("other", f"{SAT} 10:00", 60)))


def test_solved_three_city_festival_repriced_from_its_written_files(tmp_path: Path) -> None:
    """A generated three-city spec written as YAML, solved by `affiche solve`: the
    re-pricing of DIR/schedule.json from the YAML agrees with the solver's objective, and
    the command says so (exit 0)."""
    import yaml

    from affiche.programmes.generate import generate_spec

    spec_file = tmp_path / "gen3.yaml"
    spec_file.write_text(yaml.safe_dump(generate_spec(90, 2, cities=3)), encoding="utf-8")
    out = tmp_path / "out"
    solved = subprocess.run([sys.executable, "-m", "affiche.cli", "solve", str(spec_file),
                             "--out", str(out), "--time-limit", "5", "--workers", "2"],
                            capture_output=True, text=True, check=False)
    assert solved.returncode == 0, solved.stderr
    done = subprocess.run([sys.executable, "-m", "benchmarks.reprice", str(spec_file), str(out)],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "they agree" in done.stdout
    found = compare(read_spec([spec_file]), __import__("json").loads(
        (out / "schedule.json").read_text("utf-8")))
    assert found.agrees and found.total > 0
