"""`affiche publish DIR`: every output of one published version, swapped in atomically.

Everything is built in a hidden staging folder next to the outputs (`DIR/.publish-*`).
Only when all of it is built are the files moved into place with `os.replace`, one file
at a time (each feed is replaced, never missing), and the version record
`versions/NNNN.json` goes last: it is the commit mark. A failure while building leaves
the previous version's files and record untouched and removes the staging folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from affiche.programmes.publish import frab, ical, pdf
from affiche.programmes.publish.exporters import exporter
from affiche.programmes.publish.versions import (
    Changes,
    PublishedOccurrence,
    PublishedVersion,
    PublishError,
    load_latest_version,
    occurrences_from_schedule,
    reconcile,
    version_json,
    version_numbers,
    version_path,
)
from affiche.programmes.schedule import Schedule, load_schedule

ICAL_DIR = exporter("ical").folder
VERSIONS_DIR = "versions"
PDF_NAMES = dict(zip(("en", "fr"), exporter("pdf").files, strict=True))


@dataclass(frozen=True)
class PublishResult:
    """What one publish did."""

    version: int
    paths: list[Path]
    new: int
    changed: int
    cancelled: int
    warnings: list[str] = field(default_factory=list)


def publish_directory(
    directory: Path, *, base_url: str | None = None, now: datetime | None = None
) -> PublishResult:
    """Publish `directory/schedule.json` as the next version (feeds, PDFs, frab, record)."""
    directory = Path(directory)
    if now is not None and now.tzinfo is None:
        raise ValueError("publish_directory: `now` must be timezone-aware")
    schedule = _load(directory)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    versions_dir = directory / VERSIONS_DIR
    previous = load_latest_version(versions_dir)
    occurrences, changes = reconcile(occurrences_from_schedule(schedule), previous)
    number = max(version_numbers(versions_dir), default=0) + 1
    version = PublishedVersion(
        version=number, published=stamp, base_url=base_url, occurrences=occurrences
    )
    with _staging(directory) as staging:
        warnings = build_outputs(schedule, version, staging, base_url)
        record = version_path(staging / VERSIONS_DIR, number)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(version_json(version), encoding="utf-8")
        paths = _swap_into(staging, directory)
    return _result(number, paths, changes, warnings + _schedule_warnings(schedule))


def build_outputs(
    schedule: Schedule, version: PublishedVersion, out: Path, base_url: str | None
) -> list[str]:
    """Write every output of `version` under `out`; return the warnings."""
    warnings = write_feeds(schedule, version, out / ICAL_DIR, base_url)
    warnings += write_frab(schedule, version, out, base_url)
    for lang, name in PDF_NAMES.items():
        pdf.render_programme(schedule, version.occurrences, lang, out / name)
    return warnings


def write_feeds(
    schedule: Schedule, version: PublishedVersion, out: Path, base_url: str | None
) -> list[str]:
    """Every iCal feed, in every language, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    names = {f.id: f.name for f in schedule.festivals}
    warnings = []
    for feed in ical.collect_feeds(version.occurrences, names):
        for lang in ical.LANGUAGES:
            cal = ical.build_calendar(feed, lang, version.published, base_url)
            missing = ical.missing_timezones(cal)
            if missing:
                name = feed.filename(lang)
                warnings.append(f"ical: no VTIMEZONE for {sorted(missing)} in {name}")
            (out / feed.filename(lang)).write_bytes(ical.serialize_calendar(cal))
    return warnings


def frab_version(version: PublishedVersion) -> str:
    return f"{version.version} ({version.published:%Y-%m-%d %H:%M} UTC)"


def write_frab(
    schedule: Schedule, version: PublishedVersion, out: Path, base_url: str | None
) -> list[str]:
    """`schedule-<festival>.xml/.frab.json` per festival; the first also as `schedule.*`."""
    venue_order = [v.id for v in schedule.venues]
    label = frab_version(version)
    for n, festival in enumerate(schedule.festivals):
        days = frab.frab_days(festival, version.occurrences, venue_order)
        xml = frab.build_frab_xml(festival, days, label, base_url)
        payload = (
            json.dumps(
                frab.build_frab_json(festival, days, label, base_url), ensure_ascii=False, indent=2
            )
            + "\n"
        )
        stems = [f"schedule-{ical.safe_id(festival.id)}"] + (["schedule"] if n == 0 else [])
        for stem in stems:
            (out / f"{stem}.xml").write_bytes(xml)
            (out / f"{stem}.frab.json").write_text(payload, encoding="utf-8")
    return frab.frab_warnings(version.occurrences)


@contextmanager
def _staging(directory: Path) -> Iterator[Path]:
    """A hidden sibling folder for the new version, always removed afterwards."""
    staging = Path(tempfile.mkdtemp(prefix=".publish-", dir=directory))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_into(staging: Path, directory: Path) -> list[Path]:
    """Move every staged file into `directory` (os.replace), the version record last."""
    staged = sorted(p for p in staging.rglob("*") if p.is_file())
    staged.sort(key=lambda p: p.relative_to(staging).parts[0] == VERSIONS_DIR)
    moved = []
    for source in staged:
        target = directory / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        moved.append(target)
    return moved


def _load(directory: Path) -> Schedule:
    """The schedule to publish; a missing or invalid file is a PublishError."""
    try:
        return load_schedule(directory)
    except FileNotFoundError as error:
        raise PublishError(f"{directory / 'schedule.json'}: not found (run solve first)") from error
    except ValueError as error:
        raise PublishError(
            f"{directory / 'schedule.json'}: not a valid schedule: {error}"
        ) from error


def _schedule_warnings(schedule: Schedule) -> list[str]:
    return [f"unplaced: {u.uid} ({u.reason})" for u in schedule.unplaced]


def _result(number: int, paths: list[Path], changes: Changes, warnings: list[str]) -> PublishResult:
    return PublishResult(
        version=number,
        paths=paths,
        new=changes.new,
        changed=changes.changed,
        cancelled=changes.cancelled,
        warnings=warnings,
    )


__all__ = ["PublishError", "PublishResult", "PublishedOccurrence", "publish_directory"]
