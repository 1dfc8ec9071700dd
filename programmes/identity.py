"""Stable identities of what a programme places."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


def occurrence_uid(festival_id: str, item_id: str, occurrence: int) -> str:
    """The stable id of one occurrence: iCal UID, frab guid and web anchor derive from it."""
    return f"{festival_id}.{item_id}.{occurrence}"


class Link(BaseModel):
    """A link an imported event carries (slides, recording, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = ""
    url: str


class Source(BaseModel):
    """Who an imported event or person is in the schedule it came from (frab, pretalx,
    pentabarf, c3voc): re-exports keep these instead of deriving new ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = None
    guid: str | None = None
    slug: str | None = None
    url: str | None = None
    links: tuple[Link, ...] = ()
