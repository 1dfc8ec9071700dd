"""Sunset and sunrise at a venue, for items after dark, before dark and at sunrise."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from astral import LocationInfo
from astral.sun import sunrise as astral_sunrise
from astral.sun import sunset as astral_sunset

from affiche.venues.timeutil import localize, zone


@lru_cache(maxsize=4096)
def sunset(latitude: float, longitude: float, day: date, zone_name: str) -> datetime:
    """The aware instant of sunset on `day` (local date) at the given place.

    Where the sun does not set (polar summer), the end of that local day.
    """
    place = LocationInfo(latitude=latitude, longitude=longitude, timezone=zone_name)
    try:
        return astral_sunset(place.observer, date=day, tzinfo=zone(zone_name))
    except ValueError:
        return localize(datetime.combine(day, datetime.max.time()), zone_name)


@lru_cache(maxsize=4096)
def sunrise(latitude: float, longitude: float, day: date, zone_name: str) -> datetime | None:
    """The aware instant of sunrise on `day` (local date) at the given place; None where
    the sun does not rise or set that day (polar day or night)."""
    place = LocationInfo(latitude=latitude, longitude=longitude, timezone=zone_name)
    try:
        return astral_sunrise(place.observer, date=day, tzinfo=zone(zone_name))
    except ValueError:
        return None
