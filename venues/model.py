"""What a venue is: capacity, features, opening hours, changeover, location, walking times."""

from __future__ import annotations

import re
from datetime import date, time
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from affiche.venues.window import Window

Slug = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=120)]

# The one definition of a control character, read by every reader's models, the text of
# imports and the iCal writer. A name or a title is one line: no C0, DEL or C1 character (a
# CR or LF would break out of an iCal or frab line). A text (a description) may also hold
# tabs and line breaks. U+2028 is text, not a control.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MINUTES_CAP = 7 * 24 * 60  # a week, in minutes: more is a typo, and keeps solver sums small


def one_line(value: str) -> str:
    """`value` if it holds no control character; else a ValueError naming the first one."""
    found = CONTROLS.search(value)
    if found:
        raise ValueError(
            f"control character {found.group()!r} at position {found.start()}: "
            "names and titles are one line of plain text"
        )
    return value


Name = Annotated[str, StringConstraints(max_length=300), AfterValidator(one_line)]
Line = Annotated[str, StringConstraints(max_length=1000), AfterValidator(one_line)]


class Feature(StrEnum):
    projection = "projection"
    sound = "sound"
    dark_room = "dark_room"
    water = "water"
    outdoor = "outdoor"
    stage = "stage"
    seating = "seating"
    vr = "vr"
    power = "power"
    wifi = "wifi"


# A feature name: the built-in ones above, or one a festival declares in its `features`
# (a technical rider: haze, projection-4k, piano); `programmes/validate.py` refuses others.
FeatureName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=120)
]
BUILTIN_FEATURES = frozenset(feature.value for feature in Feature)


class Hours(BaseModel):
    """Daily opening hours. `closes` earlier than `opens` means the venue closes after
    midnight (that night still belongs to the same programme day)."""

    model_config = ConfigDict(extra="forbid")
    opens: time
    closes: time

    @model_validator(mode="after")
    def _not_empty(self) -> Hours:
        if self.opens == self.closes:
            raise ValueError("opens and closes are the same time: the window is empty")
        return self


class Venue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Slug
    name: Name
    name_fr: Name | None = None
    capacity: int | None = Field(default=None, ge=1, le=10_000_000)
    features: list[FeatureName] = Field(default_factory=list, max_length=50)
    outdoor: bool = False
    hours: Hours | None = Field(default=None, description="daily hours; default: the festival's")
    open: list[Window] = Field(
        default_factory=list,
        max_length=10_000,
        description="explicit opening windows; replace the daily hours",
    )
    closures: list[Window] = Field(default_factory=list, max_length=10_000)
    changeover_minutes: int = Field(default=0, ge=0, le=MINUTES_CAP)
    parallel: int = Field(
        default=1, ge=1, le=10_000,
        description="items the venue holds at once (stands on a floor, meeting tables)",
    )
    sound_curfew: time | None = Field(
        default=None, description="loud items must end by this local time (outdoor venues)"
    )
    prime: Hours | None = Field(
        default=None, description="prime time, daily: where `headliner` items go"
    )
    prime_by_day: dict[date, Hours] = Field(
        default_factory=dict, max_length=1000, description="prime time on given programme days"
    )
    installation_slots: int = Field(default=0, ge=0, le=10_000)
    address: Line = ""
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    walking_minutes: dict[str, Annotated[int, Field(ge=0, le=MINUTES_CAP)]] = Field(
        default_factory=dict, max_length=10_000
    )

    def has_feature(self, feature: str) -> bool:
        return feature in self.features or (feature == Feature.outdoor and self.outdoor)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Venue:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self
