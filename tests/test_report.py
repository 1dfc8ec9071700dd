"""The solve report: a real small solve, written as HTML that parses, names every venue,
shows the status, the artists' nights and an SVG picture, and escapes what it shows."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from affiche.cli import main
from affiche.programmes.report import write_report
from affiche.programmes.schedule import Schedule, ViolationInfo, load_schedule

SPEC = """\
festivals:
  - id: fest
    name: "Festival <fest> & friends"
    city: Paris
    timezone: Europe/Paris
    start: 2026-06-12
    end: 2026-06-14
    hours: {opens: "10:00", closes: "23:00"}
    venues:
      - {id: hall, name: Grande halle, capacity: 300, features: [stage, sound],
         hours: {opens: "14:00", closes: "01:00"}, changeover_minutes: 15}
      - {id: studio, name: "Studio <B> & co", capacity: 60, features: [projection],
         installation_slots: 1}
      - {id: garden, name: Jardin, capacity: 500, features: [sound]}
    items:
      - {id: opening, kind: talk, title: {en: Opening, fr: Ouverture}, duration: 30,
         artists: [ana], days: [2026-06-12]}
      - {id: closing, kind: concert, title: {en: Closing concert, fr: Concert de clôture},
         duration: 90, artists: [ana, ben], requires: [stage], days: [2026-06-14],
         preferred_hours: [{opens: "21:00", closes: "23:00"}]}
      - {id: film, kind: screening, title: "Films: light <short>", duration: 80,
         occurrences: 2, artists: [ben], requires: [projection]}
      - {id: lab, kind: workshop, title: Sound lab, duration: 120, artists: [cleo],
         days: [2026-06-13]}
      - {id: mirror, kind: installation, title: Mirror, artists: [cleo]}
artists:
  - {id: ana, name: Ana Duarte}
  - {id: ben, name: Ben Mori}
  - {id: cleo, name: Cléo Marchand}
"""

CHROMIUM = "/usr/bin/chromium"


class Collector(HTMLParser):
    """Every start tag and every piece of text of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Schedule:
    folder = tmp_path_factory.mktemp("report")
    spec = folder / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = folder / "out"
    assert main(["solve", str(spec), "--out", str(out), "--workers", "2"]) == 0
    return load_schedule(out)


def parse(path: Path) -> Collector:
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


def test_report_shows_status_venues_nights_and_a_picture(solved: Schedule, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    violations = [
        ViolationInfo(family="hotel nights", label="ana@fest", cost=8.0,
                      message="hotel nights: ana@fest (cost 8)", artist="ana", festival="fest"),
        ViolationInfo(family="preferred venue", label="odd <script>alert(1)</script>",
                      cost=3.0, message="odd"),
    ]
    write_report(solved, solved.solve.terms, violations, path)
    html = path.read_text(encoding="utf-8")
    page = parse(path)
    text = " ".join(" ".join(page.text).split())
    assert "svg" in page.tags and "<svg" in html
    assert "script" not in page.tags and "&lt;script&gt;" in html  # escaped, not run
    assert solved.solve.status in text
    for venue in solved.venues:
        assert venue.name in text, venue.name
    assert "Studio &lt;B&gt; &amp; co" in html
    # Ana opens on the 12th and closes on the 14th: two nights; Ben films and closes.
    rows = {line.split("|")[0]: line for line in _table_rows(html)}
    assert rows["Ana Duarte"].endswith("|2")
    ben_days = {p.day for p in solved.placements if "ben" in p.artists}
    assert rows["Ben Mori"].endswith(f"|{(max(ben_days) - min(ben_days)).days}")
    assert "installation: Mirror" in rows["Cléo Marchand"]
    assert rows["Cléo Marchand"].endswith("|0")
    for family in solved.solve.terms:
        assert family in text
    assert "ana@fest" in text


def _table_rows(html: str) -> list[str]:
    """The artists table as `name|festival|days|nights` lines."""
    section = html.split("Artists: days and hotel nights", 1)[1].split("</table>", 1)[0]
    rows = []
    for chunk in section.split("<tr>")[2:]:
        cells = [_strip(c.split("</td>", 1)[0]) for c in chunk.split("<td")[1:]]
        rows.append("|".join(cells))
    return rows


def _strip(cell: str) -> str:
    parser = Collector()
    parser.feed("<td" + cell)
    return " ".join(" ".join(parser.text).split())


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_report_renders_in_a_browser(solved: Schedule, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_report(solved, solved.solve.terms, [], path)
    shot = tmp_path / "report.png"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", f"--screenshot={shot}", "--window-size=1200,900",
        path.as_uri(),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 10_000
