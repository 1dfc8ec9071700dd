"""Sunset at a venue, for items that must start after dark."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from astral import LocationInfo
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
