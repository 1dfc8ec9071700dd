"""Hand-built schedules for the publisher tests.

`paris_and_tokyo()` holds two festivals: "nuits" in Europe/Paris over the March 2026
daylight-saving change (28 to 30 March, clocks go forward at 02:00 on the 29th), with a
01:00 night show and a show after the change, and "tokyo" in Asia/Tokyo, which shares the
artist "ana". Titles carry markup characters. `zones` chooses pytz or zoneinfo datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

import pytz

from affiche.programmes.identity import occurrence_uid
from affiche.programmes.schedule import (
    ArtistInfo,
    FestivalInfo,
    ItemInfo,
    Placement,
    Schedule,
    SolveInfo,
    Text,
    VenueInfo,
)

Zones = Literal["pytz", "zoneinfo"]
MARKUP_TITLE = Text(en='<b>Nuit & "eau"</b>', fr="<b>Nuit & « eau »</b>")
GENERATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def local(zones: Zones, name: str, *args: int) -> datetime:
    """An aware local time, the pytz way (localize) or the zoneinfo way."""
    if zones == "pytz":
        tz = pytz.timezone(name)
        return tz.normalize(tz.localize(datetime(*args)))
    zone_info: tzinfo = ZoneInfo(name)
    return datetime(*args, tzinfo=zone_info)


def later(start: datetime, minutes: int) -> datetime:
    """`minutes` of elapsed time after `start`, in its zone (not wall-clock arithmetic)."""
    instant = start.astimezone(UTC) + timedelta(minutes=minutes)
    zone_name = getattr(start.tzinfo, "zone", None)  # pytz zones carry their name
    if zone_name:
        return instant.astimezone(pytz.timezone(zone_name))
    return instant.astimezone(start.tzinfo)


def festivals() -> list[FestivalInfo]:
    return [
        FestivalInfo(
            id="nuits",
            name="Nuits numériques",
            city="Paris",
            country="FR",
            timezone="Europe/Paris",
            start=date(2026, 3, 28),
            end=date(2026, 3, 30),
        ),
        FestivalInfo(
            id="tokyo",
            name="Tokyo Sound Days",
            city="Tokyo",
            country="JP",
            timezone="Asia/Tokyo",
            start=date(2026, 4, 3),
            end=date(2026, 4, 4),
        ),
    ]


def venues() -> list[VenueInfo]:
    return [
        VenueInfo(
            id="halle",
            name="Grande Halle",
            festival="nuits",
            timezone="Europe/Paris",
            address="211 avenue Jean Jaurès, Paris",
        ),
        VenueInfo(id="cube", name="Le Cube & Co", festival="nuits", timezone="Europe/Paris"),
        VenueInfo(
            id="hall-t",
            name="Shibuya Hall",
            festival="tokyo",
            timezone="Asia/Tokyo",
            address="Shibuya, Tokyo",
        ),
    ]


def artists() -> list[ArtistInfo]:
    return [
        ArtistInfo(id="ana", name="Ana Lumière", home_city="Lyon"),
        ArtistInfo(id="bo", name="Bo <Kollektiv>"),
        ArtistInfo(id="cy", name="Cyprien Écho"),
    ]


def items() -> list[ItemInfo]:
    def item(
        ident: str, festival: str, kind: str, en: str, fr: str, who: list[str], minutes: int
    ) -> ItemInfo:
        return ItemInfo(
            id=ident,
            festival=festival,
            kind=kind,
            title=Text(en=en, fr=fr),
            description=Text(en=f"About {en}.", fr=f"À propos de {fr}."),
            artists=who,
            duration_minutes=minutes,
        )

    markup = item("nuit", "nuits", "concert", "", "", ["ana", "bo"], 90)
    return [
        markup.model_copy(update={"title": MARKUP_TITLE, "description": MARKUP_TITLE}),
        item("talk", "nuits", "talk", "Listening to cities", "Écouter les villes", ["cy"], 45),
        item("night", "nuits", "performance", "Night swim", "Nage de nuit", ["bo"], 60),
        item("dawn", "nuits", "performance", "Before dawn", "Avant l'aube", ["cy"], 30),
        item("lights", "nuits", "installation", "Light field", "Champ de lumière", [], 600),
        item(
            "tokyo-live",
            "tokyo",
            "concert",
            "Ana live in Tokyo",
            "Ana en concert à Tokyo",
            ["ana"],
            60,
        ),
    ]


def placements(zones: Zones) -> list[Placement]:
    paris, tokyo = "Europe/Paris", "Asia/Tokyo"
    rows = [
        # festival, item, n, venue, start (local), minutes, programme day
        ("nuits", "nuit", 1, "halle", local(zones, paris, 2026, 3, 28, 21, 0), 90, 28),
        ("nuits", "nuit", 2, "halle", local(zones, paris, 2026, 3, 29, 21, 0), 90, 29),
        ("nuits", "talk", 1, "cube", local(zones, paris, 2026, 3, 28, 18, 0), 45, 28),
        # 01:00 on the 29th, before the change: programme day of the 28th
        ("nuits", "night", 1, "cube", local(zones, paris, 2026, 3, 29, 1, 0), 60, 28),
        # 03:30 on the 29th, summer time already: still the night of the 28th
        ("nuits", "dawn", 1, "cube", local(zones, paris, 2026, 3, 29, 3, 30), 30, 28),
        ("nuits", "lights", 1, "halle", local(zones, paris, 2026, 3, 30, 10, 0), 600, 30),
        ("tokyo", "tokyo-live", 1, "hall-t", local(zones, tokyo, 2026, 4, 3, 20, 0), 60, 3),
    ]
    catalogue = {i.id: i for i in items()}
    result = []
    for festival, item_id, n, venue, start, minutes, day in rows:
        month = 3 if festival == "nuits" else 4
        result.append(
            Placement(
                uid=occurrence_uid(festival, item_id, n),
                festival=festival,
                item=item_id,
                occurrence=n,
                venue=venue,
                start=start,
                end=later(start, minutes),
                day=date(2026, month, day),
                artists=catalogue[item_id].artists,
            )
        )
    return result


def paris_and_tokyo(zones: Zones = "pytz") -> Schedule:
    return Schedule(
        generated=GENERATED,
        solve=SolveInfo(status="optimal"),
        festivals=festivals(),
        venues=venues(),
        artists=artists(),
        items=items(),
        placements=placements(zones),
    )


def moved(schedule: Schedule, uid: str, delta: timedelta) -> Schedule:
    """`schedule` with the placement `uid` shifted by `delta`."""

    def shift(p: Placement) -> Placement:
        if p.uid != uid:
            return p
        minutes = int(delta.total_seconds() // 60)
        return p.model_copy(update={"start": later(p.start, minutes), "end": later(p.end, minutes)})

    return schedule.model_copy(update={"placements": [shift(p) for p in schedule.placements]})


def dropped(schedule: Schedule, uid: str) -> Schedule:
    """`schedule` without the placement `uid`."""
    kept = [p for p in schedule.placements if p.uid != uid]
    return schedule.model_copy(update={"placements": kept})
