"""Request and response models: Public (what the API shows), Create and Update (what it takes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from affiche.programmes.model import WebUrl
from affiche.programmes.text import Text

SpecName = str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- public programme -------------------------------------------------------------------


class FestivalPublic(BaseModel):
    id: str
    name: str
    city: str
    timezone: str
    start: date
    end: date


class VenuePublic(BaseModel):
    id: str
    name: str
    name_fr: str | None = None
    festival: str
    timezone: str
    outdoor: bool
    capacity: int | None
    address: str


class ArtistPublic(BaseModel):
    id: str
    name: str
    home_city: str


class OccurrencePublic(BaseModel):
    uid: str = Field(description="stable id: iCal UID, frab guid and web anchor")
    item: str
    festival: str
    kind: str
    title: Text
    venue: str
    start: AwareDatetime = Field(description="in the festival's time zone")
    end: AwareDatetime
    day: date = Field(description="programme day (a 01:00 show belongs to the evening before)")
    artists: list[str]
    url: str


class ItemPublic(BaseModel):
    id: str
    festival: str
    kind: str
    title: Text
    description: Text
    artists: list[str]
    tags: list[str]
    duration_minutes: int
    occurrences: list[OccurrencePublic]


class ProgrammePublic(BaseModel):
    generated: AwareDatetime
    festivals: list[FestivalPublic]
    venues: list[VenuePublic]
    artists: list[ArtistPublic]
    occurrences: list[OccurrencePublic]


class VenueProgrammePublic(BaseModel):
    venue: VenuePublic
    occurrences: list[OccurrencePublic]


class ArtistProgrammePublic(BaseModel):
    artist: ArtistPublic
    occurrences: list[OccurrencePublic]


class FeedPublic(BaseModel):
    kind: Literal["festival", "venue", "artist"]
    id: str
    language: Literal["en", "fr"]
    url: str
    webcal: str


# ---- producer ---------------------------------------------------------------------------

SpecFormat = Literal["yaml", "frab-xml", "frab-json"]
SLUG = r"^[a-z0-9][a-z0-9_-]{0,79}$"


class SpecCreate(Strict):
    name: str = Field(pattern=SLUG, description="the spec's name in the store (a slug)")
    content: str = Field(min_length=1, max_length=5_000_000, description="YAML or frab text")
    format: SpecFormat | None = Field(default=None, description="default: guessed from content")


class SpecPublic(BaseModel):
    name: str
    format: SpecFormat
    size: int
    festivals: list[str]
    created: datetime
    updated: datetime


class SpecDetail(SpecPublic):
    content: str


class SolveCreate(Strict):
    specs: list[str] | None = Field(default=None, description="spec names; default: all")
    time_limit: float | None = Field(default=None, gt=0, le=3600, description="seconds")
    allow_unplaced: bool = False


SolveStatus = Literal["queued", "running", "done", "failed"]


class ChangesPublic(BaseModel):
    """What publishing this solve changes against the published version, by name."""

    kept: int = 0
    moved: list[tuple[str, str]] = Field(default_factory=list, description="(title, from -> to)")
    cancelled: list[str] = Field(default_factory=list, description="titles")
    new: list[str] = Field(default_factory=list, description="titles")
    artists_to_tell: list[str] = Field(default_factory=list, description="artist names")


class SolveSummary(BaseModel):
    status: str = Field(description="solver status: optimal, feasible, infeasible, unknown")
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    terms: dict[str, float] = Field(
        default_factory=dict, description="the objective's parts, soft family by family"
    )
    bounds: dict[str, float] = Field(
        default_factory=dict,
        description="what every programme pays at least, part by part (the bound's proof)",
    )
    placed: int = 0
    unplaced: int = 0
    wall_seconds: float = 0.0
    changes: ChangesPublic | None = Field(
        default=None, description="against the published version; none when nothing is"
    )


class SolvePublic(BaseModel):
    id: int
    status: SolveStatus
    specs: list[str]
    progress: list[str]
    summary: SolveSummary | None
    error: str | None
    created: datetime
    started: datetime | None
    finished: datetime | None


class PinUpdate(Strict):
    venue: str | None = Field(default=None, description="default: where the latest solve put it")
    start: datetime | None = Field(
        default=None, description="local wall-clock or aware; default: the latest solve's start"
    )


class PinPublic(BaseModel):
    uid: str
    festival: str
    item: str
    occurrence: int
    venue: str | None
    start: datetime | None
    created: datetime


class PublishCreate(Strict):
    solve_id: int | None = Field(default=None, description="default: the latest finished solve")
    base_url: WebUrl | None = Field(default=None, description="an http(s) URL")


class PublishRunPublic(BaseModel):
    """A publish running in the background: poll it (`?wait=` seconds) until it ends."""

    id: int
    status: SolveStatus
    solve_id: int | None
    progress: list[str]
    error: str | None
    version: int | None = Field(default=None, description="the version made, once done")
    created: datetime
    started: datetime | None
    finished: datetime | None


class VersionPublic(BaseModel):
    id: int
    version: int
    solve_id: int | None
    published: datetime
    new: int
    changed: int
    cancelled: int
    warnings: list[str]


class LoginResult(BaseModel):
    ok: bool
