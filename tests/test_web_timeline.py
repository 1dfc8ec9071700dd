"""The producer timeline draws a venue holding several items at once as lanes."""

from __future__ import annotations

from affiche.web.programme import build_programme
from affiche.web.timeline import LANE_HEIGHT, ROW_HEIGHT, timeline
from tests.builders import FRIDAY, festival, item, make_spec, solve_spec, spec_data, venue


def _floor_programme() -> object:
    items = [item(f"stand-{n}", duration=120, kind="stand", venues=["floor"],
                  windows=[{"start": "2026-06-12 10:00", "end": "2026-06-12 12:00"}])
             for n in range(3)]
    items.append(item("talk", duration=60, venues=["hall"], days=[FRIDAY.isoformat()]))
    spec = make_spec(spec_data(festivals=[festival(
        venues=[venue("floor", parallel=3), venue("hall")], items=items,
        end="2026-06-12")]))
    schedule = solve_spec(spec)[2]
    assert schedule is not None
    return build_programme(schedule, public=False)


def test_a_parallel_venue_gets_one_lane_per_item_side_by_side() -> None:
    (day,) = timeline(_floor_programme(), "en")  # type: ignore[arg-type]
    rows = {row.name: row for row in day.rows}
    assert rows["Floor"].lanes == 3 and rows["Hall"].lanes == 1
    assert rows["Floor"].height == 3 * LANE_HEIGHT + 8 and rows["Hall"].height == ROW_HEIGHT
    stands = [b for b in day.bars if b.occurrence.venue.id == "floor"]
    assert len({b.x for b in stands}) == 1  # the same time ...
    tops = sorted(b.y for b in stands)  # ... in three lanes, none on top of another
    assert all(later >= earlier + b.height
               for earlier, later, b in zip(tops, tops[1:], stands, strict=False))
    assert all(rows["Floor"].y <= b.y and b.y + b.height <= rows["Floor"].y
               + rows["Floor"].height for b in stands)
    hall = rows["Hall"]
    assert hall.y >= rows["Floor"].y + rows["Floor"].height or hall.y + hall.height <= rows[
        "Floor"].y
    assert day.height >= max(r.y + r.height for r in day.rows)
