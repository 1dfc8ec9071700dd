"""The outputs of a published version, listed once: name, content type, where they live.

The publisher (`engine.py`) writes them at these paths and the web (`web/files.py`,
`web/feeds.py`) serves them from these paths with these content types. Pure data: reading
it loads no publisher."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exporter:
    name: str
    content_type: str
    files: tuple[str, ...] = ()  # fixed file names at the top of the published folder
    folder: str = ""  # or: every `*<suffix>` file of this subfolder (one per feed)
    suffix: str = ""

    @property
    def url(self) -> str:
        return f"/{self.folder}/{{name}}{self.suffix}" if self.folder else f"/{self.files[0]}"


EXPORTERS: tuple[Exporter, ...] = (
    Exporter("ical", "text/calendar; charset=utf-8", folder="ical", suffix=".ics"),
    Exporter("frab-xml", "application/xml", files=("schedule.xml",)),
    Exporter("frab-json", "application/json", files=("schedule.frab.json",)),
    Exporter("pdf", "application/pdf", files=("programme.pdf", "programme.fr.pdf")),
)


def exporter(name: str) -> Exporter:
    return next(e for e in EXPORTERS if e.name == name)


def top_level_files() -> dict[str, str]:
    """file name -> content type of every fixed-name output (the web serves each at /name)."""
    return {file: e.content_type for e in EXPORTERS for file in e.files}
