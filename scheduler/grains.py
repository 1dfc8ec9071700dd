"""Aware datetimes to solver grains and back: the one place time becomes integers.

A grain is a whole number of minutes (5 by default) counted from the problem's origin,
an instant in UTC. Window starts round up and window ends round down, so a placement
that fits in grains fits in real time too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Clock:
    origin: datetime
    minutes: int = 5

    def __post_init__(self) -> None:
        if self.origin.tzinfo is None:
            raise ValueError("the solver clock needs an aware origin")
        if self.minutes < 1:
            raise ValueError("a grain is at least one minute")

    def _offset_minutes(self, instant: datetime) -> float:
        if instant.tzinfo is None:
            raise ValueError(f"naive datetime {instant} given to the solver clock")
        return (instant - self.origin).total_seconds() / 60

    def floor(self, instant: datetime) -> int:
        """The last grain at or before `instant` (for ends of windows)."""
        return int(self._offset_minutes(instant) // self.minutes)

    def ceil(self, instant: datetime) -> int:
        """The first grain at or after `instant` (for starts of windows)."""
        return -int(-self._offset_minutes(instant) // self.minutes)

    def grains(self, minutes: int) -> int:
        """A duration in grains, rounded up."""
        return -(-minutes // self.minutes)

    def instant(self, grain: int) -> datetime:
        """The UTC instant of `grain`."""
        return (self.origin + timedelta(minutes=grain * self.minutes)).astimezone(UTC)


def origin_for(first_instant: datetime) -> datetime:
    """The UTC midnight at or before `first_instant`: the problem's grain 0."""
    utc = first_instant.astimezone(UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)
