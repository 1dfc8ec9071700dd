"""What producers write: festivals, venues, artists, items and their constraints.

These models validate the shape of a spec (`extra="forbid"`: a misspelt field is an error).
Cross-references (an item naming an unknown artist, say) are checked in `validate.py`, so
that each problem is reported at its own place in the file.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from affiche.programmes.identity import Source
from affiche.programmes.text import Text
from affiche.venues.model import Feature, Hours, Slug, Venue
from affiche.venues.timeutil import zone
from affiche.venues.window import Window


class Kind(StrEnum):
    installation = "installation"
    performance = "performance"
    concert = "concert"
    talk = "talk"
    screening = "screening"
    workshop = "workshop"
    stand = "stand"
    meeting = "meeting"


LOUD_KINDS = {Kind.performance, Kind.concert}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Artist(Strict):
    id: Slug
    name: str
    home_city: str = ""
    timezone: str | None = Field(default=None, description="where the artist reads times")
    availability: list[Window] = Field(
        default_factory=list, description="when the artist can perform; empty: any time"
    )
    may_double_book: bool = Field(
        default=False,
        description="exempt from no-overlap (set by imports for persons the source double-books)",
    )
    source: Source | None = Field(
        default=None, description="identity in an imported schedule (kept by re-exports)"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value


class Pin(Strict):
    """Fix an occurrence to a venue, a start, or a programme day (any combination)."""

    occurrence: int = Field(default=1, ge=1)
    venue: Slug | None = None
    start: datetime | None = None
    day: date | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Pin:
        if self.venue is None and self.start is None and self.day is None:
            raise ValueError("a pin needs a venue, a start or a day")
        return self


class Item(Strict):
    id: Slug
    kind: Kind
    title: Text
    description: Text = Field(default_factory=Text)
    description_html: Text | None = Field(
        default=None, description="sanitized HTML of the description (imports of HTML text)"
    )
    duration: int | None = Field(
        default=None, ge=1, description="minutes; installations leave it out (open all hours)"
    )
    occurrences: int = Field(default=1, ge=1, le=200)
    artists: list[Slug] = Field(default_factory=list)
    requires: list[Feature] = Field(default_factory=list)
    audience: int | None = Field(default=None, ge=1, description="expected audience")
    venues: list[Slug] = Field(default_factory=list, description="allowed venues; empty: any")
    preferred_venues: list[Slug] = Field(default_factory=list)
    windows: list[Window] = Field(default_factory=list, description="allowed times; empty: any")
    days: list[date] = Field(default_factory=list, description="allowed programme days")
    preferred_hours: list[Hours] = Field(default_factory=list)
    after_dark: bool = False
    loud: bool | None = Field(default=None, description="default: performances and concerts")
    after: list[Slug] = Field(default_factory=list, description="starts after these end")
    same_day_as: list[Slug] = Field(default_factory=list)
    not_same_day_as: list[Slug] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, description="audience tags")
    pins: list[Pin] = Field(default_factory=list)
    priority: int = Field(default=3, ge=1, le=5, description="5: keep at all costs")
    headliner: bool = False
    track: str | None = None
    language: str | None = None
    source: Source | None = Field(
        default=None, description="identity in an imported schedule (kept by re-exports)"
    )

    @field_validator("title", "description", mode="before")
    @classmethod
    def _plain_string_is_both_languages(cls, value: object) -> object:
        return {"en": value, "fr": value} if isinstance(value, str) else value

    @property
    def is_installation(self) -> bool:
        return self.kind is Kind.installation

    @property
    def is_loud(self) -> bool:
        return self.loud if self.loud is not None else self.kind in LOUD_KINDS

    @model_validator(mode="after")
    def _duration_fits_kind(self) -> Item:
        if self.is_installation and self.occurrences != 1:
            raise ValueError("an installation has one occurrence (it runs all festival long)")
        if not self.is_installation and self.duration is None:
            raise ValueError(f"a {self.kind.value} needs a duration in minutes")
        for pin in self.pins:
            if pin.occurrence > self.occurrences:
                raise ValueError(
                    f"pin for occurrence {pin.occurrence}, but the item has {self.occurrences}"
                )
        return self


class Festival(Strict):
    id: Slug
    name: str
    city: str = ""
    country: str = ""
    timezone: str
    start: date
    end: date
    hours: Hours = Field(default_factory=lambda: Hours(opens=time(10), closes=time(23)))
    hours_by_day: dict[date, Hours] = Field(default_factory=dict)
    day_start_hour: int = Field(default=4, ge=0, le=12)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    default_walking_minutes: int = Field(default=10, ge=0)
    base_url: str | None = None
    description: Text = Field(default_factory=Text)
    venues: list[Venue]
    items: list[Item] = Field(default_factory=list)

    @field_validator("description", mode="before")
    @classmethod
    def _plain_description(cls, value: object) -> object:
        return {"en": value, "fr": value} if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Festival:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if (self.end - self.start).days > 120:
            raise ValueError("a festival longer than 120 days: check start and end")
        return self


class Travel(Strict):
    between: tuple[str, str]
    minutes: int = Field(ge=0)


class Weights(Strict):
    """Weights of the soft terms; 0 switches a term off."""

    preferred_venue: int = Field(default=3, ge=0)
    preferred_hours: int = Field(default=2, ge=0)
    audience_clash: int = Field(default=5, ge=0)
    hotel_nights: int = Field(default=4, ge=0)
    repeat_same_day: int = Field(default=3, ge=0)
    moved: int = Field(default=10, ge=0)
    unplaced: int = Field(default=1000, ge=0)


class SolverSettings(Strict):
    grain_minutes: int | None = Field(
        default=None, ge=1, le=60, description="default: 5, or finer if durations need it"
    )
    weights: Weights = Field(default_factory=Weights)
    default_travel_minutes: int = Field(
        default=1440, ge=0, description="between festivals in different cities"
    )
    travel: list[Travel] = Field(default_factory=list)


class Spec(Strict):
    festivals: list[Festival] = Field(min_length=1)
    artists: list[Artist] = Field(default_factory=list)
    solver: SolverSettings = Field(default_factory=SolverSettings)
