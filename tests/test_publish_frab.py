"""frab exports: valid against the voc XSD and JSON schema, with stable guids and ids."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from affiche.programmes.publish import frab, publish_directory
from affiche.programmes.schedule import save_schedule
from tests.publish_builders import moved, paris_and_tokyo

DATA = Path(os.environ.get("AFFICHE_SHARED_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
SCHEMAS = DATA / "frab-schema"
XSD = SCHEMAS / "schedule.xml.xsd"
JSON_SCHEMA = SCHEMAS / "schedule.schema.json"
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not XSD.exists(), reason="frab schemas not available")


@pytest.fixture(scope="module", params=[None, "https://example.org/fest"])
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("frab")
    save_schedule(paris_and_tokyo(), directory)
    publish_directory(directory, base_url=request.param, now=NOW)
    return directory


def xml_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("schedule*.xml"))


def test_file_names(published: Path) -> None:
    names = {p.name for p in published.iterdir()}
    assert {
        "schedule.xml",
        "schedule-nuits.xml",
        "schedule-tokyo.xml",
        "schedule.frab.json",
        "schedule-nuits.frab.json",
        "schedule-tokyo.frab.json",
    } <= names
    assert (published / "schedule.xml").read_bytes() == (
        published / "schedule-nuits.xml"
    ).read_bytes()


def test_xml_valid_against_xsd(published: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    for path in xml_files(published):
        document = etree.parse(str(path))
        assert schema.validate(document), f"{path.name}: {schema.error_log}"


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint missing")
def test_xml_valid_with_xmllint(published: Path) -> None:
    files = [str(p) for p in xml_files(published)]
    run = subprocess.run(
        ["xmllint", "--noout", "--schema", str(XSD), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_json_valid_against_schema(published: Path) -> None:
    schema = json.loads(JSON_SCHEMA.read_text())
    for path in sorted(published.glob("schedule*.frab.json")):
        jsonschema.validate(
            json.loads(path.read_text()), schema, format_checker=jsonschema.FormatChecker()
        )


def test_validation_catches_a_broken_document(published: Path) -> None:
    """The validators are not vacuous: an event without its guid is refused."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.parse(str(published / "schedule.xml"))
    del document.find(".//event").attrib["guid"]
    assert not schema.validate(document)
    payload = json.loads((published / "schedule.frab.json").read_text())
    rooms = payload["schedule"]["conference"]["days"][0]["rooms"]
    del next(iter(rooms.values()))[0]["guid"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, json.loads(JSON_SCHEMA.read_text()))


def test_night_show_belongs_to_the_evening_before(published: Path) -> None:
    root = etree.parse(str(published / "schedule-nuits.xml")).getroot()
    guid = str(frab.event_guid("nuits.night.1"))
    event = root.find(f".//event[@guid='{guid}']")
    day = event.getparent().getparent()
    assert day.get("date") == "2026-03-28"
    assert event.findtext("date") == "2026-03-29T01:00:00+01:00"
    assert event.findtext("start") == "01:00"
    assert event.findtext("duration") == "01:00"
    assert day.get("end") == "2026-03-29T04:00:00+02:00"  # the day ends in summer time
    dawn = root.find(f".//event[@guid='{frab.event_guid('nuits.dawn.1')}']")
    assert dawn.findtext("date") == "2026-03-29T03:30:00+02:00"


def test_guids_and_ids_follow_the_documented_formula(published: Path) -> None:
    root = etree.parse(str(published / "schedule-nuits.xml")).getroot()
    for event in root.iter("event"):
        guid = uuid.UUID(event.get("guid"))
        assert int(event.get("id")) >= 1
        assert guid in {frab.event_guid(p.uid) for p in paris_and_tokyo().placements}
    assert frab.event_guid("nuits.nuit.1") == uuid.uuid5(uuid.NAMESPACE_URL, "affiche:nuits.nuit.1")


def test_escaped_markup_round_trips(published: Path) -> None:
    root = etree.parse(str(published / "schedule-nuits.xml")).getroot()
    titles = {e.findtext("title") for e in root.iter("event")}
    assert '<b>Nuit & "eau"</b>' in titles


def test_guids_stable_across_publishes(tmp_path: Path) -> None:
    def identities() -> dict[str, tuple[str, str]]:
        payload = json.loads((tmp_path / "schedule.frab.json").read_text())
        days = payload["schedule"]["conference"]["days"]
        return {
            e["slug"]: (e["guid"], e["id"])
            for d in days
            for evs in d["rooms"].values()
            for e in evs
        }

    save_schedule(paris_and_tokyo(), tmp_path)
    publish_directory(tmp_path, now=NOW)
    first = identities()
    save_schedule(moved(paris_and_tokyo(), "nuits.talk.1", timedelta(hours=2)), tmp_path)
    publish_directory(tmp_path, now=NOW + timedelta(days=1))
    assert identities() == first and len(first) == 6


def test_event_ids_unique_even_on_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frab, "stable_int", lambda guid: 7)
    ids = frab.event_ids(["a.x.1", "a.x.2", "a.y.1"])
    assert sorted(ids.values()) == [7, 8, 9]


def test_acronym_matches_both_schemas() -> None:
    assert frab.acronym("Bains-2026") == "bains_2026"
    assert frab.acronym("pi") == "pi__"


def test_bidi_zero_width_emoji_and_line_separator_survive_every_output(tmp_path: Path) -> None:
    """Format characters are text: iCal, frab XML and JSON carry them intact and valid."""
    import icalendar

    from affiche.cli import main

    tricky = "Shalom \u200fשלום\u200f zero\u200bwidth 🎉 line\u2028sep"
    quoted = '"' + "".join(
        c if ord(c) < 128 else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
        for c in tricky
    ) + '"'
    spec = tmp_path / "tricky.yaml"
    spec.write_text(
        "festivals:\n- id: tricky\n  name: Tricky\n  timezone: Europe/Paris\n"
        "  start: 2026-06-01\n  end: 2026-06-01\n  venues: [{id: v, name: V}]\n  items:\n"
        f"  - id: a\n    kind: talk\n    title: {quoted}\n    duration: 30\n"
        f"    description: {quoted}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["solve", str(spec), "--out", str(out), "--time-limit", "10"]) == 0
    assert main(["publish", str(out)]) == 0
    root = etree.parse(str(out / "schedule.xml")).getroot()
    assert root.find(".//event/title").text == tricky
    assert root.find(".//event/abstract").text == tricky
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(root.getroottree())
    payload = json.loads((out / "schedule.frab.json").read_text(encoding="utf-8"))
    (event,) = next(iter(payload["schedule"]["conference"]["days"][0]["rooms"].values()))
    assert event["title"] == tricky and event["abstract"] == tricky
    feeds = sorted(out.rglob("*.ics"))
    assert feeds
    calendar = icalendar.Calendar.from_ical(feeds[0].read_bytes())
    (vevent,) = [c for c in calendar.walk("VEVENT")]
    assert str(vevent["SUMMARY"]) == tricky
    assert tricky in str(vevent.get("DESCRIPTION", ""))
