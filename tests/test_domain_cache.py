"""Items the unary families see alike share one computation of their venue options; any
difference a family reads keeps them apart."""

from __future__ import annotations

from affiche.scheduler.problem import build_problem
from tests.builders import FRIDAY, artist, festival, item, make_spec, spec_data, venue


def _options(*items: dict, artists: list[dict] | None = None) -> dict[str, tuple]:
    fest = festival(items=list(items), latitude=48.85, longitude=2.35)  # Paris, for sunsets
    data = spec_data(festivals=[fest], artists=artists)
    problem = build_problem(make_spec(data))
    return {occ.item: occ.options for occ in problem.occurrences}


def test_items_differing_only_in_unread_fields_share_options() -> None:
    options = _options(item("a", title="A", tags=["pros"], priority=5),
                       item("b", title="B", headliner=True))
    assert options["a"] == options["b"]


def test_each_field_a_family_reads_keeps_items_apart() -> None:
    evening = {"start": f"{FRIDAY}T19:00", "end": f"{FRIDAY}T23:00"}
    base = _options(item("plain"))["plain"]
    variants = {
        "needs": item("needs", requires=["projection"]),
        "crowd": item("crowd", audience=150),
        "only": item("only", venues=["garden"]),
        "late": item("late", windows=[evening]),
        "loud": item("loud", kind="concert"),
        "noisy": item("noisy", loud=True),
        "dark": item("dark", after_dark=True),
        "friday": item("friday", days=[str(FRIDAY)]),
        "pinned": item("pinned", pins=[{"venue": "hall"}]),
        "busy": item("busy", artists=["eve"]),
    }
    away = artist("eve", availability=[evening])
    options = _options(item("plain"), *variants.values(), artists=[away])
    assert options["plain"] == base
    for name in variants:
        assert options[name] != base, name


def test_artists_matter_only_through_their_availability() -> None:
    options = _options(item("solo", artists=["ana"]), item("none"), artists=[artist("ana")])
    assert options["solo"] == options["none"]


def test_duration_keeps_items_apart() -> None:
    short_day = [venue("hall", hours={"opens": "10:00", "closes": "11:00"})]
    fest = festival(venues=short_day, items=[item("hour", 60), item("longer", 90)])
    problem = build_problem(make_spec(spec_data(festivals=[fest])))
    assert [occ.item for occ in problem.occurrences] == ["hour"]
    assert [u.item for u in problem.unplaceable] == ["longer"]
