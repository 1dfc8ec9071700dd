"""Publishers of a solved programme: iCal feeds, printable programme, frab exports.

`publish_directory(DIR)` reads `DIR/schedule.json` and writes one new published version:

- `DIR/ical/festival-<id>.ics`, `artist-<id>.ics`, `venue-<id>.ics` (English) and the
  same names with `.fr.ics` (French);
- `DIR/programme.pdf` (English) and `DIR/programme.fr.pdf` (French);
- `DIR/schedule-<festival>.xml` and `DIR/schedule-<festival>.frab.json` per festival,
  with `DIR/schedule.xml` and `DIR/schedule.frab.json` for the first festival;
- `DIR/programme.csv`, one row per public occurrence;
- `DIR/versions/NNNN.json`, the record later versions compare against.

Each of these paths is a symlink into the served release folder (`release`), switched in
one atomic step per version.
"""

from typing import Any

from affiche.programmes.publish.versions import PublishError

__all__ = ["PublishError", "PublishResult", "publish_directory"]


def __getattr__(name: str) -> Any:
    """The publishers (Typst, icalendar) load on first use, so that reading
    the published versions (every re-plan does) stays cheap."""
    if name in ("PublishResult", "publish_directory"):
        from affiche.programmes.publish import engine

        return getattr(engine, name)
    raise AttributeError(name)
