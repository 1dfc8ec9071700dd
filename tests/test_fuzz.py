"""Property tests: specs, frab XML/JSON and spreadsheets, mutated by hypothesis, load as a
valid spec or fail with a located SpecError, never anything else (bounded examples; the
long coverage-guided run is `make fuzz`)."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import (
    CRASHERS,
    SEED_FRAB_JSON,
    SEED_FRAB_XML,
    SEED_SHEETS,
    SEED_SPEC,
    check_bytes,
    check_sheets,
    json_bytes,
)

EXAMPLES = int(os.environ.get("AFFICHE_FUZZ_EXAMPLES", "40"))  # `make fuzz` raises it
BOUNDED = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

EDGE_TEXT = st.sampled_from([
    "", " ", "0", "-1", "1e400", "NaN", "2026-02-30", "0001-01-01", "9999-12-31T23:59:59+14:00",
    "24:00", "25:61", "Europe/Nowhere", "\r\nBEGIN:VEVENT", "\x00", "\x0c", "\u2028",
    "x" * 5000, "a;b;c", "1:30", "true", "yes", "null", "[", "{", "&amp;", "<b>",
])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), EDGE_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(document: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(document, dict):
        for key, value in document.items():
            found += _paths(value, (*here, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _paths(value, (*here, index))
    return found


def _mutated(seed: Any, mutations: list[tuple[int, Any]]) -> Any:
    document = copy.deepcopy(seed)
    for choice, value in mutations:
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
        path = paths[choice % len(paths)]
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
    return document


MUTATIONS = st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), VALUES), max_size=4)


@BOUNDED
@given(MUTATIONS)
def test_mutated_yaml_specs(mutations: list[tuple[int, Any]]) -> None:
    text = yaml.safe_dump(_mutated(SEED_SPEC, mutations), allow_unicode=True)
    check_bytes(text.encode("utf-8", "surrogatepass"), ".yaml")


@BOUNDED
@given(st.integers(min_value=0), st.text(max_size=40))
def test_yaml_text_spliced(position: int, insert: str) -> None:
    text = yaml.safe_dump(SEED_SPEC, allow_unicode=True)
    at = position % (len(text) + 1)
    check_bytes((text[:at] + insert + text[at:]).encode("utf-8", "surrogatepass"), ".yaml")


@BOUNDED
@given(MUTATIONS)
def test_mutated_frab_json(mutations: list[tuple[int, Any]]) -> None:
    check_bytes(json_bytes(_mutated(SEED_FRAB_JSON, mutations)), ".json")


@BOUNDED
@given(st.integers(min_value=0), st.binary(max_size=40), st.integers(min_value=0, max_value=40))
def test_frab_xml_bytes_spliced(position: int, insert: bytes, cut: int) -> None:
    data = SEED_FRAB_XML.encode()
    at = position % (len(data) + 1)
    check_bytes(data[:at] + insert + data[at + cut:], ".xml")


@BOUNDED
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.one_of(
    st.text(max_size=30), EDGE_TEXT)), max_size=5))
def test_mutated_spreadsheets(cells: list[tuple[int, str]]) -> None:
    sheets = {name: [list(row) for row in rows] for name, rows in SEED_SHEETS.items()}
    places = [(name, r, c) for name, rows in sheets.items()
              for r, row in enumerate(rows) for c in range(len(row) + 1)]
    for choice, value in cells:
        name, r, c = places[choice % len(places)]
        row = sheets[name][r]
        if c < len(row):
            row[c] = value
        else:
            row.append(value)
    check_sheets(sheets)


def test_the_seeds_themselves_load() -> None:
    assert check_bytes(yaml.safe_dump(SEED_SPEC).encode(), ".yaml") == "valid"
    assert check_bytes(json_bytes(SEED_FRAB_JSON), ".json") == "valid"
    assert check_bytes(SEED_FRAB_XML.encode(), ".xml") == "valid"
    assert check_sheets(SEED_SHEETS) == "valid"


@pytest.mark.parametrize(
    "crasher", sorted(CRASHERS.glob("*")) if CRASHERS.is_dir() else [], ids=lambda p: p.name
)
def test_saved_crashers(crasher: Path) -> None:
    """Inputs that once crashed a loader (named `<anything>.<yaml|json|xml>`)."""
    check_bytes(crasher.read_bytes(), crasher.suffix)
