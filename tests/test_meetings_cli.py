"""`affiche meetings`: the bundled docs example, what it writes, located errors, and the
meetings kept out of the public programme."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from affiche.cli import main
from affiche.programmes.schedule import Schedule, load_schedule, save_schedule
from affiche.web.app import create_app
from tests.test_web_support import make_settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "spec-format.md"
FAST = ["--workers", "1", "--time-limit", "10"]


def docs_example() -> dict[str, Any]:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Meetings"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    data: dict[str, Any] = yaml.safe_load(block.group(1))
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_the_docs_example_solves_and_writes_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = write(tmp_path / "fabrique.yaml", docs_example()), tmp_path / "out"
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 0
    printed = capsys.readouterr().out
    assert "must: 1 of 1 placed" in printed and "check:" not in printed
    folder = out / "meetings"
    schedule = load_schedule(folder)
    assert schedule.placements and all(p.private and p.table for p in schedule.placements)
    assert sorted(p.name for p in (folder / "ical").iterdir()) == [
        "ircam.ics", "lina-dubois.ics", "orange-labs.ics", "quebec-delegation.ics",
        "studio-hybride.ics"]
    feed = (folder / "ical" / "studio-hybride.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Table " in feed and "Claire Martin (Orange Labs)" in feed
    page = (folder / "agendas" / "studio-hybride.html").read_text(encoding="utf-8")
    assert "<h1>Studio Hybride</h1>" in page and "Claire Martin (Orange Labs)" in page
    assert (folder / "agendas" / "studio-hybride.pdf").read_bytes().startswith(b"%PDF")
    sheets = sorted(p.name for p in (folder / "tables").iterdir())
    assert "tables.html" in sheets and "table-001.csv" in sheets
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["by_priority"]["must"] == {"asked": 1, "placed": 1, "unplaced": 0}
    assert set(report["participants"]) == {"studio-hybride", "orange-labs", "ircam",
                                           "quebec-delegation", "lina-dubois"}
    assert "## Participants" in (folder / "report.md").read_text(encoding="utf-8")
    assert not (out / "schedule.json").exists()  # no items: no public programme


def test_a_spec_without_meetings_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = docs_example()
    del data["festivals"][0]["meetings"]
    spec = write(tmp_path / "plain.yaml", data)
    assert main(["meetings", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert "no festival in the spec has a 'meetings' section" in capsys.readouterr().err


def test_a_bad_section_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = docs_example()
    data["festivals"][0]["meetings"]["requests"][0]["between"][1] = "nobody"
    spec = write(tmp_path / "bad.yaml", data)
    assert main(["meetings", str(spec), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert re.search(r"bad\.yaml:\d+: festivals\[0\]\.meetings\.requests\[0\]\.between\[1\]: "
                     r"unknown participant 'nobody'", err)
    assert "Traceback" not in err


def with_items(data: dict[str, Any]) -> dict[str, Any]:
    festival = data["festivals"][0]
    festival["venues"].append({"id": "agora", "name": "Agora",
                               "hours": {"opens": "10:00", "closes": "13:00"}})
    festival["venues"][0]["walking_minutes"] = {"agora": 5}
    festival["items"] = [{"id": "keynote", "kind": "talk", "title": "Keynote",
                          "duration": 60, "artists": ["orange-labs"], "venues": ["agora"],
                          "days": ["2016-06-16"]}]
    return data


def public_text(out: Path) -> str:
    files = [p for p in out.rglob("*") if p.is_file() and "meetings" not in p.parts
             and p.suffix in (".ics", ".xml", ".json", ".html")]
    assert files
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def test_meetings_stay_out_of_the_public_programme(tmp_path: Path) -> None:
    spec, out = write(tmp_path / "fabrique.yaml", with_items(docs_example())), tmp_path / "out"
    assert main(["solve", str(spec), "--out", str(out), *FAST]) == 0
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 0
    assert main(["publish", str(out)]) == 0
    meetings = load_schedule(out / "meetings")
    keynote = load_schedule(out).placements[0]
    for placement in meetings.placements:  # the keynote and the walk block orange-labs
        if "orange-labs" in placement.artists:
            assert placement.end.timestamp() + 300 <= keynote.start.timestamp() or \
                placement.start.timestamp() >= keynote.end.timestamp() + 300
    text = public_text(out)
    assert "keynote" in text.lower()
    for placement in meetings.placements:
        assert placement.item not in text and placement.uid not in text


def test_publishers_drop_private_placements(tmp_path: Path) -> None:
    """Meetings merged into the served schedule reach their artists' and venue's feeds,
    never the festival feed, the frab exports, the booklets or the public pages."""
    spec, out = write(tmp_path / "fabrique.yaml", with_items(docs_example())), tmp_path / "out"
    assert main(["solve", str(spec), "--out", str(out), *FAST]) == 0
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 0
    public, meetings = load_schedule(out), load_schedule(out / "meetings")
    assert meetings.placements and all(p.private for p in meetings.placements)
    merged = Schedule.model_validate({
        **public.model_dump(),
        "artists": [*public.model_dump()["artists"],
                    *[a.model_dump() for a in meetings.artists
                      if a.id not in {b.id for b in public.artists}]],
        "items": [*public.model_dump()["items"], *[i.model_dump() for i in meetings.items]],
        "placements": [*public.model_dump()["placements"],
                       *[p.model_dump() for p in meetings.placements]],
    })
    save_schedule(merged, out)
    assert main(["publish", str(out)]) == 0
    public_files = [*out.glob("ical/festival-*.ics"), out / "schedule.xml",
                    out / "schedule.frab.json"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in public_files)
    booklets = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True,
                               check=True).stdout for p in sorted(out.glob("*.pdf"))]
    first = meetings.placements[0]
    for placement in meetings.placements:
        assert placement.uid not in text
    title = merged.item(first.item).title.en
    assert booklets and all(title not in b for b in booklets)
    artist_feeds = "\n".join(
        p.read_text(encoding="utf-8") for a in first.artists for p in out.glob(f"ical/artist-{a}*")
    )
    assert first.uid in artist_feeds
    client = TestClient(create_app(out, make_settings(tmp_path)))
    page = client.get("/").text + client.get(f"/item/{first.item}").text
    assert first.uid not in page and client.get(f"/item/{first.item}").status_code == 404


def test_a_requests_sheet_adds_mutual_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Requests"
    sheet.append(["Requester", "Requested", "Priority"])
    sheet.append(["lina-dubois", "ircam", "wish"])
    sheet.append(["ircam", "lina-dubois", "must"])
    sheet.append(["orange-labs", "ircam", ""])
    book.save(tmp_path / "b2match.xlsx")
    spec, out = write(tmp_path / "fabrique.yaml", docs_example()), tmp_path / "out"
    assert main(["meetings", str(spec), "--out", str(out), "--requests",
                 str(tmp_path / "b2match.xlsx"), *FAST]) == 0
    assert "2 requests added" in capsys.readouterr().out
    report = json.loads((out / "meetings" / "report.json").read_text(encoding="utf-8"))
    assert report["by_priority"]["must"]["asked"] == 2
    assert report["by_priority"]["wish"]["asked"] == 4


def test_a_bad_requests_sheet_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "requests.csv"
    sheet.write_text("requester,requested,priority\nircam,ghost,wish\n"
                     "ircam,ircam,must\nlina-dubois,orange-labs,soon\n", encoding="utf-8")
    spec = write(tmp_path / "fabrique.yaml", docs_example())
    assert main(["meetings", str(spec), "--out", str(tmp_path / "out"),
                 "--requests", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert "requests.csv:2: requested: unknown participant 'ghost'" in err
    assert "requests.csv:3: requested: cannot meet themself" in err
    assert "requests.csv:4: requested: this pair is on do_not_meet" in err
    assert "requests.csv:4: priority: priority 'soon': use must or wish" in err


def test_musts_that_cannot_all_be_placed_exit_1_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = docs_example()
    data["festivals"][0]["meetings"]["requests"][3]["priority"] = "must"
    data["artists"][4]["availability"] = [{"start": "2016-06-17 14:00",
                                           "end": "2016-06-17 15:00"}]
    spec, out = write(tmp_path / "fabrique.yaml", data), tmp_path / "out"
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 1
    assert "musts: infeasible" in capsys.readouterr().out
    report = (out / "meetings" / "report.md").read_text(encoding="utf-8")
    assert "meet-lina-dubois-quebec-delegation (must): lina-dubois is never free" in report


def test_the_programme_is_solved_first_when_there_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = write(tmp_path / "fabrique.yaml", with_items(docs_example())), tmp_path / "out"
    assert main(["meetings", str(spec), "--out", str(out), *FAST]) == 0
    assert "solving the festival's own items first" in capsys.readouterr().out
    assert [p.item for p in load_schedule(out).placements] == ["keynote"]
    assert load_schedule(out / "meetings").placements
