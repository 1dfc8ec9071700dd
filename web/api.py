"""The public JSON API over the published programme (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from affiche.web.deps import DirectoryDep, ProgrammeDep, absolute, webcal
from affiche.web.files import list_feeds
from affiche.web.programme import Filters, Occurrence
from affiche.web.schemas import (
    ArtistProgrammePublic,
    ArtistPublic,
    FeedPublic,
    FestivalPublic,
    ItemPublic,
    OccurrencePublic,
    ProgrammePublic,
    VenueProgrammePublic,
    VenuePublic,
)

router = APIRouter(prefix="/api", tags=["programme API"])
Bounded = Annotated[str | None, Query(max_length=200)]


def occurrence_public(occ: Occurrence) -> OccurrencePublic:
    return OccurrencePublic(
        uid=occ.uid,
        item=occ.item.id,
        festival=occ.festival.id,
        kind=occ.item.kind,
        title=occ.item.title,
        venue=occ.venue.id,
        start=occ.start,
        end=occ.end,
        day=occ.day,
        artists=list(occ.placement.artists),
        url=f"/item/{occ.item.id}#{occ.uid}",
    )


@router.get("/programme", response_model=ProgrammePublic, summary="The whole programme")
def programme_api(
    programme: ProgrammeDep,
    day: date | None = None,
    venue: Bounded = None,
    kind: Bounded = None,
    tag: Bounded = None,
    track: Bounded = None,
    festival: Bounded = None,
    q: Annotated[str | None, Query(max_length=200, description="words to look for (all of "
                                   "them, case and accents ignored)")] = None,
) -> ProgrammePublic:
    """The same filters as the front page's (`Filters`), empty values meaning none."""
    schedule = programme.schedule
    words = " ".join((q or "").split()) or None
    selected = programme.select(Filters(day, venue or None, kind or None, tag or None,
                                        track or None, festival or None, words))
    return ProgrammePublic(
        generated=schedule.generated,
        festivals=[
            FestivalPublic.model_validate(f, from_attributes=True) for f in schedule.festivals
        ],
        venues=[VenuePublic.model_validate(v, from_attributes=True) for v in schedule.venues],
        artists=[ArtistPublic.model_validate(a, from_attributes=True) for a in schedule.artists],
        occurrences=[occurrence_public(o) for o in selected],
    )


@router.get("/items/{item_id}", response_model=ItemPublic, summary="One item")
def item_api(item_id: str, programme: ProgrammeDep) -> ItemPublic:
    item = programme.item(item_id)
    return ItemPublic(
        **item.model_dump(include=set(ItemPublic.model_fields) - {"occurrences"}),
        occurrences=[occurrence_public(o) for o in programme.of_item(item_id)],
    )


@router.get("/venues/{venue_id}", response_model=VenueProgrammePublic, summary="One venue")
def venue_api(venue_id: str, programme: ProgrammeDep) -> VenueProgrammePublic:
    venue = programme.venue(venue_id)
    return VenueProgrammePublic(
        venue=VenuePublic.model_validate(venue, from_attributes=True),
        occurrences=[occurrence_public(o) for o in programme.of_venue(venue_id)],
    )


@router.get("/artists/{artist_id}", response_model=ArtistProgrammePublic, summary="One artist")
def artist_api(artist_id: str, programme: ProgrammeDep) -> ArtistProgrammePublic:
    artist = programme.artist(artist_id)
    return ArtistProgrammePublic(
        artist=ArtistPublic.model_validate(artist, from_attributes=True),
        occurrences=[occurrence_public(o) for o in programme.of_artist(artist_id)],
    )


@router.get("/feeds", response_model=list[FeedPublic], summary="Every published iCal feed")
def feeds_api(request: Request, directory: DirectoryDep) -> list[FeedPublic]:
    return [
        FeedPublic(
            kind=f.kind,  # type: ignore[arg-type]
            id=f.identifier,
            language=f.language,  # type: ignore[arg-type]
            url=absolute(request, f.path),
            webcal=webcal(request, f.path),
        )
        for f in list_feeds(directory)
    ]
