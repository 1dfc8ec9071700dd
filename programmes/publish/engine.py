"""`affiche publish DIR`: every output of one published version, swapped in atomically.

Everything is built in a hidden staging folder next to the outputs (`DIR/.publish-*`),
with the version record `versions/NNNN.json` and every earlier record. Only when all of
it is built does it become the served release, in one atomic symlink switch (see
`release`): a failure, a full disk or a kill -9 at any moment leaves the previous
version complete, and the next publish removes what was left. Publishes of one folder
take turns (a file lock), so two never interleave nor take the same number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from affiche.programmes.publish import frab, ical, pdf, release
from affiche.programmes.publish.exporters import EXPORTERS, exporter
from affiche.programmes.publish.versions import (
    Changes,
    PublishedOccurrence,
    PublishedVersion,
    PublishError,
    load_latest_version,
    occurrences_from_schedule,
    public_occurrences,
    reconcile,
    version_json,
    version_numbers,
    version_path,
)
from affiche.programmes.schedule import Schedule, load_schedule, save_schedule

Progress = Callable[[str], None]
ICAL_DIR = exporter("ical").folder
BOOKLETS_DIR = exporter("booklets").folder
VERSIONS_DIR = "versions"
PDF_NAMES = dict(zip(("en", "fr"), exporter("pdf").files, strict=True))


def _silent(step: str) -> None:
    """The default progress report: none."""


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
    directory: Path,
    *,
    base_url: str | None = None,
    now: datetime | None = None,
    progress: Progress = _silent,
    schedule: Schedule | None = None,
) -> PublishResult:
    """Publish `directory/schedule.json` as the next version (feeds, PDFs, frab, record).

    With `schedule`, that schedule is published instead and becomes `schedule.json` only
    once its version is served: a publish that fails leaves the served programme as it was."""
    directory = Path(directory)
    if now is not None and now.tzinfo is None:
        raise ValueError("publish_directory: `now` must be timezone-aware")
    try:
        ical.checked_base_url(base_url)
    except ValueError as error:
        raise PublishError(str(error)) from None
    given = schedule is not None
    schedule = schedule if schedule is not None else _load(directory)
    try:
        with release.publish_lock(directory):
            result = _publish_locked(directory, schedule, base_url, now, progress)
            if given:
                save_schedule(schedule, directory)
            return result
    except OSError as error:  # read-only folder, full disk: the last version is intact
        raise PublishError(
            f"{directory}: cannot write the new version ({error.strerror or error}); "
            "the last published version is unchanged"
        ) from error


def _publish_locked(
    directory: Path,
    schedule: Schedule,
    base_url: str | None,
    now: datetime | None,
    progress: Progress,
) -> PublishResult:
    release.clean_stale(directory)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    versions_dir = directory / VERSIONS_DIR
    previous = load_latest_version(versions_dir)
    if base_url is None and previous is not None:
        base_url = previous.base_url  # chosen once, kept: feeds and frab files keep their URLs
    occurrences, changes = reconcile(occurrences_from_schedule(schedule), previous)
    number = max(version_numbers(versions_dir), default=0) + 1
    version = PublishedVersion(
        version=number, published=stamp, base_url=base_url, occurrences=occurrences
    )
    with release.staging(directory) as staging:
        warnings = build_outputs(schedule, version, staging, base_url, progress)
        release.carry_records(versions_dir, staging / VERSIONS_DIR)
        version_path(staging / VERSIONS_DIR, number).write_text(
            version_json(version), encoding="utf-8"
        )
        files = _staged_files(staging, directory, number)
        release.release(directory, staging, number)
    release.clean_stale(directory)
    return _result(number, files, changes, warnings + _schedule_warnings(schedule))


def build_outputs(
    schedule: Schedule,
    version: PublishedVersion,
    out: Path,
    base_url: str | None,
    progress: Progress = _silent,
) -> list[str]:
    """Write every output of `version` under `out`; return the warnings.

    The booklets are set by Typst on a worker thread (it releases the GIL) while the
    feeds and frab files are built here, so a second core is not left idle."""
    public = version.model_copy(update={"occurrences": public_occurrences(version.occurrences)})
    with ThreadPoolExecutor(max_workers=1) as pool:
        booklets = pool.submit(_write_booklets, schedule, public, out, progress)
        progress("feeds")
        warnings = write_feeds(schedule, version, out / ICAL_DIR, base_url)
        progress("frab exports")
        warnings += write_frab(schedule, public, out, base_url)
        for export in EXPORTERS:
            if export.write is not None:
                export.write(public, out / export.files[0])
        booklets.result()
    return warnings


def _write_booklets(
    schedule: Schedule, version: PublishedVersion, out: Path, progress: Progress
) -> None:
    """The whole programme in each language, and, when the folder holds several
    festivals, each festival's own booklet in `booklets/` (one per language)."""
    for lang, name in PDF_NAMES.items():
        progress(f"booklet {name}")
        pdf.render_programme(schedule, version.occurrences, lang, out / name)
    if len(schedule.festivals) < 2:
        return
    folder = out / BOOKLETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for festival in schedule.festivals:
        own = [o for o in version.occurrences if o.festival == festival.id]
        if not own:
            continue
        alone = schedule.model_copy(update={"festivals": [festival]})
        for lang in PDF_NAMES:
            name = festival_booklet(festival.id, lang)
            progress(f"booklet {BOOKLETS_DIR}/{name}")
            pdf.render_programme(alone, own, lang, folder / name)


def festival_booklet(festival_id: str, lang: str) -> str:
    """`<id>.pdf` in English, `<id>.fr.pdf` in French (as the feeds are named)."""
    suffix = ".pdf" if lang == "en" else f".{lang}.pdf"
    return f"{ical.safe_id(festival_id)}{suffix}"


def write_feeds(
    schedule: Schedule, version: PublishedVersion, out: Path, base_url: str | None
) -> list[str]:
    """Every iCal feed, in every language, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    names = {f.id: f.name for f in schedule.festivals}
    artist_zones = {a.id: a.timezone for a in schedule.artists if a.timezone}
    warnings = []
    for feed in ical.collect_feeds(version.occurrences, names):
        if feed.kind == "artist" and feed.id in artist_zones:
            feed = replace(feed, timezone=artist_zones[feed.id])
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


def _staged_files(staging: Path, directory: Path, number: int) -> list[Path]:
    """This version's files at their documented paths, the version record last."""
    staged = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    written = [directory / p for p in staged if p.parts[0] != VERSIONS_DIR]
    return [*written, version_path(directory / VERSIONS_DIR, number)]


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
