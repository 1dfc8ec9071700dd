"""`private: true` items book venues and artists like any item, reach their artists' and
venue's own feeds, and no public output."""

from __future__ import annotations

import subprocess
from pathlib import Path

from affiche.cli import main
from tests.builders import artist, festival, item, spec_data, write_yaml


def published(tmp_path: Path, private: bool) -> Path:
    data = spec_data(
        festivals=[festival(items=[
            item("show", artists=["ana"], venues=["hall"]),
            item("soundcheck-show", duration=30, artists=["ana"], venues=["hall"],
                 title="Soundcheck of the show", private=private),
        ])],
        artists=[artist("ana")],
    )
    spec, out = write_yaml(tmp_path / "fest.yaml", data), tmp_path / "out"
    assert main(["solve", str(spec), "--out", str(out), "--time-limit", "5", "--publish"]) == 0
    return out


def public_text(out: Path) -> str:
    files = [*out.glob("ical/festival-*.ics"), out / "schedule.xml", out / "schedule.frab.json",
             out / "programme.csv"]
    booklets = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True,
                               check=True).stdout for p in sorted(out.glob("*.pdf"))]
    return "\n".join([*(p.read_text(encoding="utf-8") for p in files), *booklets])


def test_a_private_item_reaches_only_its_own_feeds(tmp_path: Path) -> None:
    out = published(tmp_path, private=True)
    assert "Soundcheck" not in public_text(out)
    assert "Soundcheck of the show" in (out / "ical" / "artist-ana.ics").read_text()
    assert "Soundcheck of the show" in (out / "ical" / "venue-hall.ics").read_text()


def test_the_same_item_not_private_is_public(tmp_path: Path) -> None:
    out = published(tmp_path, private=False)
    assert "Soundcheck" in public_text(out)
