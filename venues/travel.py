"""Walking time between two venues: what the producer wrote, else from coordinates."""

from __future__ import annotations

import math

from affiche.venues.model import Venue


def walk_from_coordinates(first: Venue, second: Venue) -> int | None:
    """Minutes on foot at 4 km/h along the great circle, times 1.3 for streets (None
    unless both venues have coordinates)."""
    if first.latitude is None or first.longitude is None:
        return None
    if second.latitude is None or second.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, (first.latitude, first.longitude, second.latitude, second.longitude)
    )
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    km = 6371 * 2 * math.asin(math.sqrt(a)) * 1.3
    return math.ceil(km / 4 * 60)


def walking_minutes(first: Venue, second: Venue, default: int) -> int:
    """`walking_minutes` of either venue (first's first), else from both venues'
    coordinates, else `default` (the festival's)."""
    if second.id in first.walking_minutes:
        return first.walking_minutes[second.id]
    if first.id in second.walking_minutes:
        return second.walking_minutes[first.id]
    walked = walk_from_coordinates(first, second)
    return default if walked is None else walked
