"""The `meetings` section of a festival spec: requests, do-not-meet pairs, lunch."""

from __future__ import annotations

from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from affiche.venues.model import Slug

MIN_MINUTES, MAX_MINUTES = 15, 30


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParticipantKind(StrEnum):
    artist = "artist"
    company = "company"
    academic = "academic"
    delegation = "delegation"


class Priority(StrEnum):
    must = "must"
    wish = "wish"


class Lunch(_Strict):
    """No meetings from `start` to `end` (local wall clock), every day."""

    start: time
    end: time

    @model_validator(mode="after")
    def _in_order(self) -> Lunch:
        if self.end <= self.start:
            raise ValueError("lunch ends before it starts")
        return self


class MeetingRequest(_Strict):
    between: list[Slug] = Field(min_length=2, max_length=4, description="2 to 4 participants")
    priority: Priority = Priority.wish
    mutual: bool = Field(default=False, description="every participant asked for it")
    minutes: int | None = Field(
        default=None, ge=MIN_MINUTES, le=MAX_MINUTES, description="default: the section's"
    )


class Meetings(_Strict):
    venue: Slug = Field(description="the meeting area: a venue with parallel > 1 (tables)")
    minutes: int = Field(default=20, ge=MIN_MINUTES, le=MAX_MINUTES)
    max_in_a_row: int = Field(default=4, ge=1, le=100)
    lunch: Lunch | None = None
    requests: list[MeetingRequest] = Field(default_factory=list)
    do_not_meet: list[tuple[Slug, Slug]] = Field(default_factory=list)
