"""What a re-plan changes against the last published version, and whom to tell."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from affiche.programmes.schedule import Placement, Schedule

if TYPE_CHECKING:  # the publishers (PDF, iCal) load only when publishing
    from affiche.programmes.publish.versions import PublishedVersion


def load_latest_version(versions_dir: Path) -> PublishedVersion | None:
    from affiche.programmes.publish.versions import load_latest_version as latest

    return latest(versions_dir)


@dataclass
class Changes:
    kept: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    artists_to_tell: list[str] = field(default_factory=list)

    @property
    def kept_share(self) -> float:
        """The share of surviving published occurrences that did not move."""
        surviving = len(self.kept) + len(self.moved)
        return len(self.kept) / surviving if surviving else 1.0


def published_placements(directory: Path) -> dict[str, tuple[str, datetime]]:
    """uid -> (venue, start) of every confirmed occurrence of the latest published version."""
    version = load_latest_version(Path(directory) / "versions")
    if version is None:
        return {}
    return {o.uid: (o.venue, o.start) for o in version.occurrences if not o.cancelled}


def _where(placement: Placement) -> str:
    return f"{placement.venue} {placement.start:%a %d %b %H:%M}"


def compare(version: PublishedVersion | None, schedule: Schedule) -> Changes:
    changes = Changes()
    if version is None:
        return changes
    before = {o.uid: o for o in version.occurrences if not o.cancelled}
    now = {p.uid: p for p in schedule.placements}
    artists: set[str] = set()
    for uid, placement in now.items():
        old = before.get(uid)
        if old is None:
            changes.new.append(uid)
            artists.update(placement.artists)
        elif (old.venue, old.start, old.end) == (placement.venue, placement.start, placement.end):
            changes.kept.append(uid)
        else:
            changes.moved.append((uid, f"{old.venue} {old.start:%a %d %b %H:%M} -> "
                                       f"{_where(placement)}"))
            artists.update(placement.artists)
            artists.update(old.artists)
    for uid, old in before.items():
        if uid not in now:
            changes.cancelled.append(uid)
            artists.update(old.artists)
    changes.artists_to_tell = sorted(artists)
    return changes


def compare_with_published(directory: Path, schedule: Schedule) -> Changes:
    return compare(load_latest_version(Path(directory) / "versions"), schedule)
