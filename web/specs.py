"""Specs kept as text in the store: checking an upload, loading a set, applying pins."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.loader import LoadedSpec, load_specs
from affiche.programmes.model import Pin, Spec
from affiche.web.errors import BadSpec

SUFFIX = {"yaml": ".yaml", "frab-xml": ".xml", "frab-json": ".json"}


@dataclass(frozen=True)
class SpecText:
    name: str
    format: str
    content: str

    @property
    def filename(self) -> str:
        return self.name + SUFFIX[self.format]


@dataclass(frozen=True)
class PinSpec:
    """A stored pin: one occurrence held at a venue and/or a start (local wall clock)."""

    uid: str
    festival: str
    item: str
    occurrence: int
    venue: str | None
    start: datetime | None


def guess_format(content: str) -> str:
    head = content.lstrip("\ufeff \t\r\n")[:1]
    return {"<": "frab-xml", "{": "frab-json"}.get(head, "yaml")


@contextmanager
def spec_files(specs: Iterable[SpecText]) -> Iterator[list[Path]]:
    """The specs written to a private temporary folder, named after the spec."""
    with tempfile.TemporaryDirectory(prefix="affiche-spec-") as folder:
        paths = []
        for spec in specs:
            path = Path(folder) / spec.filename
            path.write_text(spec.content, encoding="utf-8")
            paths.append(path)
        yield paths


def issue_payload(issue: SpecIssue, folder_names: dict[str, str]) -> dict[str, object]:
    issue = dataclasses.replace(issue, file=folder_names.get(issue.file, Path(issue.file).name))
    return {
        "file": issue.file,
        "line": issue.line,
        "field": issue.field,
        "message": issue.message,
        "text": str(issue),
    }


def load_texts(specs: list[SpecText], keep_times: bool = False) -> LoadedSpec:
    """Load stored specs; a SpecError becomes BadSpec with the loader's messages."""
    with spec_files(specs) as paths:
        names = {str(path): path.name for path in paths}
        try:
            return load_specs(paths, keep_times=keep_times)
        except SpecError as error:
            raise BadSpec([issue_payload(i, names) for i in error.issues]) from None


def check_upload(name: str, content: str, fmt: str | None) -> tuple[str, list[str]]:
    """The format and the festival ids of a valid upload; BadSpec otherwise."""
    fmt = fmt or guess_format(content)
    loaded = load_texts([SpecText(name, fmt, content)])
    return fmt, [festival.id for festival in loaded.spec.festivals]


def apply_pins(spec: Spec, pins: list[PinSpec]) -> tuple[Spec, list[str]]:
    """`spec` with each stored pin added to its item (replacing that occurrence's pins).

    Pins whose festival, item, occurrence or venue no longer exist are skipped with a
    warning, so that a changed spec never fails because of an old pin.
    """
    by_item: dict[tuple[str, str], list[PinSpec]] = {}
    for pin in pins:
        by_item.setdefault((pin.festival, pin.item), []).append(pin)
    warnings: list[str] = []
    festivals = []
    used: set[tuple[str, str]] = set()
    for festival in spec.festivals:
        venue_ids = {v.id for v in festival.venues}
        items = []
        for item in festival.items:
            wanted = by_item.get((festival.id, item.id), [])
            if wanted:
                used.add((festival.id, item.id))
                item = _pinned_item(item, wanted, venue_ids, warnings)
            items.append(item)
        festivals.append(festival.model_copy(update={"items": items}))
    for key, unused in by_item.items():
        if key not in used:
            warnings += [
                f"pin {p.uid} ignored: no item {p.item!r} in {p.festival!r}" for p in unused
            ]
    return spec.model_copy(update={"festivals": festivals}), warnings


def _pinned_item(item, pins: list[PinSpec], venue_ids: set[str], warnings: list[str]):  # type: ignore[no-untyped-def]
    kept = [p for p in item.pins if p.occurrence not in {pin.occurrence for pin in pins}]
    for pin in pins:
        if pin.occurrence > item.occurrences:
            warnings.append(f"pin {pin.uid} ignored: {item.id} has {item.occurrences} occurrences")
            continue
        venue = pin.venue
        if venue is not None and venue not in venue_ids:
            warnings.append(f"pin {pin.uid}: venue {venue!r} no longer exists, venue not pinned")
            venue = None
        if venue is None and pin.start is None:
            continue
        kept.append(Pin(occurrence=pin.occurrence, venue=venue, start=pin.start))
    return item.model_copy(update={"pins": kept})
