"""Specs kept in spreadsheets: an XLSX workbook, or a folder of CSV files, one per sheet.

One workbook describes one festival (merge several on the command line, as with YAML):

- `festival` (key / value rows: column A the field, column B its value; further columns
  are free for notes; an optional first row `field | value`): id, name, city, country,
  timezone, start, end, opens, closes, day_start_hour, latitude, longitude,
  default_walking_minutes, base_url, description (or description_en / description_fr),
  features;
- `venues`, `artists`, `items`: one row per venue, artist, item under a header row whose
  columns are the YAML fields of docs/spec-format.md, with these differences:
  `opens` / `closes` for `hours`; `title_en` / `title_fr` (or `title` for both languages),
  likewise `description`; `pin_venue` / `pin_start` / `pin_day` pin the first occurrence;
- `availability`: one row per window, columns `artist`, `start`, `end`;
- `solver` (optional, key / value): grain_minutes, default_travel_minutes and the weights
  (preferred_venue, preferred_hours, audience_clash per minute of overlap, hotel_nights,
  repeat_same_day, moved, unplaced, prime_time).

Cells: list cells (`artists`, `requires`, `tags`, `days`, ...) are separated by `;` or `,`;
`preferred_hours` as `21:00-23:59; 14:00-18:00`; `windows`, `open`, `closures` as
`2026-06-13 18:00 to 2026-06-13 22:00; ...`; `walking_minutes` as `quai=6; halle=4`.
A venue's `prime` is one window, `20:00-23:30`; an artist's `arrive` / `depart` a date or a
date and time; an item's `headliner` true / false or `must`; the festival's `features`
a list (its own feature names).
Booleans: true / false, yes / no, 1 / 0 or x. Excel date, time and date-time cells are read
as such (a time cell is `HH:MM`); durations stay minutes (a time cell there is refused,
as `1:30` is in YAML). Empty rows are skipped; a column headed `notes` is ignored; sheets
called `notes` or `readme` are ignored. Not available here (use YAML): `hours_by_day`,
per-item pins other than the first occurrence's, `solver.travel`, `prime_by_day`,
`running_orders`.

A single `.csv` file is not a spec (it cannot hold the festival's dates and venues): give
the folder that holds `festival.csv`, `venues.csv`, ... CSV files may be separated by `,`,
`;` (French Excel) or tabs, UTF-8 with or without BOM.

Every problem is a `SpecIssue` naming the sheet (`book.xlsx[items]`, or the CSV file),
the row as the spreadsheet shows it (the header is row 1) and the column header (for the
key / value sheets, the key); the messages are those of the YAML loader.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from affiche.programmes.errors import (
    SpecError,
    SpecIssue,
    check_size,
    clean_loc,
    describe_error,
    field_path,
)
from affiche.programmes.model import Artist, Festival, Item, SolverSettings, Spec
from affiche.programmes.validate import check_references
from affiche.venues.model import Venue

Loc = tuple[int | str, ...]
RawSheet = list[tuple[int, list[Any]]]

TABLE_SHEETS = ("venues", "artists", "items", "availability")
PAIR_SHEETS = ("festival", "solver")
IGNORED_SHEETS = {"notes", "note", "readme", "read_me"}
NOTE_COLUMNS = {"notes", "note", "comment", "comments"}
SUFFIXES = {".xlsx", ".xlsm", ".csv"}

FESTIVAL_KEYS = {
    "id": "str", "name": "str", "city": "str", "country": "str", "timezone": "str",
    "start": "date", "end": "date", "opens": "time", "closes": "time",
    "day_start_hour": "int", "latitude": "num", "longitude": "num",
    "default_walking_minutes": "int", "base_url": "str",
    "description": "str", "description_en": "str", "description_fr": "str",
    "features": "list",
}  # fmt: skip
WEIGHTS = (
    "preferred_venue", "preferred_hours", "audience_clash", "hotel_nights",
    "repeat_same_day", "moved", "unplaced", "prime_time",
)  # fmt: skip
SOLVER_KEYS = {"grain_minutes": "int", "default_travel_minutes": "int"} | {
    name: "int" for name in WEIGHTS
}
VENUE_COLUMNS = {
    "id": "str", "name": "str", "name_fr": "str", "capacity": "int", "features": "enums",
    "outdoor": "bool", "opens": "time", "closes": "time", "open": "windows",
    "closures": "windows", "changeover_minutes": "int", "sound_curfew": "time",
    "installation_slots": "int", "address": "str", "latitude": "num", "longitude": "num",
    "walking_minutes": "walking", "prime": "hour_range",
}  # fmt: skip
ARTIST_COLUMNS = {
    "id": "str", "name": "str", "home_city": "str", "timezone": "str",
    "may_double_book": "bool", "max_per_day": "int", "min_rest_minutes": "int",
    "arrive": "moment", "depart": "moment",
}  # fmt: skip
AVAILABILITY_COLUMNS = {"artist": "str", "start": "datetime", "end": "datetime"}
ITEM_COLUMNS = {
    "id": "str", "kind": "enum", "title": "str", "title_en": "str", "title_fr": "str",
    "description": "str", "description_en": "str", "description_fr": "str",
    "duration": "int", "occurrences": "int", "artists": "list", "requires": "enums",
    "audience": "int", "venues": "list", "preferred_venues": "list", "windows": "windows",
    "days": "dates", "preferred_hours": "hours", "after_dark": "bool", "loud": "bool",
    "after": "list", "same_day_as": "list", "not_same_day_as": "list", "tags": "list",
    "pin_venue": "str", "pin_start": "datetime", "pin_day": "date", "priority": "int",
    "headliner": "bool", "track": "str", "language": "str", "before_dark": "bool",
    "at_sunrise": "bool",
}  # fmt: skip
COLUMNS: dict[str, Mapping[str, str]] = {
    "festival": FESTIVAL_KEYS, "solver": SOLVER_KEYS, "venues": VENUE_COLUMNS,
    "artists": ARTIST_COLUMNS, "items": ITEM_COLUMNS, "availability": AVAILABILITY_COLUMNS,
}  # fmt: skip
# Columns that do not map one to one onto a field of the same name.
COMPOUND = {
    "opens", "closes", "title", "title_en", "title_fr", "description", "description_en",
    "description_fr", "pin_venue", "pin_start", "pin_day",
}  # fmt: skip


class CellProblem(ValueError):
    """A cell whose text cannot be read (a malformed range, a number where a time goes)."""


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Entry:
    """One non-empty cell: its value, its row (1-based, header included), its header."""

    value: Any
    row: int
    label: str


@dataclass
class Record:
    """One row of a table sheet, or the whole of a key / value sheet."""

    row: int
    entries: dict[str, Entry]


@dataclass
class Sheet:
    name: str
    file: str
    records: list[Record]


def looks_like_spreadsheet(path: Path) -> bool:
    """An .xlsx / .csv file, or a folder holding CSV sheets (`festival.csv`, ...)."""
    path = Path(path)
    if path.is_dir():
        return any(_sheet_name(child.stem) in COLUMNS for child in path.glob("*.csv"))
    return path.suffix.lower() in SUFFIXES


def _sheet_name(title: str) -> str:
    return re.sub(r"[\s-]+", "_", title.strip().lower())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


MAX_ROWS = 100_000  # rows a sheet may have (items, artists, windows), empty ones included
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # the workbook's parts, as its zip declares them
MAX_PACKING_RATIO = 200  # a zip bomb unpacks to thousands of times its size


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose zip declares parts too large or too compressed to be a spec,
    before anything unpacks it (the declared sizes are what the unpacking may produce)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the workbook: {error}")]) from None
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_PACKING_RATIO * packed + 10_000_000:
        message = (
            f"the workbook unpacks to {unpacked:,} bytes from {packed:,}: too large for a "
            "spec (a zip bomb?)"
        )
        raise SpecError([SpecIssue(str(path), "", message)])


def _check_dimensions(file: str, sheet: Any) -> None:
    """Refuse a sheet that reaches too far (one cell at row 1,048,576 makes a million rows)
    before its rows are read; a sheet without a recorded size is bounded while reading."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        message = (
            f"the sheet reaches row {rows:,}, column {columns:,}; a spec sheet has at most "
            f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns (clear the stray cells)"
        )
        raise SpecError([SpecIssue(file, "", message)])


