"""Instants shown as wall-clock times of a zone, the same way by every publisher."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from affiche.venues.timeutil import zone

ZoneLookup = Callable[[str], tzinfo]


def in_zone(instant: datetime, zone_name: str, zones: ZoneLookup = zone) -> datetime:
    """`instant` in `zone_name`, always through UTC.

    Converting straight to the zone the datetime already has returns it unchanged; with
    zoneinfo that keeps a wall time from wall-clock arithmetic even where it does not exist
    (02:30 on a spring-forward night). Going through UTC gives the real local reading.
    """
    return instant.astimezone(UTC).astimezone(zones(zone_name))
