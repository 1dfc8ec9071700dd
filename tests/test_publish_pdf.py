"""The printable programme: a real PDF whose text holds titles, times and both indexes."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from affiche.programmes.publish import pdf, publish_directory
from affiche.programmes.publish.versions import occurrences_from_schedule
from affiche.programmes.schedule import save_schedule
from tests.publish_builders import paris_and_tokyo

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pdf")
    save_schedule(paris_and_tokyo(), directory)
    publish_directory(directory, now=NOW)
    return directory


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) missing")
    run = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return run.stdout


@pytest.mark.parametrize("name", ["programme.pdf", "programme.fr.pdf"])
def test_pdf_written(published: Path, name: str) -> None:
    data = (published / name).read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_english_booklet_text(published: Path) -> None:
    text = pdf_text(published / "programme.pdf")
    for expected in (
        "Nuits numériques",
        "28–30 March 2026",
        "Paris, FR",
        "Saturday 28 March",
        '<b>Nuit & "eau"</b>',
        "Listening to cities",
        "Night swim",
        "Ana Lumière",
        "Bo <Kollektiv>",
        "Grande Halle",
        "Le Cube & Co",
        "Tokyo Sound Days",
        "Ana live in Tokyo",
        "21:00",
        "01:00",
        "03:30",
        "Summer time begins tonight",
    ):
        assert expected in text, expected
    assert "Venues" in text and "Artists" in text


def test_french_booklet_text(published: Path) -> None:
    text = pdf_text(published / "programme.fr.pdf")
    for expected in (
        "samedi 28 mars",
        "<b>Nuit & « eau »</b>",
        "Écouter les villes",
        "Lieux",
        "Artistes",
        "Passage à l’heure d’été",
    ):
        assert expected in text, expected


def test_indexes_carry_page_numbers(published: Path) -> None:
    text = pdf_text(published / "programme.pdf")
    pages = text.split("\f")
    venue_page = next(p for p in pages if "Venues" in p and "Grande Halle" in p)
    night_page = next(n for n, p in enumerate(pages, start=1) if "Saturday 28 March" in p)
    line = next(row for row in venue_page.splitlines() if "Night swim" in row)
    assert line.rstrip().endswith(str(night_page))
    artist_page = next(p for p in pages if "Artists" in p and "Cyprien Écho" in p)
    assert "Listening to cities" in artist_page


def test_booklet_view_groups_days_then_venues() -> None:
    schedule = paris_and_tokyo()
    parts = pdf.booklets(schedule, occurrences_from_schedule(schedule), "en")
    nuits = parts[0]
    assert [d.label for d in nuits.days] == [
        "Saturday 28 March",
        "Sunday 29 March",
        "Monday 30 March",
    ]
    saturday = nuits.days[0]
    assert [v.name for v in saturday.venues] == ["Grande Halle", "Le Cube & Co"]
    night = next(e for v in saturday.venues for e in v.entries if e.uid == "nuits.night.1")
    assert (night.start, night.end, night.night) == ("01:00", "03:00", True)
    assert [a.name for a in nuits.artist_index] == ["Ana Lumière", "Bo <Kollektiv>", "Cyprien Écho"]


def test_html_is_escaped() -> None:
    schedule = paris_and_tokyo()
    parts = pdf.booklets(schedule, occurrences_from_schedule(schedule), "en")
    html = pdf.render_html(parts, "en", "test")
    assert "&lt;b&gt;Nuit &amp; " in html and "<b>Nuit" not in html
    assert "Bo &lt;Kollektiv&gt;" in html
