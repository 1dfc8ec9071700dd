"""What the fuzzers share: seed documents of each format, and the one property they check.

The property: loading any input gives a valid spec or a located `SpecError` (every issue
names its file), never any other exception. `tests/test_fuzz.py` checks it over bounded
hypothesis examples in `make test`; `scripts/fuzz.py` (`make fuzz`) runs it longer,
coverage-guided with atheris when it is installed. Inputs that once broke it are kept in
`tests/fixtures/crashers/` and replayed by the test suite.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from affiche.programmes.errors import SpecError
from affiche.programmes.loader import load_specs

CRASHERS = Path(__file__).parent / "fixtures" / "crashers"

SEED_SPEC: dict[str, Any] = {
    "festivals": [
        {
            "id": "f",
            "name": "F",
            "timezone": "Europe/Paris",
            "start": "2026-06-12",
            "end": "2026-06-13",
            "latitude": 48.8,
            "longitude": 2.3,
            "venues": [
                {"id": "v", "name": "V", "capacity": 100, "features": ["sound"],
                 "hours": {"opens": "10:00", "closes": "23:00"},
                 "closures": [{"start": "2026-06-12 12:00", "end": "2026-06-12 13:00"}]},
                {"id": "w", "name": "W", "walking_minutes": {"v": 5}},
            ],
            "items": [
                {"id": "a", "kind": "concert", "title": {"en": "A", "fr": "A"},
                 "duration": 60, "artists": ["x"], "requires": ["sound"],
                 "windows": [{"start": "2026-06-12 18:00", "end": "2026-06-12 23:00"}],
                 "pins": [{"venue": "v"}], "after_dark": True},
                {"id": "b", "kind": "talk", "title": "B", "duration": 30, "after": ["a"],
                 "days": ["2026-06-13"], "preferred_hours": [{"opens": "14:00",
                                                              "closes": "18:00"}]},
                {"id": "i", "kind": "installation", "title": "I"},
            ],
        }
    ],
    "artists": [
        {"id": "x", "name": "X", "timezone": "Asia/Tokyo",
         "availability": [{"start": "2026-06-12 10:00", "end": "2026-06-13 23:00"}]}
    ],
    "solver": {"grain_minutes": 5, "weights": {"unplaced": 1000}},
}

SEED_FRAB_JSON: dict[str, Any] = {
    "schedule": {
        "version": "1",
        "conference": {
            "acronym": "conf", "title": "Conf", "start": "2026-01-10", "end": "2026-01-11",
            "time_zone_name": "Europe/Brussels",
            "days": [
                {"index": 1, "date": "2026-01-10", "day_start": "2026-01-10T09:00:00+01:00",
                 "rooms": {"A": [
                     {"id": 1, "guid": "g-1", "title": "Talk", "start": "10:00",
                      "duration": "01:00", "date": "2026-01-10T10:00:00+01:00", "type": "talk",
                      "track": "T", "abstract": "About", "language": "en",
                      "persons": [{"id": 7, "public_name": "Ann"}]},
                 ], "B": [
                     {"id": 2, "guid": "g-2", "title": "Film", "start": "11:00",
                      "duration": "00:30", "date": "2026-01-10T11:00:00+01:00",
                      "type": "screening", "persons": [{"id": 8, "public_name": "Bo"}]},
                 ]}},
            ],
        },
    }
}

SEED_FRAB_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>1</version>
  <conference>
    <acronym>conf</acronym><title>Conf</title>
    <start>2026-01-10</start><end>2026-01-11</end>
    <time_zone_name>Europe/Brussels</time_zone_name>
  </conference>
  <day index="1" date="2026-01-10" start="2026-01-10T09:00:00+01:00">
    <room name="A">
      <event guid="g-1" id="1">
        <date>2026-01-10T10:00:00+01:00</date><start>10:00</start><duration>01:00</duration>
        <room>A</room><title>Talk</title><track>T</track><type>talk</type>
        <language>en</language><abstract>About</abstract>
        <persons><person id="7">Ann</person></persons>
      </event>
    </room>
  </day>
</schedule>
"""

SEED_SHEETS: dict[str, list[list[str]]] = {
    "festival": [["field", "value"], ["id", "fest"], ["name", "Fest"],
                 ["timezone", "Europe/Paris"], ["start", "2026-06-12"], ["end", "2026-06-13"]],
    "venues": [["id", "name", "capacity", "features", "opens", "closes"],
               ["hall", "Hall", "200", "stage; sound", "14:00", "01:00"]],
    "artists": [["id", "name"], ["ana", "Ana"]],
    "items": [["id", "kind", "title", "duration", "artists", "windows"],
              ["talk", "talk", "Talk", "60", "ana", "2026-06-12 18:00 to 2026-06-12 22:00"]],
    "availability": [["artist", "start", "end"], ["ana", "2026-06-12 12:00", "2026-06-13 23:00"]],
}


def check_paths(paths: list[Path]) -> str:
    """'valid' or 'located'; anything else propagates (the fuzzers report it)."""
    try:
        load_specs(paths, keep_times=True)
    except SpecError as error:
        assert error.issues, "a SpecError without issues"
        assert all(issue.file for issue in error.issues), "an issue without its file"
        return "located"
    return "valid"


def check_bytes(data: bytes, suffix: str) -> str:
    """Write `data` as one file named `spec<suffix>` and check it."""
    with tempfile.TemporaryDirectory(prefix="affiche-fuzz-") as folder:
        path = Path(folder) / f"spec{suffix}"
        path.write_bytes(data)
        return check_paths([path])


def check_sheets(sheets: dict[str, list[list[str]]]) -> str:
    """Write `sheets` as a CSV folder and check it."""
    import csv

    with tempfile.TemporaryDirectory(prefix="affiche-fuzz-") as folder:
        base = Path(folder) / "book"
        base.mkdir()
        for name, rows in sheets.items():
            with open(base / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(rows)
        return check_paths([base])


def json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=True).encode("utf-8", "replace")
