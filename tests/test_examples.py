"""The bundled example festivals: valid specs, consistent references, feasible by construction."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
import yaml

from affiche.programmes.examples import bundled_specs
from affiche.programmes.model import Festival, Item, Spec
from affiche.programmes.validate import check_references
from affiche.venues.model import Venue

EXAMPLES = bundled_specs()[0].parent
FILES = ["bains-numeriques-2018.yaml", "pids-2018.yaml", "sapporo-2018.yaml"]
TOURING = ["junya-oikawa", "atsushi-mitani"]


@cache
def load(name: str) -> Spec:
    """The parsed example (cached: tests only read it)."""
    return Spec.model_validate(yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8")))


def festival_of(name: str) -> Festival:
    (festival,) = load(name).festivals
    return festival


def items(name: str) -> Iterator[tuple[Festival, Item]]:
    for festival in load(name).festivals:
        for item in festival.items:
            yield festival, item


def allowed_venues(festival: Festival, item: Item) -> list[Venue]:
    """The venues the item may use: allowed, with every required feature, large enough."""
    return [
        venue
        for venue in festival.venues
        if (not item.venues or venue.id in item.venues)
        and all(venue.has_feature(feature) for feature in item.requires)
        and (item.audience is None or venue.capacity is None or venue.capacity >= item.audience)
    ]


@pytest.mark.parametrize("name", FILES)
def test_example_is_a_valid_spec(name: str) -> None:
    spec = load(name)
    assert spec.festivals
    assert check_references(spec) == []


@pytest.mark.parametrize("name", FILES)
def test_example_cites_its_sources(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert header.startswith("#")
    assert "000_571160571bbb2412" in header
    assert "# invented" in text


@pytest.mark.parametrize("name", FILES)
def test_clock_times_are_quoted(name: str) -> None:
    """YAML 1.1 reads an unquoted 10:00 as the integer 600 (sexagesimal)."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert not re.search(r"(opens|closes|sound_curfew|start|end):\s*\d{1,2}:\d\d", text)
    assert not re.search(r"(start|end):\s*\d{4}-\d\d-\d\d \d", text)


def test_bains_numeriques_is_full_size() -> None:
    festival = festival_of("bains-numeriques-2018.yaml")
    assert festival.start.isoformat() == "2018-06-14"
    assert festival.end.isoformat() == "2018-06-17"
    assert len(festival.items) >= 80
    assert len(festival.venues) >= 8
    installations = [item for item in festival.items if item.is_installation]
    assert len(installations) >= 18
    assert any(item.after_dark for item in festival.items)
    assert any(item.occurrences >= 3 for item in festival.items)


@pytest.mark.parametrize("name", FILES)
def test_references_exist(name: str) -> None:
    spec = load(name)
    artists = {artist.id for artist in spec.artists}
    item_ids = {item.id for festival in spec.festivals for item in festival.items}
    for festival in spec.festivals:
        venues = {venue.id for venue in festival.venues}
        for venue in festival.venues:
            assert set(venue.walking_minutes) <= venues, venue.id
        for item in festival.items:
            assert set(item.artists) <= artists, item.id
            assert set(item.venues) <= venues, item.id
            assert set(item.preferred_venues) <= venues, item.id
            assert {pin.venue for pin in item.pins if pin.venue} <= venues, item.id
            for relation in (item.after, item.same_day_as, item.not_same_day_as):
                assert set(relation) <= item_ids - {item.id}, item.id


def test_ids_are_unique_across_the_examples() -> None:
    specs = [load(name) for name in FILES]
    festivals = [f.id for spec in specs for f in spec.festivals]
    venues = [v.id for spec in specs for f in spec.festivals for v in f.venues]
    item_ids = [i.id for spec in specs for f in spec.festivals for i in f.items]
    for ids in (festivals, venues, item_ids):
        assert len(ids) == len(set(ids))


def test_shared_artists_are_declared_identically() -> None:
    declared: dict[str, tuple[str, object]] = {}
    for name in FILES:
        for artist in load(name).artists:
            if artist.id in declared:
                first_file, first = declared[artist.id]
                assert artist == first, f"{artist.id} differs in {first_file} and {name}"
            declared[artist.id] = (name, artist)


