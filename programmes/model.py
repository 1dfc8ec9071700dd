"""What producers write: festivals, venues, artists, items and their constraints.

These models validate the shape of a spec (`extra="forbid"`: a misspelt field is an error).
Cross-references (an item naming an unknown artist, say) are checked in `validate.py`, so
that each problem is reported at its own place in the file.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import (
    Tag as PydTag,
)

from affiche.programmes.identity import Source
from affiche.programmes.meetings_spec import Meetings, ParticipantKind
from affiche.programmes.text import Text
from affiche.venues.model import (
    MINUTES_CAP,
    FeatureName,
    Hours,
    Line,
    Name,
    Slug,
    Venue,
    one_line,
)
from affiche.venues.timeutil import zone
from affiche.venues.window import FIRST_YEAR, LAST_YEAR, Window


def plausible(value: date) -> date:
    """A date (or datetime) of a festival's era: datetime's limits stay out of reach."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year {value.year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return value


def web_url(value: str) -> str:
    """An absolute http(s) URL with a host; anything else (javascript:, data:) refused."""
    one_line(value)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL (https://example.org/)")
    return value


Day = Annotated[date, AfterValidator(plausible)]
Moment = Annotated[datetime, AfterValidator(plausible)]
WebUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(web_url)]
Weight = Annotated[int, Field(ge=0, le=1_000_000)]  # keeps every objective sum far below 2^63
Tag = Annotated[str, StringConstraints(max_length=200), AfterValidator(one_line)]
MANY = 100_000  # the longest list a spec may hold (items, artists, windows)


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
    name: Name
    home_city: Line = ""
    timezone: str | None = Field(
        default=None, max_length=100, description="where the artist reads times"
    )
    email: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+$",
        description="where `affiche notify` sends what changed for the artist (never published)",
    )
    availability: list[Window] = Field(
        default_factory=list,
        max_length=MANY,
        description="when the artist can perform; empty: any time",
    )
    max_per_day: int | None = Field(
        default=None, ge=1, le=1000, description="at most this many items per programme day"
    )
    min_rest_minutes: int = Field(
        default=0, ge=0, le=MINUTES_CAP,
        description="between the end of one item and the start of the next, beyond walking "
        "or travel time",
    )
    arrive: Day | Moment | None = Field(
        default=None, description="no item before this (plus travel from home_city)"
    )
    depart: Day | Moment | None = Field(
        default=None, description="no item after this (minus travel home)"
    )
    may_double_book: bool = Field(
        default=False,
        description="exempt from no-overlap (set by imports for persons the source double-books)",
    )
    # one-to-one meetings (programmes/meetings.py): who a participant is
    organisation: Line = ""
    kind: ParticipantKind = ParticipantKind.artist
    languages: list[Tag] = Field(default_factory=list, max_length=50)
    source: Source | None = Field(
        default=None, description="identity in an imported schedule (kept by re-exports)"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value

    @model_validator(mode="after")
    def _arrives_before_leaving(self) -> Artist:
        if self.arrive is not None and self.depart is not None:
            first, last = _as_moment(self.arrive, False), _as_moment(self.depart, True)
            if last <= first:
                raise ValueError(f"depart {self.depart} is not after arrive {self.arrive}")
        return self


def _as_moment(value: date, leaving: bool) -> datetime:
    """A date or naive datetime as a naive datetime: a date arrives at its first minute and
    departs after its last (the same reading as `rules.stay_bounds`)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time()) + (timedelta(days=1) if leaving else timedelta())


class Pin(Strict):
    """Fix an occurrence to a venue, a start, or a programme day (any combination)."""

    occurrence: int = Field(default=1, ge=1, le=200)
    venue: Slug | None = None
    start: Moment | None = None
    day: Day | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Pin:
        if self.venue is None and self.start is None and self.day is None:
            raise ValueError("a pin needs a venue, a start or a day")
        return self


class Link(Strict):
    """An item placed relative to another (`before`: a soundcheck, `after`: a get-out).

    `gap_minutes: [low, high]` between this item's end and the other's start (`before`),
    or the other's end and this item's start (`after`); without it, any gap from 0.
    `same_venue` (default true): in the other item's venue. Occurrence k of this item is
    linked to occurrence k of the other, or every occurrence to `occurrence` N."""

    item: Slug
    gap_minutes: tuple[
        Annotated[int, Field(ge=0, le=MINUTES_CAP)], Annotated[int, Field(ge=0, le=MINUTES_CAP)]
    ] | None = None
    same_venue: bool = True
    occurrence: int | None = Field(default=None, ge=1, le=200)

    @model_validator(mode="after")
    def _gap_in_order(self) -> Link:
        if self.gap_minutes is not None and self.gap_minutes[0] > self.gap_minutes[1]:
            low, high = self.gap_minutes
            raise ValueError(f"gap_minutes [{low}, {high}]: the lower bound is above the upper")
        return self


def _entry_kind(value: object) -> str:
    return "id" if isinstance(value, str) else "link"


# an entry of `before`/`after`: an item id or a link (errors speak of the form written)
LinkEntry = Annotated[
    Annotated[Slug, PydTag("id")] | Annotated[Link, PydTag("link")],
    Discriminator(_entry_kind),
]


def _listed(value: object) -> object:
    """One link (a mapping or an item id) stands for a list of one."""
    return [value] if isinstance(value, str | dict) else value


class Item(Strict):
    id: Slug
    kind: Kind
    title: Text
    description: Text = Field(default_factory=Text)
    description_html: Text | None = Field(
        default=None, description="sanitized HTML of the description (imports of HTML text)"
    )
    duration: int | None = Field(
        default=None,
        ge=1,
        le=MINUTES_CAP,
        description="minutes; installations leave it out (open all hours)",
    )
    occurrences: int = Field(default=1, ge=1, le=200)
    artists: list[Slug] = Field(default_factory=list, max_length=1000)
    requires: list[FeatureName] = Field(
        default_factory=list, max_length=50,
        description="built-in features, or ones the festival declares in `features`",
    )
    audience: int | None = Field(
        default=None, ge=1, le=10_000_000, description="expected audience"
    )
    venues: list[Slug] = Field(
        default_factory=list, max_length=MANY, description="allowed venues; empty: any"
    )
    preferred_venues: list[Slug] = Field(default_factory=list, max_length=MANY)
    windows: list[Window] = Field(
        default_factory=list, max_length=MANY, description="allowed times; empty: any"
    )
    days: list[Day] = Field(
        default_factory=list, max_length=1000, description="allowed programme days"
    )
    preferred_hours: list[Hours] = Field(default_factory=list, max_length=100)
    after_dark: bool = False
    before_dark: bool = Field(default=False, description="ends by sunset")
    at_sunrise: bool = Field(default=False, description="under way at sunrise")
    loud: bool | None = Field(default=None, description="default: performances and concerts")
    private: bool = Field(
        default=False,
        description="soundcheck, rehearsal, get-in, jury: books venues and artists like any "
        "item, but only its artists' and venue's own feeds and the producer see it",
    )
    after: list[LinkEntry] = Field(
        default_factory=list,
        max_length=MANY,
        description="item ids: starts after these end; links ({item, gap_minutes}): "
        "starts within the gap after the item ends (a get-out)",
    )
    before: list[LinkEntry] = Field(
        default_factory=list,
        max_length=MANY,
        description="item ids: ends before these start; links ({item, gap_minutes}): "
        "ends within the gap before the item starts (a soundcheck)",
    )
    setup_minutes: int = Field(
        default=0, ge=0, le=MINUTES_CAP,
        description="installations: its artists set it up for this long before it opens",
    )
    same_day_as: list[Slug] = Field(default_factory=list, max_length=MANY)
    not_same_day_as: list[Slug] = Field(default_factory=list, max_length=MANY)
    tags: list[Tag] = Field(default_factory=list, max_length=100, description="audience tags")
    pins: list[Pin] = Field(default_factory=list, max_length=200)
    priority: int = Field(default=3, ge=1, le=5, description="5: keep at all costs")
    headliner: bool | Literal["must"] = Field(
        default=False,
        description="true: should take its venue's prime time (soft); must: shall (hard)",
    )
    track: Name | None = None
    language: Name | None = None
    source: Source | None = Field(
        default=None, description="identity in an imported schedule (kept by re-exports)"
    )

    @field_validator("duration")
    @classmethod
    def _no_installation_duration(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("kind") is Kind.installation:
            raise ValueError("an installation has no duration: it is open whenever its site "
                             "is, on its days (or windows)")
        return value

    @field_validator("after", "before", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: object) -> object:
        return _listed(value)

    @property
    def after_ids(self) -> list[str]:
        """The plain `after` ids (starts after these end), links left out."""
        return [other for other in self.after if isinstance(other, str)]

    @property
    def links(self) -> list[tuple[str, int, Link]]:
        """Every link of the item as (field, index in it, link); plain ids in `before` are
        links with no gap bound and no venue."""
        found = []
        for name in ("before", "after"):
            for index, entry in enumerate(getattr(self, name)):
                if isinstance(entry, Link):
                    found.append((name, index, entry))
                elif name == "before":
                    found.append((name, index, Link(item=entry, same_venue=False)))
        return found

    @field_validator("title", "description", mode="before")
    @classmethod
    def _plain_string_is_both_languages(cls, value: object) -> object:
        return {"en": value, "fr": value} if isinstance(value, str) else value

    @field_validator("title")
    @classmethod
    def _title_one_line(cls, value: Text) -> Text:
        for text in (value.en, value.fr):
            if len(text) > 1000:
                raise ValueError("a title is at most 1000 characters")
            one_line(text)
        return value

    @field_validator("description")
    @classmethod
    def _description_bounded(cls, value: Text) -> Text:
        if max(len(value.en), len(value.fr)) > 100_000:
            raise ValueError("a description is at most 100,000 characters")
        return value  # control characters: refused by Text itself

    @property
    def is_installation(self) -> bool:
        return self.kind is Kind.installation

    @property
    def is_headliner(self) -> bool:
        return self.headliner is not False

    @property
    def must_take_prime(self) -> bool:
        return self.headliner == "must"

    @property
    def is_loud(self) -> bool:
        return self.loud if self.loud is not None else self.kind in LOUD_KINDS

    @model_validator(mode="after")
    def _duration_fits_kind(self) -> Item:
        if self.is_installation and self.occurrences != 1:
            raise ValueError("an installation has one occurrence (it runs all festival long)")
        if self.setup_minutes and not self.is_installation:
            raise ValueError("setup_minutes is for installations (give a timed item's set-up "
                             "as its own item with `before`)")
        if not self.is_installation and self.duration is None:
            raise ValueError(f"a {self.kind.value} needs a duration in minutes")
        for pin in self.pins:
            if pin.occurrence > self.occurrences:
                raise ValueError(
                    f"pin for occurrence {pin.occurrence}, but the item has {self.occurrences}"
                )
        return self


class RunningOrder(Strict):
    """An evening's running order: `order[0]` then `order[1]` ... on `venue`, each next one
    starting when the one before ends plus the venue's changeover (on `day`, if given)."""

    venue: Slug
    day: Day | None = None
    order: list[Slug] = Field(min_length=2, max_length=1000)


class DayBoundary(Strict):
    """One programme day's own boundaries (local wall clock, no offset): from `starts` to
    `ends` (default: the next day's start). Days may overlap; an event filed under a day
    stays on it (a 04:30 after-hour of day 1 beside a 03:00 workshop of day 2)."""

    date: Day
    starts: Moment
    ends: Moment | None = None

    @model_validator(mode="after")
    def _sensible(self) -> DayBoundary:
        if self.starts.tzinfo is not None or (self.ends and self.ends.tzinfo is not None):
            raise ValueError("write starts and ends as local wall-clock times, without offset")
        if not timedelta(hours=-12) <= self.starts - datetime.combine(self.date, time()) \
                <= timedelta(hours=36):
            raise ValueError(f"starts {self.starts} is more than a day from {self.date}")
        if self.ends is not None and not timedelta(0) < self.ends - self.starts \
                <= timedelta(hours=48):
            raise ValueError(f"ends {self.ends} is not within 48 hours after starts")
        return self


class Festival(Strict):
    id: Slug
    name: Name
    city: Line = ""
    country: Line = ""
    timezone: str = Field(max_length=100)
    start: Day
    end: Day
    hours: Hours = Field(default_factory=lambda: Hours(opens=time(10), closes=time(23)))
    hours_by_day: dict[Day, Hours] = Field(default_factory=dict, max_length=1000)
    day_start_hour: int = Field(default=4, ge=0, le=12)
    day_boundaries: list[DayBoundary] = Field(
        default_factory=list, max_length=1000,
        description="programme days with their own start (and end); others: day_start_hour",
    )
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    default_walking_minutes: int = Field(default=10, ge=0, le=MINUTES_CAP)
    base_url: WebUrl | None = None
    description: Text = Field(default_factory=Text)
    venues: list[Venue] = Field(max_length=MANY)
    items: list[Item] = Field(default_factory=list, max_length=MANY)
    meetings: Meetings | None = Field(default=None, description="one-to-one meetings")
    features: list[FeatureName] = Field(
        default_factory=list, max_length=1000,
        description="the festival's own feature names (haze, piano), beside the built-in ones",
    )
    running_orders: list[RunningOrder] = Field(
        default_factory=list, max_length=MANY,
        description="items back to back on one stage, in this order",
    )

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
        seen: set[date] = set()
        for boundary in self.day_boundaries:
            if not self.start <= boundary.date <= self.end or boundary.date in seen:
                raise ValueError(f"day_boundaries: {boundary.date} is not a festival day, "
                                 f"or is listed twice")
            seen.add(boundary.date)
        return self


class Travel(Strict):
    between: tuple[Line, Line]
    minutes: int = Field(ge=0, le=MINUTES_CAP)


class Weights(Strict):
    """Weights of the soft terms; 0 switches a term off."""

    preferred_venue: Weight = 3
    preferred_hours: Weight = 2
    audience_clash: Weight = 1  # per minute of overlap
    hotel_nights: Weight = 4
    prime_time: Weight = 8
    repeat_same_day: Weight = 3
    moved: Weight = 10
    unplaced: Weight = 1000


class SolverSettings(Strict):
    grain_minutes: int | None = Field(
        default=None, ge=1, le=60, description="default: 5, or finer if durations need it"
    )
    weights: Weights = Field(default_factory=Weights)
    default_travel_minutes: int = Field(
        default=1440, ge=0, le=MINUTES_CAP, description="between festivals in different cities"
    )
    travel: list[Travel] = Field(default_factory=list, max_length=MANY)


class Spec(Strict):
    festivals: list[Festival] = Field(min_length=1, max_length=1000)
    artists: list[Artist] = Field(default_factory=list, max_length=MANY)
    solver: SolverSettings = Field(default_factory=SolverSettings)
