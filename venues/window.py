"""A window of time as producers write it: local wall-clock, made aware by its festival."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from affiche.venues.timeutil import localize

# Dates a festival can have: far enough from datetime's limits (years 1 and 9999) that any
# time-zone conversion or day arithmetic stays in range.
FIRST_YEAR, LAST_YEAR = 1900, 2200


class Window(BaseModel):
    """From `start` to `end`. Without a UTC offset the times are the festival's wall clock."""

    model_config = ConfigDict(extra="forbid")
    start: datetime
    end: datetime

    @field_validator("start", "end")
    @classmethod
    def _plausible_year(cls, value: datetime) -> datetime:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"year {value.year} is outside {FIRST_YEAR}-{LAST_YEAR}")
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Window:
        if self.start.tzinfo is None and self.end.tzinfo is None and self.end <= self.start:
            raise ValueError(f"end {self.end:%Y-%m-%d %H:%M} is not after start")
        return self

    def localized(self, zone_name: str) -> Window:
        """The same window with aware times (naive ones read in `zone_name`)."""
        return Window(start=localize(self.start, zone_name), end=localize(self.end, zone_name))
