"""The outputs of a published version, listed once: name, content type, where they live.

The publisher (`engine.py`) writes them at these paths and the web (`web/files.py`,
`web/feeds.py`) serves them from these paths with these content types. A new format is one
writer function plus one line here: `write` is called with the public version and the
file's path, and the web then serves the file (only `table.py`, standard library alone, is
loaded by reading this registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from affiche.programmes.publish.table import write_programme_csv
from affiche.programmes.publish.versions import PublishedVersion


@dataclass(frozen=True)
class Exporter:
    name: str
    content_type: str
    files: tuple[str, ...] = ()  # fixed file names at the top of the published folder
    folder: str = ""  # or: every `*<suffix>` file of this subfolder (one per feed)
    suffix: str = ""
    write: Callable[[PublishedVersion, Path], None] | None = None  # one file: files[0]

    @property
    def url(self) -> str:
        return f"/{self.folder}/{{name}}{self.suffix}" if self.folder else f"/{self.files[0]}"


EXPORTERS: tuple[Exporter, ...] = (
    Exporter("ical", "text/calendar; charset=utf-8", folder="ical", suffix=".ics"),
    Exporter("frab-xml", "application/xml", files=("schedule.xml",)),
    Exporter("frab-json", "application/json", files=("schedule.frab.json",)),
    Exporter("pdf", "application/pdf", files=("programme.pdf", "programme.fr.pdf")),
    # one booklet per festival when the folder holds several: booklets/<id>.pdf, <id>.fr.pdf
    Exporter("booklets", "application/pdf", folder="booklets", suffix=".pdf"),
    Exporter("csv", "text/csv; charset=utf-8", files=("programme.csv",), write=write_programme_csv),
)


def exporter(name: str) -> Exporter:
    return next(e for e in EXPORTERS if e.name == name)


def top_level_files() -> dict[str, str]:
    """file name -> content type of every fixed-name output (the web serves each at /name)."""
    return {file: e.content_type for e in EXPORTERS for file in e.files}
