"""What a re-plan changes against the last published version, and whom to tell, by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from affiche.programmes.schedule import Placement, Schedule

if TYPE_CHECKING:  # the publishers (PDF, iCal) load only when publishing
    from affiche.programmes.publish.versions import PublishedOccurrence, PublishedVersion


def load_latest_version(directory: Path) -> PublishedVersion | None:
    """The latest version published in `directory` (its `versions/`), if any."""
    from affiche.programmes.publish.versions import load_latest_version as latest

    return latest(Path(directory) / "versions")


@dataclass
class Changes:
    """Occurrence uids kept, moved (with where from and to), cancelled and new; the names
    of the artists whose programme changes; `titles` names each uid for the producer."""

    kept: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    artists_to_tell: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def kept_share(self) -> float:
        """The share of surviving published occurrences that did not move."""
        surviving = len(self.kept) + len(self.moved)
        return len(self.kept) / surviving if surviving else 1.0

    def title(self, uid: str) -> str:
        return self.titles.get(uid, uid)


def placements_of(version: PublishedVersion | None) -> dict[str, tuple[str, datetime]]:
    """uid -> (venue, start) of every confirmed occurrence of `version`."""
    if version is None:
        return {}
    return {o.uid: (o.venue, o.start) for o in confirmed(version).values()}


def confirmed(version: PublishedVersion) -> dict[str, PublishedOccurrence]:
    """The confirmed occurrences of `version` by placement uid: an installation published
    once per open day (`spell_of`) folded back into one, from its first opening to its
    last closing, as the schedule places it."""
    found: dict[str, PublishedOccurrence] = {}
    for occ in version.occurrences:
        if occ.cancelled:
            continue
        uid = occ.spell_of or occ.uid
        if uid in found:
            kept = found[uid]
            occ = kept.model_copy(update={"start": min(kept.start, occ.start),
                                          "end": max(kept.end, occ.end)})
        found[uid] = occ.model_copy(update={"uid": uid})
    return found


def published_placements(directory: Path) -> dict[str, tuple[str, datetime]]:
    """uid -> (venue, start) of every confirmed occurrence of the latest published version."""
    return placements_of(load_latest_version(directory))


def _names(
    schedule: Schedule,
) -> tuple[dict[str, str], dict[str, str], dict[tuple[str, str], str]]:
    venues = {v.id: v.name for v in schedule.venues}
    artists = {a.id: a.name for a in schedule.artists}
    items = {(i.festival, i.id): i.title.en or i.title.fr or i.id for i in schedule.items}
    return venues, artists, items


def _when(venue: str, start: datetime) -> str:
    return f"{venue} {start:%a %d %b %H:%M}"


def compare(version: PublishedVersion | None, schedule: Schedule) -> Changes:
    changes = Changes()
    if version is None:
        return changes
    venues, artist_names, items = _names(schedule)
    before = confirmed(version)
    now: dict[str, Placement] = {p.uid: p for p in schedule.placements}
    artists: set[str] = set()
    for uid, placement in now.items():
        changes.titles[uid] = items.get((placement.festival, placement.item), placement.item)
        old = before.get(uid)
        if old is None:
            changes.new.append(uid)
            artists.update(artist_names.get(a, a) for a in placement.artists)
        elif (old.venue, old.start, old.end) == (placement.venue, placement.start, placement.end):
            changes.kept.append(uid)
        else:
            new_venue = venues.get(placement.venue, placement.venue)
            changes.moved.append((uid, f"{_when(old.venue_name, old.start)} -> "
                                       f"{_when(new_venue, placement.start)}"))
            artists.update(artist_names.get(a, a) for a in placement.artists)
            artists.update(old.artist_names or old.artists)
    for uid, old in before.items():
        if uid not in now:
            changes.cancelled.append(uid)
            changes.titles[uid] = old.title.en or old.title.fr or old.item
            artists.update(old.artist_names or old.artists)
    changes.artists_to_tell = sorted(artists)
    return changes


def compare_with_published(directory: Path, schedule: Schedule) -> Changes:
    return compare(load_latest_version(directory), schedule)
