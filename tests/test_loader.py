"""Every way a spec can be wrong gives a `SpecError` naming the file, line and field."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.loader import LoadedSpec, load_specs

BASE = """\
festivals:
  - id: fest
    name: Festival
    city: Paris
    timezone: Europe/Paris
    start: 2026-06-12
    end: 2026-06-14
    hours: {opens: 10:00, closes: 23:00}
    venues:
      - id: hall
        name: Hall
        capacity: 200
      - id: studio
        name: Studio
    items:
      - id: talk
        kind: talk
        title: A talk
        duration: 60
        artists: [ana]
      - id: film
        kind: screening
        title: A film
        duration: 90
artists:
  - id: ana
    name: Ana
"""

OTHER = """\
festivals:
  - id: other
    name: Other festival
    city: Lyon
    timezone: Europe/Paris
    start: 2026-06-20
    end: 2026-06-21
    venues:
      - id: club
        name: Club
    items:
      - id: set
        kind: concert
        title: A set
        duration: 45
        artists: [ana]
artists:
  - id: ana
    name: Ana
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the `nth` line containing `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth - 1]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def write(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def issues(*paths: Path) -> list[SpecIssue]:
    with pytest.raises(SpecError) as caught:
        load_specs(list(paths))
    assert caught.value.issues
    return caught.value.issues


def only_issue(path: Path) -> SpecIssue:
    found = issues(path)
    assert len(found) == 1, found
    return found[0]


def loads(*paths: Path) -> LoadedSpec:
    return load_specs(list(paths))


def test_base_spec_loads(tmp_path: Path) -> None:
    loaded = loads(write(tmp_path, BASE))
    festival = loaded.spec.festivals[0]
    assert [i.id for i in festival.items] == ["talk", "film"]
    assert festival.start == date(2026, 6, 12)
    assert loaded.warnings == []


def test_clock_times_are_times_not_sexagesimal_numbers(tmp_path: Path) -> None:
    hours = loads(write(tmp_path, BASE)).spec.festivals[0].hours
    assert (hours.opens, hours.closes) == (time(10, 0), time(23, 0))


def test_sexagesimal_duration_is_refused_not_read_as_90(tmp_path: Path) -> None:
    path = write(tmp_path, edit(BASE, "duration: 90", "duration: 1:30"))
    issue = only_issue(path)
    assert (issue.field, issue.line) == ("festivals[0].items[1].duration", 24)
    assert "'1:30'" in issue.message


def test_norway_stays_a_country(tmp_path: Path) -> None:
    loaded = loads(write(tmp_path, edit(BASE, "city: Paris", "city: Oslo\n    country: NO")))
    assert loaded.spec.festivals[0].country == "NO"


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    text = edit(BASE, "name: Festival", "name: Festival: the first")
    issue = only_issue(write(tmp_path, text))
    assert issue.file == str(tmp_path / "spec.yaml")
    assert issue.line == line_of(text, "Festival: the first")
    assert issue.message.startswith("not valid YAML")
    assert str(issue).startswith(f"{tmp_path / 'spec.yaml'}:3:")


@pytest.mark.parametrize("text", ["- a\n- list\n", "just words\n", ""])
def test_spec_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    issue = only_issue(write(tmp_path, text))
    assert "a spec is a mapping with a 'festivals' list" in issue.message


def test_misspelt_field(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duraton: 90")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].duraton"
    assert issue.line == line_of(text, "duraton")
    assert "unknown field" in issue.message


def test_missing_required_field(tmp_path: Path) -> None:
    text = edit(BASE, "    timezone: Europe/Paris\n", "")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].timezone"
    assert issue.message == "required field is missing"
    assert issue.line == line_of(text, "- id: fest")


def test_item_without_duration(tmp_path: Path) -> None:
    text = edit(BASE, "        duration: 90\n", "")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1]"
    assert issue.line == line_of(text, "- id: film")
    assert "a screening needs a duration" in issue.message


def test_wrong_type(tmp_path: Path) -> None:
    text = edit(BASE, "capacity: 200", "capacity: lots")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].venues[0].capacity"
    assert issue.line == line_of(text, "capacity: lots")
    assert "(got 'lots')" in issue.message


def test_unknown_time_zone(tmp_path: Path) -> None:
    text = edit(BASE, "timezone: Europe/Paris", "timezone: Europe/Pariss")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].timezone"
    assert issue.line == line_of(text, "Europe/Pariss")
    assert "unknown time zone 'Europe/Pariss'" in issue.message


def test_unknown_artist_time_zone(tmp_path: Path) -> None:
    text = edit(BASE, "    name: Ana\n", "    name: Ana\n    timezone: Mars/Olympus\n")
    issue = only_issue(write(tmp_path, text))
    assert (issue.field, issue.line) == ("artists[0].timezone", line_of(text, "Mars/Olympus"))


def test_end_before_start(tmp_path: Path) -> None:
    text = edit(BASE, "end: 2026-06-14", "end: 2026-06-10")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0]"
    assert issue.line == line_of(text, "- id: fest")
    assert "end 2026-06-10 is before start 2026-06-12" in issue.message


def test_window_ending_before_it_starts(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        windows:\n"
                "          - {start: 2026-06-12 14:00, end: 2026-06-12 12:00}")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].windows[0]"
    assert issue.line == line_of(text, "14:00")
    assert "is not after start" in issue.message


def test_unknown_artist(tmp_path: Path) -> None:
    text = edit(BASE, "artists: [ana]", "artists:\n          - ana\n          - bea")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[0].artists[1]"
    assert issue.line == line_of(text, "- bea")
    assert issue.message == "unknown artist 'bea'"


def test_unknown_venue(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        venues: [hall, attic]")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].venues[1]"
    assert issue.line == line_of(text, "attic")
    assert "unknown venue of this festival 'attic'" in issue.message


def test_unknown_pinned_venue(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        pins:\n          - venue: attic")
    issue = only_issue(write(tmp_path, text))
    assert (issue.field, issue.line) == ("festivals[0].items[1].pins[0].venue",
                                         line_of(text, "attic"))


def test_unknown_item_in_a_relation(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        after: [nothing]")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].after[0]"
    assert issue.line == line_of(text, "after: [nothing]")
    assert issue.message == "unknown item 'nothing'"


def test_duplicate_item_id(tmp_path: Path) -> None:
    text = edit(BASE, "- id: film", "- id: talk")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].id"
    assert issue.line == line_of(text, "- id: talk", nth=2)
    assert issue.message == "item id 'talk' is used twice"


def test_duplicate_venue_id(tmp_path: Path) -> None:
    text = edit(BASE, "- id: studio", "- id: hall")
    issue = only_issue(write(tmp_path, text))
    assert (issue.field, issue.line) == ("festivals[0].venues[1].id",
                                         line_of(text, "- id: hall", nth=2))


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        duration: 45")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].duration"
    assert issue.line == line_of(text, "duration: 45")
    assert issue.message == "this key is given twice"


def test_after_cycle(tmp_path: Path) -> None:
    text = edit(BASE, "artists: [ana]", "artists: [ana]\n        after: [film]")
    text = edit(text, "duration: 90", "duration: 90\n        after: [talk]")
    found = issues(write(tmp_path, text))
    assert any("'after' relations form a cycle" in i.message for i in found), found
    cycle = next(i for i in found if "cycle" in i.message)
    assert cycle.field in ("festivals[0].items[0].after", "festivals[0].items[1].after")
    assert cycle.line in (line_of(text, "after: [film]"), line_of(text, "after: [talk]"))


def test_item_related_to_itself(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        same_day_as: [film]")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].same_day_as[0]"
    assert issue.message == "an item cannot be related to itself"


def test_window_outside_the_festival(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        windows:\n"
                "          - {start: 2026-07-01 10:00, end: 2026-07-01 12:00}")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].windows[0]"
    assert issue.line == line_of(text, "2026-07-01")
    assert "outside the festival" in issue.message


def test_overlapping_windows(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        windows:\n"
                "          - {start: 2026-06-12 10:00, end: 2026-06-12 14:00}\n"
                "          - {start: 2026-06-12 13:00, end: 2026-06-12 16:00}")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].windows[1]"
    assert issue.line == line_of(text, "13:00")
    assert "overlaps window 0" in issue.message


def test_closure_outside_the_festival(tmp_path: Path) -> None:
    text = edit(BASE, "        name: Studio\n", "        name: Studio\n        closures:\n"
                "          - {start: 2025-01-01 10:00, end: 2025-01-02 10:00}\n")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].venues[1].closures[0]"
    assert issue.line == line_of(text, "2025-01-01")


def test_day_outside_the_festival(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        days: [2026-06-12, 2026-06-20]")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].days[1]"
    assert "2026-06-20 is not a day of the festival" in issue.message


def test_pin_for_an_occurrence_the_item_does_not_have(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        pins:\n"
                "          - {occurrence: 2, venue: hall}")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1]"
    assert issue.line == line_of(text, "- id: film")
    assert "pin for occurrence 2, but the item has 1" in issue.message


def test_pin_that_says_nothing(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        pins:\n          - occurrence: 1")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].pins[0]"
    assert issue.line == line_of(text, "occurrence: 1")
    assert "a pin needs a venue, a start or a day" in issue.message


def test_after_dark_without_coordinates(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        after_dark: true")
    issue = only_issue(write(tmp_path, text))
    assert issue.field == "festivals[0].items[1].after_dark"
    assert issue.line == line_of(text, "after_dark")
    assert "latitude/longitude" in issue.message


def test_after_dark_with_festival_coordinates(tmp_path: Path) -> None:
    text = edit(BASE, "duration: 90", "duration: 90\n        after_dark: true")
    text = edit(text, "city: Paris", "city: Paris\n    latitude: 48.85\n    longitude: 2.35")
    assert loads(write(tmp_path, text)).spec.festivals[0].items[1].after_dark


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    text = edit(BASE, "artists: [ana]", "artists: [bea]")
    text = edit(text, "duration: 90", "duration: 90\n        venues: [attic]")
    found = issues(write(tmp_path, text))
    assert {i.field for i in found} == {
        "festivals[0].items[0].artists[0]", "festivals[0].items[1].venues[0]"}


# --- several files ----------------------------------------------------------------------


def test_two_files_share_an_artist_declared_identically(tmp_path: Path) -> None:
    loaded = loads(write(tmp_path, BASE, "a.yaml"), write(tmp_path, OTHER, "b.yaml"))
    assert [f.id for f in loaded.spec.festivals] == ["fest", "other"]
    assert [a.id for a in loaded.spec.artists] == ["ana"]


def test_artist_declared_differently_in_two_files(tmp_path: Path) -> None:
    other = edit(OTHER, "    name: Ana\n", "    name: Ana B.\n")
    second = write(tmp_path, other, "b.yaml")
    found = issues(write(tmp_path, BASE, "a.yaml"), second)
    assert len(found) == 1
    issue = found[0]
    assert (issue.file, issue.field) == (str(second), "artists[0].id")
    assert issue.line == line_of(other, "  - id: ana")
    assert "declared differently in another file" in issue.message


def test_problem_in_the_second_file_points_into_it(tmp_path: Path) -> None:
    other = edit(OTHER, "artists: [ana]", "artists: [zoe]")
    second = write(tmp_path, other, "b.yaml")
    issue = issues(write(tmp_path, BASE, "a.yaml"), second)[0]
    assert issue.file == str(second)
    assert issue.field == "festivals[0].items[0].artists[0]"
    assert issue.line == line_of(other, "artists: [zoe]")


def test_problems_in_both_files_are_all_reported(tmp_path: Path) -> None:
    first = write(tmp_path, edit(BASE, "duration: 90", "duraton: 90"), "a.yaml")
    second = write(tmp_path, edit(OTHER, "timezone: Europe/Paris", "timezone: Nowhere"), "b.yaml")
    assert {i.file for i in issues(first, second)} == {str(first), str(second)}


def test_item_id_used_in_two_files(tmp_path: Path) -> None:
    other = edit(OTHER, "- id: set", "- id: film")
    second = write(tmp_path, other, "b.yaml")
    found = issues(write(tmp_path, BASE, "a.yaml"), second)
    assert len(found) == 1
    assert (found[0].file, found[0].field) == (str(second), "festivals[0].items[0].id")
    assert found[0].line == line_of(other, "- id: film")


def test_missing_file(tmp_path: Path) -> None:
    issue = only_issue(tmp_path / "nothing.yaml")
    assert (issue.file, issue.message) == (str(tmp_path / "nothing.yaml"), "no such file")


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", "some notes\n"), ("data.json", '{"not": "frab"}'), ("page.xml", "<html/>")],
)
def test_file_that_is_not_a_spec(tmp_path: Path, name: str, content: str) -> None:
    issue = only_issue(write(tmp_path, content, name))
    assert issue.file == str(tmp_path / name)
    assert issue.message.startswith("not a spec")
