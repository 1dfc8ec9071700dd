"""A filled-in example workbook for producers who keep their lists in spreadsheets.

`write_template(path)` writes a small festival (3 venues, 4 artists, 8 items, 2
availability rows) in the layout `spreadsheet.load_spreadsheet` reads, every header cell
carrying a note that explains its column; the `notes` sheet gives the general rules.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="FFE8E1D5")
FORMATS = {date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm", time: "hh:mm"}

Column = tuple[str, str]  # header, note
Row = list[Any]  # one value per column, None for an empty cell

FESTIVAL: list[tuple[str, Any, str]] = [
    ("id", "nuits-du-canal-2026", "Slug: letters, digits, - and _. Unique over all specs."),
    ("name", "Nuits du canal 2026", "Display name."),
    ("city", "Paris", "Festivals in different cities need travel time between them."),
    ("country", "France", "Optional."),
    ("timezone", "Europe/Paris", "IANA name. Times without an offset are read in this zone."),
    ("start", date(2026, 6, 12), "First programme day (a date cell, or YYYY-MM-DD)."),
    ("end", date(2026, 6, 14), "Last programme day."),
    ("opens", time(10), "Daily opening hours of venues without their own (HH:MM)."),
    ("closes", time(23), "Earlier than opens: closes after midnight, same programme day."),
    ("day_start_hour", 4, "0-12: a show at 01:00 belongs to the evening before."),
    ("latitude", 48.872, "For after_dark (sunset), unless every venue has coordinates."),
    ("longitude", 2.365, "Both latitude and longitude, or neither."),
    ("description_en", "Light and sound along the canal", "Text in English (optional)."),
    ("description_fr", "Lumière et son au fil du canal", "Text in French (optional)."),
]

VENUE_COLUMNS: list[Column] = [
    ("id", "Slug, unique over all festivals."),
    ("name", "Display name (name_fr: optional French name)."),
    ("capacity", "Seats or standing places; an item's audience must fit. Empty: unlimited."),
    ("features", "Separated by ; or , among: projection, sound, dark_room, water, outdoor, "
                 "stage, seating, vr, power, wifi."),
    ("outdoor", "true / false (or x): an outdoor site."),
    ("opens", "Daily hours replacing the festival's (HH:MM). Give both or neither."),
    ("closes", "Earlier than opens: closes after midnight."),
    ("closures", "Closed windows: 2026-06-13 12:00 to 2026-06-13 16:00; ..."),
    ("changeover_minutes", "Minutes kept free after each item."),
    ("sound_curfew", "Loud items end by this local time (HH:MM)."),
    ("installation_slots", "How many installations the venue can host."),
    ("latitude", "Both or neither: sunset and walking times."),
    ("longitude", "Both or neither."),
    ("walking_minutes", "Minutes to other venues: grande-halle=6; salle-noire=4"),
]  # fmt: skip
VENUES: list[Row] = [
    ["grande-halle", "Grande halle", 400, "stage; sound; seating", False, time(14), time(1),
     None, 20, None, 0, 48.8725, 2.3640, None],
    ["salle-noire", "Salle noire", 80, "projection; dark_room; sound", False, None, None,
     None, 10, None, 1, 48.8719, 2.3652, None],
    ["quai", "Quai de Valmy", 600, "sound; stage; power", True, time(12), time(23),
     "2026-06-13 12:00 to 2026-06-13 16:00", 15, time(22, 30), 0, None, None,
     "grande-halle=6; salle-noire=4"],
]  # fmt: skip

ARTIST_COLUMNS: list[Column] = [
    ("id", "Slug, used in the items sheet (artists column) and in availability."),
    ("name", "Display name."),
    ("home_city", "Optional."),
    ("timezone", "Where the artist reads times; their availability without offset is read "
                 "in it. Empty: the festival's zone."),
]  # fmt: skip
ARTISTS: list[Row] = [
    ["lea-marchand", "Léa Marchand", "Lyon", None],
    ["kenji-mori", "Kenji Mori", "Sapporo", "Asia/Tokyo"],
    ["collectif-onde", "Collectif Onde", "Marseille", None],
    ["ana-duarte", "Ana Duarte", "Lisbon", "Europe/Lisbon"],
]

ITEM_COLUMNS: list[Column] = [
    ("id", "Slug, unique over all festivals."),
    ("kind", "installation, performance, concert, talk, screening, workshop, stand, meeting."),
    ("title_en", "Title in English (or a 'title' column for both languages)."),
    ("title_fr", "Title in French; either may be left empty."),
    ("duration", "Minutes (a number, not 1:30). Installations leave it empty."),
    ("occurrences", "Times the item is given (default 1)."),
    ("artists", "Artist ids separated by ; or ,"),
    ("requires", "Features the venue must have, separated by ; or ,"),
    ("audience", "Expected audience; must fit the venue's capacity."),
    ("venues", "Allowed venue ids (empty: any)."),
    ("days", "Allowed programme days: 2026-06-13; 2026-06-14"),
    ("preferred_hours", "Soft: start inside 21:00-23:30; 14:00-18:00"),
    ("windows", "Allowed windows: 2026-06-13 20:00 to 2026-06-13 23:30; ..."),
    ("after_dark", "true: start after sunset."),
    ("loud", "Default true for performances and concerts: they respect the sound curfew."),
    ("after", "Item ids this one starts after."),
    ("tags", "Audience tags: items sharing a tag should not overlap."),
    ("pin_day", "Pin the first occurrence to a programme day (also pin_venue, pin_start)."),
    ("priority", "1-5 (default 3): with --allow-unplaced, higher is kept first."),
    ("headliner", "Moving it after publication costs more."),
    ("track", "A free grouping."),
    ("language", "fr, en, ..."),
]
ITEMS: list[Row] = [
    ["ouverture", "talk", "Opening", "Ouverture", 30, None, None, None, 200, "grande-halle",
     None, "18:00-20:00", None, None, None, None, None, date(2026, 6, 12), 5, None, None, "fr"],
    ["reflets", "concert", "Reflections", "Reflets", 60, None, "kenji-mori", "sound; stage",
     300, None, None, "21:00-23:30", None, None, None, "ouverture", None, None, 5, True, None,
     None],
    ["onde", "performance", "Wave: light on water", "Onde : lumière sur l'eau", 30, 2,
     "collectif-onde", None, None, "quai", None, None, None, True, False, None, "famille",
     None, None, None, None, None],
    ["film-lumiere", "screening", "Light films", "Films de lumière", 90, 2, "lea-marchand",
     "projection; dark_room", 60, None, None, "14:00-18:00", None, None, None, None, None,
     None, None, None, "cinéma", None],
    ["atelier-son", "workshop", "Sound workshop (families)", "Atelier son (en famille)", 90,
     None, "ana-duarte", "sound", 20, None, "2026-06-13; 2026-06-14", "14:00-18:00", None,
     None, None, None, "famille", None, None, None, None, "fr"],
    ["table-ronde", "talk", "Round table: light as material",
     "Table ronde : la lumière comme matière", 60, None,
     "lea-marchand; kenji-mori; ana-duarte", None, 150, "grande-halle",
     date(2026, 6, 13), None, None, None, None, None, None, None, None, None, "rencontres",
     "fr"],
    ["miroir", "installation", "Mirror", "Miroir", None, None, "collectif-onde",
     "projection", None, None, None, None, None, None, None, None, None, None, 4, None, None,
     None],
    ["dj-set", "concert", "Canal DJ set", "DJ set du canal", 90, None, "ana-duarte", None,
     None, "quai", None, None, "2026-06-13 19:00 to 2026-06-13 22:30", None, None, None,
     None, None, None, None, None, None],
]  # fmt: skip

AVAILABILITY_COLUMNS: list[Column] = [
    ("artist", "Artist id (one row per window; artists without rows: any time)."),
    ("start", "Date and time; without an offset, in the artist's zone, else the "
              "festival's. With an offset (text: 2026-06-13 12:00+02:00), that instant."),
    ("end", "Must be after start."),
]  # fmt: skip
AVAILABILITY: list[Row] = [
    ["lea-marchand", datetime(2026, 6, 12, 14), datetime(2026, 6, 13, 23)],
    ["kenji-mori", "2026-06-13 12:00+02:00", "2026-06-14 23:00+02:00"],
]

SOLVER: list[tuple[str, Any, str]] = [
    ("preferred_venue", 3, "Weight of a preferred venue not used (0 switches it off)."),
    ("preferred_hours", 2, "Weight of a start outside the preferred hours."),
    ("audience_clash", 1, "Weight of each minute that items for one audience (a shared tag) "
     "overlap: three at once for 10 minutes count 20."),
    ("hotel_nights", 4, "Weight of each night between an artist's first and last day."),
]

NOTES = [
    "How to fill in this workbook (affiche spreadsheet spec)",
    "",
    "One workbook describes one festival; affiche solve merges several workbooks or YAML files.",
    "Sheets: festival and solver hold field / value rows; venues, artists, items and "
    "availability hold one row per thing under a header row.",
    "Every header cell carries a note (hover it) explaining the column. Columns you do not "
    "need may be deleted; a column headed 'notes' is ignored, so is this sheet.",
    "Lists: separate values with ; or , (artists: lea-marchand; kenji-mori).",
    "Dates: date cells or YYYY-MM-DD. Times: time cells or HH:MM. Date-times: date-time "
    "cells or YYYY-MM-DD HH:MM (add +02:00 for an exact instant).",
    "Durations are minutes: 90, not 1:30.",
    "Empty rows are skipped. Mistakes are reported with sheet, row and column.",
    "Everything else (field meanings and defaults): docs/spec-format.md.",
]


def _set(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    for kind, number_format in FORMATS.items():
        if type(value) is kind:
            cell.number_format = number_format


def _note(text: str) -> Comment:
    comment = Comment(text, "affiche")
    comment.width, comment.height = 260, 110
    return comment


def _header_cell(sheet: Worksheet, row: int, column: int, label: str, note: str) -> None:
    cell = sheet.cell(row=row, column=column, value=label)
    cell.font = Font(bold=True)
    cell.fill = HEADER_FILL
    cell.comment = _note(note)


def _table(book: Workbook, name: str, columns: list[Column], rows: list[Row]) -> None:
    sheet = book.create_sheet(name)
    for index, (label, note) in enumerate(columns, 1):
        _header_cell(sheet, 1, index, label, note)
        width = max([len(label), *(len(str(row[index - 1] or "")) for row in rows)])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 3, 40)
    for number, row in enumerate(rows, 2):
        for index, value in enumerate(row, 1):
            if value is not None:
                _set(sheet, number, index, value)
    sheet.freeze_panes = "B2"


def _pairs(book: Workbook, name: str, rows: list[tuple[str, Any, str]]) -> None:
    sheet = book.create_sheet(name)
    _header_cell(sheet, 1, 1, "field", "Column A: the field. Column B: its value.")
    _header_cell(sheet, 1, 2, "value", "Leave a value empty for the default.")
    for number, (key, value, note) in enumerate(rows, 2):
        sheet.cell(number, 1, key).comment = _note(note)
        _set(sheet, number, 2, value)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 36


def _notes(book: Workbook) -> None:
    sheet = book.create_sheet("notes")
    for number, line in enumerate(NOTES, 1):
        sheet.cell(number, 1, line).alignment = Alignment(wrap_text=False)
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 110


def write_template(path: Path) -> None:
    """Write the example workbook to `path` (an .xlsx file)."""
    book = Workbook()
    book.remove(book.active)
    _pairs(book, "festival", FESTIVAL)
    _table(book, "venues", VENUE_COLUMNS, VENUES)
    _table(book, "artists", ARTIST_COLUMNS, ARTISTS)
    _table(book, "items", ITEM_COLUMNS, ITEMS)
    _table(book, "availability", AVAILABILITY_COLUMNS, AVAILABILITY)
    _pairs(book, "solver", SOLVER)
    _notes(book)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