def test_touring_artists_play_in_both_cities() -> None:
    for artist_id in TOURING:
        bains = {a.id: a for a in load("bains-numeriques-2018.yaml").artists}[artist_id]
        sapporo = {a.id: a for a in load("sapporo-2018.yaml").artists}[artist_id]
        assert bains == sapporo
        assert bains.home_city == "Sapporo"
        assert bains.timezone == "Asia/Tokyo"
        for name in ("bains-numeriques-2018.yaml", "sapporo-2018.yaml"):
            assert any(
                artist_id in item.artists and not item.is_installation
                for _, item in items(name)
            ), (artist_id, name)


@pytest.mark.parametrize("name", FILES)
def test_every_item_fits_some_venue(name: str) -> None:
    for festival, item in items(name):
        candidates = allowed_venues(festival, item)
        if item.is_installation:
            candidates = [v for v in candidates if v.installation_slots > 0]
        assert candidates, f"{item.id} fits no venue (features, capacity or slots)"


def _match(
    item: Item, candidates: dict[str, list[str]], owner: dict[str, Item], seen: set[str]
) -> bool:
    """Kuhn's augmenting path for one installation over the venues' slots."""
    for slot in candidates[item.id]:
        if slot in seen:
            continue
        seen.add(slot)
        if slot not in owner or _match(owner[slot], candidates, owner, seen):
            owner[slot] = item
            return True
    return False


@pytest.mark.parametrize("name", FILES)
def test_installations_fit_the_installation_slots(name: str) -> None:
    for festival in load(name).festivals:
        installations = [item for item in festival.items if item.is_installation]
        candidates = {
            item.id: [
                f"{venue.id}#{n}"
                for venue in allowed_venues(festival, item)
                for n in range(venue.installation_slots)
            ]
            for item in installations
        }
        owner: dict[str, Item] = {}
        for item in installations:
            assert _match(item, candidates, owner, set()), f"no slot left for {item.id}"


@pytest.mark.parametrize("name", FILES)
def test_after_dark_items_have_room_after_sunset(name: str) -> None:
    """Loud after-dark items need an evening between sunset and the curfew."""
    from affiche.venues.sun import sunset

    for festival, item in items(name):
        if not item.after_dark:
            continue
        latest = max(
            sunset(festival.latitude, festival.longitude, day, festival.timezone)
            for day in (festival.start, festival.end)
        )
        dark = latest.hour * 60 + latest.minute
        room = []
        for venue in allowed_venues(festival, item):
            if item.is_loud and venue.sound_curfew is not None:
                curfew = venue.sound_curfew.hour * 60 + venue.sound_curfew.minute
                if venue.sound_curfew.hour < festival.day_start_hour:
                    curfew += 24 * 60
                room.append(curfew - dark)
            else:
                room.append(item.duration or 0)
        assert max(room) >= (item.duration or 0), item.id


@pytest.mark.parametrize("name", FILES)
def test_artists_are_not_over_committed(name: str) -> None:
    """Each artist's timed items take well under half of the festival's opening time."""
    spec = load(name)
    for festival in spec.festivals:
        days = (festival.end - festival.start).days + 1
        open_minutes = days * 8 * 60
        busy: dict[str, int] = {}
        for item in festival.items:
            if item.is_installation:
                continue
            for artist in item.artists:
                busy[artist] = busy.get(artist, 0) + (item.duration or 0) * item.occurrences
        for artist, minutes in busy.items():
            assert minutes * 2 <= open_minutes, artist


def test_the_closed_jury_deliberation_is_private() -> None:
    """Booked like any item (salon-pro, after the competition), never on the public programme."""
    items = {i.id: i for i in festival_of("bains-numeriques-2018.yaml").items}
    assert items["competition-jury"].private
    private = {i.id for i in items.values() if i.private}
    assert private - {"competition-jury"} == {i for i in items if i.startswith("soundcheck-")}


def test_the_lake_concerts_have_private_soundchecks_on_their_stage() -> None:
    """Each lake concert has a private soundcheck linked before it (0 to 180 minutes)."""
    items = {i.id: i for i in festival_of("bains-numeriques-2018.yaml").items}
    checks = [i for i in items.values() if i.id.startswith("soundcheck-")]
    assert len(checks) == 4
    for check in checks:
        ((_, _, link),) = check.links
        assert check.private and link.gap_minutes == (0, 180) and link.same_venue
        assert items[link.item].venues == ["scene-lac"]
        assert check.artists == items[link.item].artists
