"""Meeting requests from a b2match-style export: a `requests` sheet (requester, requested,
priority) in an .xlsx workbook, or a .csv file of those columns.

Two rows asking for the same pair become one mutual request (a must if either is). Each
problem is located at its file, row and column.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.meetings import MeetingRequest, request_rows_to_section
from affiche.programmes.model import Festival, Spec

COLUMNS = ("requester", "requested", "priority")
Row = tuple[int, dict[str, Any]]


def _key(label: Any) -> str:
    return str(label or "").strip().lower().replace(" ", "_")


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SpecError([SpecIssue(str(path), "", f"cannot read the workbook: {error}")]) \
            from None
    sheet = next((book[name] for name in book.sheetnames if _key(name) == "requests"), None)
    if sheet is None:
        raise SpecError([SpecIssue(str(path), "", "the workbook has no 'requests' sheet")])
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(path: Path) -> list[list[Any]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [list(row) for row in csv.reader(handle)]
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the file: {error}")]) from None


def read_request_rows(path: Path) -> list[Row]:
    """(row number, {requester, requested, priority}) for each non-empty row."""
    path = Path(path)
    if not path.is_file():
        raise SpecError([SpecIssue(str(path), "", "no such file")])
    raw = _csv_rows(path) if path.suffix.lower() == ".csv" else _xlsx_rows(path)
    numbered = [(n, row) for n, row in enumerate(raw, 1)
                if any(str(v or "").strip() for v in row)]
    if not numbered:
        raise SpecError([SpecIssue(str(path), "", "the requests sheet is empty")])
    (header_row, header), *body = numbered
    keys = [_key(cell) for cell in header]
    issues = [SpecIssue(str(path), str(cell), f"unknown column {cell!r}; known: "
                        f"{', '.join(COLUMNS)}", header_row)
              for cell, key in zip(header, keys, strict=False) if key and key not in COLUMNS]
    issues += [SpecIssue(str(path), name, "required column is missing", header_row)
               for name in COLUMNS[:2] if name not in keys]
    if issues:
        raise SpecError(issues)
    return [(n, {k: str(v).strip() for k, v in zip(keys, row, strict=False)
                 if k and v is not None and str(v).strip()}) for n, row in body]


def add_requests(spec: Spec, festival: Festival, path: Path) -> int:
    """Add the sheet's requests to the festival's meetings section; returns how many."""
    section = festival.meetings
    if section is None:
        raise SpecError([SpecIssue(str(path), "", f"festival {festival.id!r} has no 'meetings' "
                                   "section (venue, minutes) for these requests")])
    rows = read_request_rows(path)
    known = {artist.id for artist in spec.artists}
    asked = {frozenset(r.between) for r in section.requests}
    banned = {frozenset(pair) for pair in section.do_not_meet}
    issues = []
    for number, row in rows:
        for column in COLUMNS[:2]:
            who = row.get(column, "")
            if who not in known:
                issues.append(SpecIssue(str(path), column, f"unknown participant {who!r}"
                                        if who else "required value is missing", number))
        pair = frozenset((row.get("requester", ""), row.get("requested", "")))
        if len(pair) == 1:
            issues.append(SpecIssue(str(path), "requested", "cannot meet themself", number))
        if pair in asked:
            issues.append(SpecIssue(str(path), "requested", "this meeting is already asked "
                                    "for in the spec", number))
        if pair in banned:
            issues.append(SpecIssue(str(path), "requested", "this pair is on do_not_meet",
                                    number))
        if row.get("priority", "wish").lower() not in ("must", "wish"):
            issues.append(SpecIssue(str(path), "priority", f"priority {row['priority']!r}: "
                                    "use must or wish", number))
    if issues:
        raise SpecError(issues)
    added = [MeetingRequest.model_validate(data)
             for data in request_rows_to_section([row for _, row in rows])]
    section.requests.extend(added)
    return len(added)
