"""The programme as one CSV table (`programme.csv`), for producers' spreadsheets and mail
merges: one row per public occurrence, in start order."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from affiche.programmes.publish.versions import PublishedVersion

COLUMNS = (
    "uid", "festival", "item", "occurrence", "title", "title_fr", "kind", "track", "venue",
    "venue_name", "start", "end", "day", "artists", "status",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def cell(value: object) -> str:
    """`value` as text a spreadsheet shows as written: a leading formula sign is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_programme_csv(version: PublishedVersion, path: Path) -> None:
    """Every occurrence of `version` (already without the private ones) as a CSV row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for occ in sorted(version.occurrences, key=lambda o: (o.start, o.uid)):
        row = (
            occ.uid, occ.festival, occ.item, occ.occurrence, occ.title.en, occ.title.fr,
            occ.kind, occ.track, occ.venue, occ.venue_name, occ.start.isoformat(),
            occ.end.isoformat(), occ.day.isoformat(), "; ".join(occ.artist_names), occ.status,
        )
        writer.writerow([cell(value) for value in row])
    path.write_text(buffer.getvalue(), encoding="utf-8")
