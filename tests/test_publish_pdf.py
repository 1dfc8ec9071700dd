"""The printable programme: a real PDF whose text holds titles, times and both indexes."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from affiche.programmes.publish import pdf, publish_directory
from affiche.programmes.publish.versions import occurrences_from_schedule
from affiche.programmes.schedule import Placement, save_schedule
from affiche.programmes.text import Text
from tests.publish_builders import local, paris_and_tokyo

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


INJECTION = '#set page(fill: red) *bold* $x^2$ <lbl> @ref \\ ] [ // "q" `raw`'


def test_booklet_is_a5(published: Path) -> None:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) missing")
    for name in ("programme.pdf", "programme.fr.pdf"):
        info = subprocess.run(
            ["pdfinfo", str(published / name)], capture_output=True, check=True, text=True
        ).stdout
        assert "419.528 x 595.276 pts" in info, info  # A5: 148 x 210 mm


def test_markup_in_titles_prints_as_written(tmp_path: Path) -> None:
    """Titles and names reach Typst as data: its markup characters are text, not code."""
    schedule = paris_and_tokyo()
    items = [
        i.model_copy(update={"title": Text(en=INJECTION, fr=INJECTION)}) if i.id == "talk" else i
        for i in schedule.items
    ]
    artists = [
        a.model_copy(update={"name": "#emph[Cy] \\@x"}) if a.id == "cy" else a
        for a in schedule.artists
    ]
    schedule = schedule.model_copy(update={"items": items, "artists": artists})
    pdf.render_programme(schedule, occurrences_from_schedule(schedule), "en", tmp_path / "p.pdf")
    text = " ".join(pdf_text(tmp_path / "p.pdf").split())
    assert INJECTION in text
    assert "#emph[Cy] \\@x" in text


def test_booklet_data_is_json_of_the_view() -> None:
    schedule = paris_and_tokyo()
    parts = pdf.booklets(schedule, occurrences_from_schedule(schedule), "en")
    data = json.loads(pdf.booklet_data(parts, "en", "test"))
    assert data["labels"]["venues"] == "Venues"
    names = [a["name"] for a in data["parts"][0]["artist_index"]]
    assert names == ["Ana Lumière", "Bo <Kollektiv>", "Cyprien Écho"]


def test_french_booklet_names_venues_in_french(tmp_path: Path) -> None:
    schedule = paris_and_tokyo()
    venues = [
        v.model_copy(update={"name": "Great Hall", "name_fr": "Grande Halle"})
        if v.id == "halle"
        else v
        for v in schedule.venues
    ]
    schedule = schedule.model_copy(update={"venues": venues})
    occurrences = occurrences_from_schedule(schedule)
    cases = (("fr", "Grande Halle", "Great Hall"), ("en", "Great Hall", "Grande"))
    for lang, shown, hidden in cases:
        pdf.render_programme(schedule, occurrences, lang, tmp_path / f"{lang}.pdf")
        text = pdf_text(tmp_path / f"{lang}.pdf")
        assert shown.upper() in text and shown in text, lang  # day pages and venue index
        assert hidden not in text and hidden.upper() not in text, lang
    french = pdf_text(tmp_path / "fr.pdf")
    assert "CONFÉRENCE" in french and "PERFORMANCE" in french  # kinds in French


def test_an_installation_is_listed_on_every_day_it_is_open() -> None:
    schedule = paris_and_tokyo()

    def stretch(p: Placement) -> Placement:
        if p.item != "lights":
            return p
        start = local("pytz", "Europe/Paris", 2026, 3, 28, 10, 0)
        return p.model_copy(update={"start": start, "day": start.date()})

    schedule = schedule.model_copy(update={"placements": [stretch(p) for p in schedule.placements]})
    nuits = pdf.booklets(schedule, occurrences_from_schedule(schedule), "en")[0]
    listed = [
        (day.label, e.start, e.end, e.hours, e.anchor)
        for day in nuits.days
        for venue in day.venues
        for e in venue.entries
        if e.uid == "nuits.lights.1"
    ]
    hours = "Open daily, 28 March – 30 March"
    assert listed == [
        ("Saturday 28 March", "10:00", "20:00", hours, True),
        ("Sunday 29 March", "10:00", "20:00", hours, False),
        ("Monday 30 March", "10:00", "20:00", hours, False),
    ]
    single = pdf.booklets(paris_and_tokyo(), occurrences_from_schedule(paris_and_tokyo()), "en")
    entries = [e for d in single[0].days for v in d.venues for e in v.entries]
    assert [(e.hours, e.anchor) for e in entries if e.uid == "nuits.lights.1"] == [("", True)]


def test_each_festival_opens_on_a_right_hand_page(published: Path) -> None:
    pages = pdf_text(published / "programme.pdf").split("\f")
    covers = [n for n, p in enumerate(pages, start=1) if p.lstrip().startswith("PROGRAMME")]
    assert len(covers) == 2 and all(n % 2 == 1 for n in covers), covers


def test_each_festival_has_its_own_booklet_when_a_folder_holds_several(published: Path) -> None:
    folder = published / "booklets"
    assert sorted(p.name for p in folder.iterdir()) == [
        "nuits.fr.pdf", "nuits.pdf", "tokyo.fr.pdf", "tokyo.pdf"]
    nuits, tokyo = pdf_text(folder / "nuits.pdf"), pdf_text(folder / "tokyo.pdf")
    assert "Listening to cities" in nuits and "Ana live in Tokyo" not in nuits
    assert "Ana live in Tokyo" in tokyo and "Listening to cities" not in tokyo
    assert "Ana en concert à Tokyo" in pdf_text(folder / "tokyo.fr.pdf")
    whole = pdf_text(published / "programme.pdf")  # the whole programme stays
    assert "Listening to cities" in whole and "Ana live in Tokyo" in whole


def test_one_festival_needs_no_booklet_of_its_own(tmp_path: Path) -> None:
    schedule = paris_and_tokyo()
    alone = schedule.model_copy(update={
        "festivals": schedule.festivals[:1],
        "venues": [v for v in schedule.venues if v.festival == "nuits"],
        "items": [i for i in schedule.items if i.festival == "nuits"],
        "placements": [p for p in schedule.placements if p.festival == "nuits"],
    })
    save_schedule(alone, tmp_path)
    publish_directory(tmp_path, now=NOW)
    assert (tmp_path / "programme.pdf").is_file() and not (tmp_path / "booklets").exists()


def test_an_index_says_continued_on_its_next_pages(tmp_path: Path) -> None:
    """A venue index longer than a page repeats its heading, "continued", on the next."""
    schedule = paris_and_tokyo()
    base = next(p for p in schedule.placements if p.uid == "nuits.talk.1")
    extra = [base.model_copy(update={"uid": f"nuits.talk.{n}", "occurrence": n})
             for n in range(2, 90)]
    save_schedule(schedule.model_copy(update={"placements": schedule.placements + extra}),
                  tmp_path)
    publish_directory(tmp_path, now=NOW)
    pages = pdf_text(tmp_path / "booklets" / "nuits.pdf").split("\f")
    first = next(n for n, p in enumerate(pages) if p.lstrip().startswith("Venues"))
    assert "Venues (continued)" not in pages[first]
    assert "Venues (continued)" in pages[first + 1]  # the index runs on to the next page
    assert "Artists (continued)" not in pages[first + 1]
