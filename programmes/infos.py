"""What the schedule says of festivals, venues and items, read from the spec (no solver):
shared by the programme's assembly and the meetings' private schedule."""

from __future__ import annotations

from affiche.programmes.model import Festival, Item
from affiche.programmes.schedule import FestivalInfo, ItemInfo, VenueInfo


def festival_info(festival: Festival) -> FestivalInfo:
    return FestivalInfo(
        id=festival.id,
        name=festival.name,
        city=festival.city,
        country=festival.country,
        timezone=festival.timezone,
        start=festival.start,
        end=festival.end,
        day_start_hour=festival.day_start_hour,
        day_boundaries=list(festival.day_boundaries),
        base_url=festival.base_url,
        description=festival.description,
    )


def venue_infos(festival: Festival) -> list[VenueInfo]:
    return [
        VenueInfo(
            id=venue.id,
            name=venue.name,
            name_fr=venue.name_fr,
            festival=festival.id,
            timezone=festival.timezone,
            outdoor=venue.outdoor,
            capacity=venue.capacity,
            address=venue.address,
            latitude=venue.latitude,
            longitude=venue.longitude,
            parallel=venue.parallel,
        )
        for venue in festival.venues
    ]


def item_info(festival: Festival, item: Item) -> ItemInfo:
    return ItemInfo(
        id=item.id,
        festival=festival.id,
        kind=item.kind.value,
        title=item.title,
        description=item.description,
        description_html=item.description_html,
        artists=list(item.artists),
        tags=list(item.tags),
        duration_minutes=item.duration or 0,
        track=item.track,
        language=item.language,
        source=item.source,
    )
