"""Wall-clock time, the way producers write it, turned into aware instants.

Every local time goes through `localize` (pytz `localize` + `normalize`, never
`tzinfo=pytz.timezone(...)`, which would give the zone's local mean time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import pytz
from pytz.tzinfo import BaseTzInfo


@lru_cache(maxsize=256)
def zone(name: str) -> BaseTzInfo:
    """The pytz zone called `name`; an unknown name is a ValueError (not pytz's KeyError)."""
    try:
        return pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name: Europe/Paris)") from None


def localize(naive: datetime, zone_name: str) -> datetime:
    """The aware instant of wall-clock `naive` in `zone_name`.

    A wall time that does not exist (inside the spring-forward gap) moves forward by the gap;
    an ambiguous one (autumn fall-back) takes the first, summer-time reading.
    """
    tz = zone(zone_name)
    if naive.tzinfo is not None:
        return naive.astimezone(tz)
    try:
        return tz.normalize(tz.localize(naive, is_dst=None))
    except pytz.AmbiguousTimeError:
        return tz.normalize(tz.localize(naive, is_dst=True))
    except pytz.NonExistentTimeError:
        return tz.normalize(tz.localize(naive, is_dst=False))


def local_at(day: date, clock: time, zone_name: str, day_start_hour: int = 0) -> datetime:
    """The instant of `clock` on programme day `day`.

    Clock times before `day_start_hour` belong to the night after `day` (01:00 on the
    programme day of 14 June is 01:00 on 15 June).
    """
    calendar_day = day + timedelta(days=1) if clock.hour < day_start_hour else day
    return localize(datetime.combine(calendar_day, clock), zone_name)


def programme_day(instant: datetime, zone_name: str, day_start_hour: int) -> date:
    """The programme day an instant belongs to (a 01:00 show belongs to the evening before)."""
    local = instant.astimezone(zone(zone_name))
    return (local - timedelta(hours=day_start_hour)).date()


def days_between(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
