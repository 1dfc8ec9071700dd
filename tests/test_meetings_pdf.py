"""The printable agenda: one A4 page per participant (Typst), read back with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from affiche.programmes.meetings import MeetingSolution, meeting_grid
from affiche.programmes.meetings_output import meeting_schedule, write_agenda_pdfs
from affiche.programmes.model import Spec
from affiche.scheduler.meetings import assign_tables

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

HOSTILE = "#1 *Studio* $5 <b> @home \\o/"


def hub_spec(guests: int, days: int) -> dict[str, Any]:
    """`hub` must meet every guest: two full days of back-to-back meetings at most."""
    people = [{"id": "hub", "name": "Hélène Hub", "organisation": "Maison Hub"}]
    people += [{"id": f"g{n:02d}", "name": f"Guest {n}", "organisation": f"Org {n}"}
               for n in range(guests)]
    people[1]["organisation"] = HOSTILE
    return {
        "festivals": [{
            "id": "fab", "name": "La Fabrique", "timezone": "Europe/Paris",
            "start": "2016-06-16", "end": f"2016-06-{15 + days}",
            "venues": [{"id": "tables", "name": "Meeting tables", "parallel": 4,
                        "hours": {"opens": "10:00", "closes": "17:00"}}],
            "meetings": {"venue": "tables", "minutes": 20, "max_in_a_row": 100,
                         "requests": [{"between": ["hub", p["id"]], "priority": "must"}
                                      for p in people[1:]]},
        }],
        "artists": people,
    }


def agendas(tmp_path: Path, guests: int, days: int) -> Path:
    spec = Spec.model_validate(hub_spec(guests, days))
    festival = spec.festivals[0]
    grid = meeting_grid(spec, festival)
    starts = {r.index: r.index for r in grid.requests}  # hub back to back, slot by slot
    solution = MeetingSolution("feasible", starts, tables=assign_tables(grid, starts))
    schedule = meeting_schedule(spec, festival, grid, solution)
    written = write_agenda_pdfs(spec, schedule, tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{w}.pdf" for w in
                                                     ["hub", *(f"g{n:02d}" for n in range(guests))])
    return tmp_path


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found is not None
    return int(found.group(1))


def text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_an_agenda_names_table_party_and_organisation(tmp_path: Path) -> None:
    folder = agendas(tmp_path, guests=3, days=1)
    guest = text(folder / "g01.pdf")
    assert "Guest 1" in guest and "Hélène Hub" in guest and "(Maison Hub)" in guest
    assert re.search(r"10:20 – 10:40\s+Table \d\s+Hélène Hub \(Maison Hub\)", guest)
    assert "Thursday 16 June 2016" in guest
    hub = text(folder / "hub.pdf")
    assert HOSTILE in hub  # markup characters print as written
    assert hub.count("Table ") == 3 + 1  # three meetings and the column heading
    assert "Guest 0" in hub and "Guest 2 (Org 2)" in hub
    assert "Guest 0" not in guest and "Guest 2" not in guest  # only their own meetings


def test_two_full_days_of_meetings_still_fit_one_page(tmp_path: Path) -> None:
    # 10:00-17:00 is 21 slots a day: 42 meetings for the hub over two days
    folder = agendas(tmp_path, guests=42, days=2)
    assert pages(folder / "hub.pdf") == 1
    hub = text(folder / "hub.pdf")
    assert "Guest 41 (Org 41)" in hub and "Friday 17 June 2016" in hub
    assert "16:40 – 17:00" in hub
    assert pages(folder / "g41.pdf") == 1
