"""Specs from spreadsheets: the template round-trips and solves, CSV folders load, and every
mistake is reported once, naming its sheet, row and column."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.spreadsheet import (
    load_spreadsheet,
    looks_like_spreadsheet,
    read_spreadsheet,
)
from affiche.programmes.spreadsheet_template import write_template
from affiche.scheduler.problem import build_problem
from affiche.scheduler.solve import SolveOptions, solve

Rows = list[list[Any]]

FESTIVAL: Rows = [
    ["field", "value"],
    ["id", "fest"],
    ["name", "Festival fest"],
    ["timezone", "Europe/Paris"],
    ["start", date(2026, 6, 12)],
    ["end", date(2026, 6, 14)],
    ["opens", time(10)],
    ["closes", time(23)],
]
VENUES: Rows = [
    ["id", "name", "capacity", "features", "opens", "closes"],
    ["hall", "Hall", 200, "stage; sound", time(14), time(1)],
    ["studio", "Studio", 50, "projection", None, None],
]
ARTISTS: Rows = [["id", "name"], ["ana", "Ana"], ["ben", "Ben"]]
ITEMS: Rows = [
    ["id", "kind", "title_en", "title_fr", "duration", "artists", "requires"],
    ["talk", "talk", "Talk", "Causerie", 60, "ana", None],
    ["film", "screening", "Film", "Film", 90, "ben", "projection"],
    ["gig", "concert", "Gig", "Concert", 45, "ana, ben", "sound"],
    ["walk", "performance", "Walk", "Promenade", 30, None, None],
    ["late", "talk", "Late talk", "Causerie tardive", 30, "ben", None],
]
AVAILABILITY: Rows = [
    ["artist", "start", "end"],
    ["ana", datetime(2026, 6, 12, 12), "2026-06-14 23:00"],
]


def workbook(path: Path, **sheets: Rows) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for number, row in enumerate(rows, 1):
            for column, value in enumerate(row, 1):
                if value is not None:
                    sheet.cell(number, column, value)
    book.save(path)
    return path


def base_sheets() -> dict[str, Rows]:
    return {
        "festival": [list(r) for r in FESTIVAL],
        "venues": [list(r) for r in VENUES],
        "artists": [list(r) for r in ARTISTS],
        "items": [list(r) for r in ITEMS],
        "availability": [list(r) for r in AVAILABILITY],
    }


def issues_of(path: Path) -> list[SpecIssue]:
    with pytest.raises(SpecError) as caught:
        load_spreadsheet(path)
    return caught.value.issues


def test_template_round_trips_and_solves(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    assert looks_like_spreadsheet(path)
    book = load_workbook(path)
    assert book["items"]["A1"].comment is not None  # header cells explain their column
    spec = load_spreadsheet(path)
    festival = spec.festivals[0]
    assert (len(festival.venues), len(spec.artists), len(festival.items)) == (3, 4, 8)
    assert sum(len(a.availability) for a in spec.artists) == 2
    hall = festival.venues[0]
    assert hall.hours is not None and (hall.hours.opens, hall.hours.closes) == (time(14), time(1))
    assert festival.venues[2].sound_curfew == time(22, 30)
    assert festival.venues[2].walking_minutes == {"grande-halle": 6, "salle-noire": 4}
    table = next(i for i in festival.items if i.id == "table-ronde")
    assert table.artists == ["lea-marchand", "kenji-mori", "ana-duarte"]
    assert table.title.fr.startswith("Table ronde")
    kenji = next(a for a in spec.artists if a.id == "kenji-mori")
    assert kenji.availability[0].start.utcoffset() is not None
    assert spec.solver.weights.hotel_nights == 4

    problem = build_problem(spec)
    assert not problem.unplaceable
    result = solve(problem, SolveOptions(time_limit=10, workers=2))
    assert result.status in ("optimal", "feasible")
    assert len(result.chosen) == len(problem.occurrences) == 10


def test_csv_folder(tmp_path: Path) -> None:
    folder = tmp_path / "fest"
    folder.mkdir()
    (folder / "festival.csv").write_text(
        "field;value\nid;fest\nname;Festival fest\ntimezone;Europe/Paris\nstart;2026-06-12\n"
        "end;2026-06-14\nopens;10:00\ncloses;23:00\nlatitude;48,85\nlongitude;2,35\n",
        encoding="utf-8-sig",  # French Excel: BOM, ';' between cells, decimal commas
    )
    (folder / "venues.csv").write_text(
        "id,name,features,opens,closes\nhall,Hall,\"stage; sound\",9:00,01:00\n\n"
        "studio,Studio,projection,,\n"
    )
    (folder / "artists.csv").write_text("id,name\nana,Ana\n")
    (folder / "items.csv").write_text(
        "id,kind,title,duration,artists,preferred_hours,after_dark,notes\n"
        "talk,Talk,Talk,60,ana,14:00-18:00,FALSE,keep short\n"
        "film,screening,Film,90,,,x,\n"
    )
    (folder / "availability.csv").write_text(
        "artist,start,end\nana,2026-06-12 12:00,2026-06-13 23:00\n"
    )
    assert looks_like_spreadsheet(folder)
    spec = load_spreadsheet(folder)
    festival = spec.festivals[0]
    assert festival.latitude == 48.85
    assert festival.venues[0].hours is not None and festival.venues[0].hours.opens == time(9)
    talk, film = festival.items
    assert (talk.kind.value, talk.title.en, talk.title.fr) == ("talk", "Talk", "Talk")
    assert talk.preferred_hours[0].closes == time(18) and not talk.after_dark
    assert film.after_dark
    assert len(spec.artists[0].availability) == 1


def test_a_single_csv_is_refused_with_the_folder_form(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id,kind\n")
    assert looks_like_spreadsheet(path)
    (issue,) = issues_of(path)
    assert "give the folder" in issue.message


def test_mistakes_each_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["festival"][3] = ["timezone", "Europe/Pariss"]  # row 4
    items = sheets["items"]
    items[0].append("colour")  # an unknown column, header cell H1
    items.insert(2, [None] * 7)  # an empty row 3: skipped, but rows keep their numbers
    items[4][5] = "ana; nobody"  # row 5: "gig", an unknown artist
    items[6][4] = "1h"  # row 7: "late", a bad duration
    path = workbook(tmp_path / "mistakes.xlsx", **sheets)
    found = {(i.file, i.line, i.field): i.message for i in issues_of(path)}
    assert len(found) == 4, found
    book = str(path)
    assert "unknown time zone 'Europe/Pariss'" in found[(f"{book}[festival]", 4, "timezone")]
    assert found[(f"{book}[items]", 5, "artists")] == "unknown artist 'nobody'"
    assert "'1h'" in found[(f"{book}[items]", 7, "duration")]
    assert "unknown column 'colour' (cell H1)" in found[(f"{book}[items]", 1, "colour")]
    rendered = {str(i) for i in issues_of(path)}
    assert f"{book}[items]:7: duration: " in "\n".join(rendered)


def test_a_row_left_out_is_not_blamed_again_by_references(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["items"][0].append("after")
    sheets["items"][1].append(None)
    sheets["items"][2] += ["talk"]  # film after talk, and talk is broken
    sheets["items"][1][1] = "lecture"  # not a kind
    (issue,) = issues_of(workbook(tmp_path / "spec.xlsx", **sheets))
    assert (issue.line, issue.field) == (2, "kind")


def test_time_cell_as_duration_is_refused_like_yaml(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["items"][1][4] = time(1, 30)
    (issue,) = issues_of(workbook(tmp_path / "spec.xlsx", **sheets))
    assert (issue.line, issue.field) == (2, "duration")
    assert "'01:30'" in issue.message


def test_festival_field_missing_and_half_hours(tmp_path: Path) -> None:
    sheets = base_sheets()
    del sheets["festival"][4]  # no start
    sheets["venues"][2][4] = time(9)  # opens without closes
    found = {(i.file.rsplit("[", 1)[1], i.line, i.field) for i in issues_of(
        workbook(tmp_path / "spec.xlsx", **sheets)
    )}
    assert ("festival]", 2, "start") in found
    assert ("venues]", 3, "opens") in found


def test_the_sheet_map_points_back_into_the_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "spec.xlsx", **base_sheets())
    spec, where = read_spreadsheet(path)
    assert spec.festivals[0].items[2].artists == ["ana", "ben"]
    issue = where.issue(("festivals", 0, "items", 2, "duration"), "too long")
    assert (issue.file, issue.line, issue.field) == (f"{path}[items]", 4, "duration")
    issue = where.issue(("artists", 0, "availability", 0, "end"), "late")
    assert (issue.file, issue.line, issue.field) == (f"{path}[availability]", 2, "end")


def test_unknown_and_missing_sheets(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["Itemz"] = sheets.pop("items")
    sheets["notes"] = [["anything goes here"]]
    del sheets["venues"]
    messages = sorted(i.message for i in issues_of(workbook(tmp_path / "spec.xlsx", **sheets)))
    assert any(m.startswith("unknown sheet 'Itemz'") for m in messages), messages
    assert "the 'venues' sheet is missing" in messages