def _bounded_rows(file: str, rows: Iterable[Iterable[Any]]) -> RawSheet:
    found: RawSheet = []
    for number, values in enumerate(rows, 1):
        if number > MAX_ROWS:
            message = f"more than {MAX_ROWS:,} rows: too many for a spec sheet"
            raise SpecError([SpecIssue(file, "", message, number)])
        cells = list(values)
        if len(cells) > MAX_COLUMNS:
            cells = cells[:MAX_COLUMNS] if all(_empty(v) for v in cells[MAX_COLUMNS:]) else cells
        if len(cells) > MAX_COLUMNS:
            message = f"more than {MAX_COLUMNS} columns: too many for a spec sheet"
            raise SpecError([SpecIssue(file, "", message, number)])
        found.append((number, cells))
    return found


def _read_workbook(path: Path) -> dict[str, tuple[str, RawSheet]]:
    import openpyxl

    check_size(path)
    _check_zip(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as error:  # zip, XML or format errors: all mean "not a workbook"
        raise SpecError([SpecIssue(str(path), "", f"cannot read the workbook: {error}")]) from None
    sheets = {}
    try:
        for sheet in book.worksheets:
            file = f"{path}[{sheet.title}]"
            _check_dimensions(file, sheet)
            sheets[sheet.title] = (file, _bounded_rows(file, sheet.iter_rows(values_only=True)))
    except SpecError:
        raise
    except Exception as error:  # a broken sheet part inside a well-formed zip
        raise SpecError([SpecIssue(str(path), "", f"cannot read the workbook: {error}")]) from None
    finally:
        book.close()
    return sheets


def _read_csv(path: Path) -> RawSheet:
    check_size(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the file: {error}")]) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _bounded_rows(str(path), reader)
    except csv.Error as error:  # a field over the csv module's limit, a NUL byte
        raise SpecError([SpecIssue(str(path), "", f"not a readable CSV: {error}",
                                   reader.line_num)]) from None


def _read_folder(path: Path) -> dict[str, tuple[str, RawSheet]]:
    return {child.stem: (str(child), _read_csv(child)) for child in sorted(path.glob("*.csv"))}


def _read_sheets(path: Path) -> tuple[dict[str, tuple[str, RawSheet]], list[SpecIssue]]:
    if path.is_dir():
        raw = _read_folder(path)
    elif not path.is_file():
        raise SpecError([SpecIssue(str(path), "", "no such file")])
    elif path.suffix.lower() == ".csv":
        message = (
            "a single CSV file is not a spec: give the folder holding festival.csv, "
            "venues.csv, artists.csv, items.csv and availability.csv"
        )
        raise SpecError([SpecIssue(str(path), "", message)])
    else:
        raw = _read_workbook(path)
    sheets: dict[str, tuple[str, RawSheet]] = {}
    issues = []
    for title, (file, rows) in raw.items():
        name = _sheet_name(title)
        if name in COLUMNS:
            sheets[name] = (file, rows)
        elif name not in IGNORED_SHEETS:
            known = ", ".join(COLUMNS)
            issues.append(SpecIssue(file, "", f"unknown sheet {title!r} (known: {known})"))
    for name in ("festival", "venues"):
        if name not in sheets:
            issues.append(SpecIssue(str(path), "", f"the {name!r} sheet is missing"))
    return sheets, issues


def _table(name: str, file: str, rows: RawSheet) -> tuple[Sheet, list[SpecIssue]]:
    """A header row (the first non-empty one), then one record per non-empty row."""
    rows = [(n, values) for n, values in rows if not all(_empty(v) for v in values)]
    if not rows:
        return Sheet(name, file, []), []
    (header_row, header), *body = rows
    columns, issues = _header(name, file, header_row, header)
    records = []
    for number, values in body:
        entries = {
            key: Entry(values[index], number, label)
            for index, (key, label) in columns.items()
            if index < len(values) and not _empty(values[index])
        }
        stray = [
            i for i, v in enumerate(values)
            if not _empty(v) and (i >= len(header) or _empty(header[i]))
        ]
        for index in stray:
            message = f"a value in column {_column_letter(index)}, which has no header"
            issues.append(SpecIssue(file, _column_letter(index), message, number))
        if entries:
            records.append(Record(number, entries))
    return Sheet(name, file, records), issues


def _header(
    name: str, file: str, row: int, header: list[Any]
) -> tuple[dict[int, tuple[str, str]], list[SpecIssue]]:
    known = COLUMNS[name]
    columns: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    issues = []
    for index, cell in enumerate(header):
        if _empty(cell):
            continue
        label = str(cell).strip()
        key = _sheet_name(label)
        where = f"{_column_letter(index)}{row}"
        if key in NOTE_COLUMNS:
            continue
        if key not in known:
            message = f"unknown column {label!r} (cell {where}); known: {', '.join(known)}"
            issues.append(SpecIssue(file, label, message, row))
        elif key in seen:
            issues.append(SpecIssue(file, label, f"column given twice (cell {where})", row))
        else:
            seen.add(key)
            columns[index] = (key, label)
    return columns, issues


def _pairs(name: str, file: str, rows: RawSheet) -> tuple[Sheet, list[SpecIssue]]:
    """Key / value rows: column A the key, column B the value (row 1 may be a header)."""
    known = COLUMNS[name]
    entries: dict[str, Entry] = {}
    issues = []
    for number, values in rows:
        if not values or _empty(values[0]):
            continue
        label = str(values[0]).strip()
        key = _sheet_name(label)
        value = values[1] if len(values) > 1 else None
        if key in ("field", "key") and number == _first_row(rows):
            continue
        if key not in known:
            message = f"unknown field {label!r}; known: {', '.join(known)}"
            issues.append(SpecIssue(file, label, message, number))
        elif key in entries:
            issues.append(SpecIssue(file, label, "this key is given twice", number))
        elif not _empty(value):
            entries[key] = Entry(value, number, label)
    first = min((e.row for e in entries.values()), default=1)
    return Sheet(name, file, [Record(first, entries)]), issues


def _first_row(rows: RawSheet) -> int:
    return next((n for n, values in rows if not all(_empty(v) for v in values)), 1)


# ------------------------------------------------------------------------- cell values


def _minute(moment: datetime) -> datetime:
    return (moment + timedelta(seconds=30)).replace(second=0, microsecond=0)


def _clock_text(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{_minute(value):%H:%M}"
    if isinstance(value, time):
        return f"{_minute(datetime.combine(date(2000, 1, 1), value)):%H:%M}"
    if isinstance(value, int | float):
        raise CellProblem(f"write a clock time as HH:MM (got {value!r})")
    text = str(value).strip()
    return f"0{text}" if re.fullmatch(r"\d:\d\d", text) else text


def _date_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _plain(value)


def _datetime_text(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{_minute(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value.isoformat()} 00:00"
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return _clock_text(value)
    return str(value).strip()


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, time | timedelta):  # a duration typed as 1:30: refused, as in YAML
        return _plain(value) if isinstance(value, time) else str(value)
    if isinstance(value, str):
        text = value.strip()
        return text.replace(",", ".") if re.fullmatch(r"-?\d+,\d+", text) else text
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text == "x" else text
    return value


def _split(value: Any) -> list[str]:
    if isinstance(value, datetime | date):
        return [_date_text(value)]
    return [part.strip() for part in re.split(r"[;,\n]", _plain(value)) if part.strip()]


def _hours_list(value: Any) -> list[dict[str, str]]:
    hours = []
    for part in _split(value):
        found = re.fullmatch(r"(\d{1,2}:\d\d)\s*(?:-|–|—|to)\s*(\d{1,2}:\d\d)", part)
        if not found:
            raise CellProblem(f"write hours as HH:MM-HH:MM, separated by ';' (got {part!r})")
        hours.append({"opens": _clock_text(found[1]), "closes": _clock_text(found[2])})
    return hours


def _hour_range(value: Any) -> dict[str, str]:
    """One daily window, 20:00-23:30 (a venue's prime time)."""
    hours = _hours_list(value)
    if len(hours) != 1:
        raise CellProblem(f"write one window as HH:MM-HH:MM (got {_plain(value)!r})")
    return hours[0]


def _moment(value: Any) -> str:
    """A date (arrives at the start of that programme day) or a date and time."""
    if isinstance(value, datetime) and (value.hour, value.minute) == (0, 0):
        return value.date().isoformat()
    return _datetime_text(value) if isinstance(value, datetime) else _date_text(value)


def _windows(value: Any) -> list[dict[str, str]]:
    windows = []
    for part in re.split(r"[;\n]", _plain(value)):
        if not part.strip():
            continue
        found = re.fullmatch(r"\s*(.+?)\s+(?:to|-|–|—|→)\s+(.+?)\s*", part) or re.fullmatch(
            r"\s*(.+?)\s*/\s*(.+?)\s*", part
        )
        if not found:
            message = f"write windows as 'YYYY-MM-DD HH:MM to YYYY-MM-DD HH:MM' (got {part!r})"
            raise CellProblem(message)
        windows.append({"start": found[1], "end": found[2]})
    return windows


def _walking(value: Any) -> dict[str, str]:
    minutes = {}
    for part in _split(value):
        found = re.fullmatch(r"(\S+?)\s*[=:]\s*(\S+)", part)
        if not found:
            raise CellProblem(f"write walking times as 'venue=minutes; ...' (got {part!r})")
        minutes[found[1]] = found[2]
    return minutes


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": _plain,
    "enum": lambda v: _plain(v).lower(),
    "int": _number,
    "num": _number,
    "bool": _boolean,
    "date": _date_text,
    "time": _clock_text,
    "datetime": _datetime_text,
    "list": _split,
    "enums": lambda v: [part.lower() for part in _split(v)],
    "dates": lambda v: [_date_text(part) for part in _split(v)],
    "hours": _hours_list,
    "windows": _windows,
    "walking": _walking,
    "hour_range": _hour_range,
    "moment": _moment,
}


# ------------------------------------------------------------------------ the spec dict


@dataclass(frozen=True)
class Place:
    """Where a value of the spec came from."""

    file: str
    row: int
    column: str | None = None


@dataclass
class SheetMap:
    """Spec field paths -> sheet, row and column; `issue` has the loader's SourceMap shape,
    so a `LoadedSpec` can point back into the workbook."""

    file: str
    places: dict[Loc, Place] = field(default_factory=dict)

    def issue(self, loc: Loc, message: str) -> SpecIssue:
        for end in range(len(loc), 0, -1):
            place = self.places.get(loc[:end])
            if place is not None:
                rest = [str(part) for part in loc[end:] if isinstance(part, str)]
                column = place.column or (rest[0] if rest else "")
                return SpecIssue(place.file, column, message, place.row)
        return SpecIssue(self.file, field_path(loc), message)


class _Builder:
    """Turns sheets into the dict a YAML spec would hold, remembering where each value is."""

    def __init__(self, book: str) -> None:
        self.map = SheetMap(book)
        self.issues: list[SpecIssue] = []

    def cell(self, sheet: Sheet, record: Record, key: str, loc: Loc) -> Any:
        """The converted value of `key` in `record` (None if empty or unreadable)."""
        entry = record.entries.get(key)
        if entry is None:
            return None
        self.map.places[loc] = Place(sheet.file, entry.row, entry.label)
        try:
            return CONVERTERS[COLUMNS[sheet.name][key]](entry.value)
        except CellProblem as problem:
            self.issues.append(SpecIssue(sheet.file, entry.label, str(problem), entry.row))
            return None

    def fields(self, sheet: Sheet, record: Record, loc: Loc) -> dict[str, Any]:
        self.map.places[loc] = Place(sheet.file, record.row)
        data: dict[str, Any] = {}
        for key in record.entries:
            if key not in COMPOUND:
                value = self.cell(sheet, record, key, (*loc, key))
                if value is not None:
                    data[key] = value
        for name in ("title", "description"):
            self.text(sheet, record, loc, name, data)
        self.hours(sheet, record, loc, data)
        self.pin(sheet, record, loc, data)
        return data

    def text(self, sheet: Sheet, record: Record, loc: Loc, name: str, data: dict) -> None:
        plain = self.cell(sheet, record, name, (*loc, name))
        text = {}
        for lang in ("en", "fr"):
            value = self.cell(sheet, record, f"{name}_{lang}", (*loc, name, lang))
            if value or plain:
                text[lang] = value or plain
            if not value and plain:
                self.map.places[(*loc, name, lang)] = self.map.places[(*loc, name)]
        if text:
            data[name] = text
            first = self.map.places[(*loc, name, next(iter(text)))]
            self.map.places.setdefault((*loc, name), first)

    def hours(self, sheet: Sheet, record: Record, loc: Loc, data: dict) -> None:
        opens = self.cell(sheet, record, "opens", (*loc, "hours", "opens"))
        closes = self.cell(sheet, record, "closes", (*loc, "hours", "closes"))
        given = [k for k in ("opens", "closes") if k in record.entries]
        if not given:
            return
        self.map.places[(*loc, "hours")] = self.map.places[(*loc, "hours", given[0])]
        if len(given) == 1:
            entry = record.entries[given[0]]
            message = "give both opens and closes, or neither"
            self.issues.append(SpecIssue(sheet.file, entry.label, message, entry.row))
        elif opens is not None and closes is not None:
            data["hours"] = {"opens": opens, "closes": closes}

    def pin(self, sheet: Sheet, record: Record, loc: Loc, data: dict) -> None:
        pin: dict[str, Any] = {}
        for key in ("venue", "start", "day"):
            value = self.cell(sheet, record, f"pin_{key}", (*loc, "pins", 0, key))
            if value is not None:
                pin[key] = value
        if pin:
            data["pins"] = [pin]
            first = next(k for k in ("venue", "start", "day") if k in pin)
            self.map.places[(*loc, "pins", 0)] = self.map.places[(*loc, "pins", 0, first)]

    def rows(self, sheet: Sheet | None, loc: Loc) -> list[dict[str, Any]]:
        if sheet is None:
            return []
        return [self.fields(sheet, r, (*loc, n)) for n, r in enumerate(sheet.records)]

    def availability(self, sheet: Sheet | None, artists: list[dict[str, Any]]) -> None:
        if sheet is None:
            return
        index = {a.get("id"): n for n, a in enumerate(artists)}
        for record in sheet.records:
            name = self.cell(sheet, record, "artist", ("availability", record.row))
            if name not in index:
                entry = record.entries.get("artist")
                message = f"unknown artist {name!r} (not in the artists sheet)"
                if entry is None:
                    message = "which artist? the artist column is empty"
                label, row = (entry.label, entry.row) if entry else ("artist", record.row)
                self.issues.append(SpecIssue(sheet.file, label, message, row))
                continue
            windows = artists[index[name]].setdefault("availability", [])
            loc: Loc = ("artists", index[name], "availability", len(windows))
            self.map.places[loc] = Place(sheet.file, record.row)
            window = {}
            for key in ("start", "end"):
                value = self.cell(sheet, record, key, (*loc, key))
                if value is not None:
                    window[key] = value
            windows.append(window)


def _build(sheets: dict[str, Sheet], book: str) -> tuple[dict[str, Any], _Builder]:
    builder = _Builder(book)
    loc: Loc = ("festivals", 0)
    festival = builder.fields(sheets["festival"], sheets["festival"].records[0], loc)
    festival["venues"] = builder.rows(sheets.get("venues"), (*loc, "venues"))
    festival["items"] = builder.rows(sheets.get("items"), (*loc, "items"))
    artists = builder.rows(sheets.get("artists"), ("artists",))
    builder.availability(sheets.get("availability"), artists)
    data: dict[str, Any] = {"festivals": [festival], "artists": artists}
    if "solver" in sheets:
        settings = builder.fields(sheets["solver"], sheets["solver"].records[0], ("solver",))
        weights = {k: settings.pop(k) for k in WEIGHTS if k in settings}
        for key in weights:
            builder.map.places[("solver", "weights", key)] = builder.map.places[("solver", key)]
        data["solver"] = settings | ({"weights": weights} if weights else {})
    return data, builder


# ---------------------------------------------------------------------------- validation


@dataclass
class _Parts:
    """The spec with rows that fail validation left out, to check cross-references anyway.

    `kept[list loc]` maps an index in the pruned list to the row's index in the sheet."""

    data: dict[str, Any]
    kept: dict[Loc, list[int]] = field(default_factory=dict)
    dropped_ids: set[str] = field(default_factory=set)
    references: bool = True

    def original(self, loc: Loc) -> Loc:
        for end in range(len(loc), 0, -1):
            kept = self.kept.get(loc[:end])
            position = loc[end] if end < len(loc) else None
            if kept is not None and isinstance(position, int):
                return (*loc[:end], kept[position], *loc[end + 1 :])
        return loc


def _errors(model: type[BaseModel], data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return [((*loc, *clean_loc(e["loc"])), describe_error(e)) for e in error.errors()]
    return []


# Festival fields the reference checks can do without (or with a stand-in) when misspelt.
FESTIVAL_STAND_INS = {"timezone": "UTC", "id": "festival", "name": "festival"}


def _prune_rows(parts: _Parts, model: type[BaseModel], loc: Loc) -> list[tuple[Loc, str]]:
    container: Any = parts.data
    for part in loc[:-1]:
        container = container[part]
    rows = container.get(loc[-1], [])
    problems, kept = [], []
    for index, row in enumerate(rows):
        found = _errors(model, row, (*loc, index))
        problems += found
        if found and isinstance(row.get("id"), str):
            parts.dropped_ids.add(row["id"])
        if not found:
            kept.append(index)
    container[loc[-1]] = [rows[i] for i in kept]
    parts.kept[loc] = kept
    return problems


def _prune_festival(parts: _Parts) -> list[tuple[Loc, str]]:
    festival = parts.data["festivals"][0]
    shell = {k: v for k, v in festival.items() if k not in ("venues", "items")}
    problems = _errors(Festival, shell | {"venues": []}, ("festivals", 0))
    for loc, _ in problems:
        key = loc[2] if len(loc) > 2 else None
        if key in FESTIVAL_STAND_INS:
            festival[key] = FESTIVAL_STAND_INS[key]
        elif key in Festival.model_fields and not Festival.model_fields[key].is_required():
            festival.pop(key, None)
        else:  # dates, or the festival as a whole: reference checks would mislead
            parts.references = False
    return problems


def _shape_problems(data: dict[str, Any]) -> tuple[list[tuple[Loc, str]], _Parts]:
    """Validate festival, venues, items, artists and solver each on its own, so that one
    bad row does not hide the rest; return the problems and the spec without bad rows."""
    parts = _Parts(copy.deepcopy(data))
    problems = _prune_festival(parts)
    problems += _prune_rows(parts, Venue, ("festivals", 0, "venues"))
    problems += _prune_rows(parts, Item, ("festivals", 0, "items"))
    problems += _prune_rows(parts, Artist, ("artists",))
    if "solver" in parts.data:
        found = _errors(SolverSettings, parts.data["solver"], ("solver",))
        problems += found
        if found:
            parts.data.pop("solver")
    return problems, parts


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _reference_problems(parts: _Parts, data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """check_references on the rows that validated, in sheet positions, leaving out those
    that only name a row already reported (its id is then unknown here)."""
    if not parts.references:
        return []
    try:
        spec = Spec.model_validate(parts.data)
    except ValidationError:
        return []
    problems = []
    for loc, message in check_references(spec):
        original = parts.original(loc)
        named = (_value_at(data, original), original[-1] if original else None)
        if not any(isinstance(name, str) and name in parts.dropped_ids for name in named):
            problems.append((original, message))
    return problems


def _order(issues: Iterable[SpecIssue]) -> list[SpecIssue]:
    return sorted(issues, key=lambda issue: (issue.file, issue.line or 0))


def read_spreadsheet(path: Path) -> tuple[Spec, SheetMap]:
    """The validated spec of a workbook or CSV folder, and where each of its fields is."""
    path = Path(path)
    raw, issues = _read_sheets(path)
    sheets: dict[str, Sheet] = {}
    for name, (file, rows) in raw.items():
        reader = _pairs if name in PAIR_SHEETS else _table
        sheets[name], found = reader(name, file, rows)
        issues += found
    if "festival" not in sheets or "venues" not in sheets:
        raise SpecError(_order(issues))
    data, builder = _build(sheets, str(path))
    issues += builder.issues
    problems, parts = _shape_problems(data)
    problems += _reference_problems(parts, data)
    issues += [builder.map.issue(loc, message) for loc, message in problems]
    if issues:
        raise SpecError(_order(issues))
    try:
        return Spec.model_validate(data), builder.map
    except ValidationError as error:  # not expected: every part validated on its own
        found = [builder.map.issue(clean_loc(e["loc"]), describe_error(e)) for e in error.errors()]
        raise SpecError(found) from None


def load_spreadsheet(path: Path) -> Spec:
    """The validated spec of an XLSX workbook or a folder of CSV sheets; raise SpecError
    listing every problem, each naming its sheet, row and column."""
    return read_spreadsheet(path)[0]
