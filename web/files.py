"""The published files of the served folder: iCal feeds and exports, listed, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from affiche.programmes.publish.exporters import top_level_files

FEED_NAME = re.compile(
    r"^(?P<kind>festival|artist|venue)-(?P<id>[A-Za-z0-9_.-]+?)(?P<fr>\.fr)?\.ics$"
)
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

EXPORTS = top_level_files()  # the publisher's registry: names and content types once


@dataclass(frozen=True)
class Feed:
    kind: str
    identifier: str
    language: str
    filename: str

    @property
    def path(self) -> str:
        return f"/ical/{self.filename}"


def list_feeds(directory: Path) -> list[Feed]:
    """The iCal feeds present in `DIR/ical/`, by kind then id, English first: listed once
    per published version (a FOSDEM folder holds ~2,000 feeds; every item page asks)."""
    folder = Path(directory) / "ical"
    try:
        stat = folder.stat()  # through the release symlink: a new version, a new folder
    except OSError:
        return []
    if not folder.is_dir():
        return []
    return list(_listed(folder, stat.st_dev, stat.st_ino, stat.st_mtime_ns))


@lru_cache(maxsize=16)
def _listed(folder: Path, device: int, inode: int, mtime_ns: int) -> tuple[Feed, ...]:
    return tuple(_read_feeds(folder))


def _read_feeds(folder: Path) -> list[Feed]:
    feeds = []
    for path in sorted(folder.glob("*.ics")):
        match = FEED_NAME.match(path.name)
        if match:
            lang = "fr" if match["fr"] else "en"
            feeds.append(Feed(match["kind"], match["id"], lang, path.name))
    order = {"festival": 0, "venue": 1, "artist": 2}
    return sorted(feeds, key=lambda f: (order[f.kind], f.identifier, f.language != "en"))


def feeds_for(feeds: list[Feed], kind: str, safe_identifier: str) -> list[Feed]:
    return [f for f in feeds if f.kind == kind and f.identifier == safe_identifier]


def feed_file(directory: Path, name: str) -> Path | None:
    """`DIR/ical/<name>.ics` when `name` is a plain file name that exists."""
    if not SAFE_NAME.match(name) or ".." in name:
        return None
    path = Path(directory) / "ical" / f"{name}.ics"
    return path if path.is_file() else None


def export_file(directory: Path, name: str) -> Path | None:
    path = Path(directory) / name
    return path if name in EXPORTS and path.is_file() else None


def present_exports(directory: Path) -> list[str]:
    return [name for name in EXPORTS if (Path(directory) / name).is_file()]


BOOKLETS = "booklets"  # DIR/booklets/<festival>.pdf and <festival>.fr.pdf (several festivals)


def booklet_file(directory: Path, name: str) -> Path | None:
    """`DIR/booklets/<name>.pdf` when `name` is a plain file name that exists."""
    if not SAFE_NAME.match(name) or ".." in name:
        return None
    path = Path(directory) / BOOKLETS / f"{name}.pdf"
    return path if path.is_file() else None


def festival_booklets(directory: Path) -> dict[str, dict[str, str]]:
    """festival id -> language -> URL path of its own booklet, for those present."""
    folder = Path(directory) / BOOKLETS
    found: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.pdf")) if folder.is_dir() else []:
        stem = path.name[: -len(".pdf")]
        ident, lang = (stem[:-3], "fr") if stem.endswith(".fr") else (stem, "en")
        found.setdefault(ident, {})[lang] = f"/{BOOKLETS}/{path.name}"
    return found
