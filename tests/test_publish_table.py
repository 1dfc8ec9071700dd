"""The CSV table exporter: one row per public occurrence, formulas quoted, served by the web
because it is registered once in exporters.py."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from affiche.programmes.publish import publish_directory
from affiche.programmes.publish.exporters import top_level_files
from affiche.programmes.publish.table import cell
from affiche.programmes.schedule import save_schedule
from tests.publish_builders import paris_and_tokyo

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_a_leading_formula_sign_is_quoted() -> None:
    assert cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("Reflets") == "Reflets" and cell(None) == ""


def test_the_table_holds_every_placement_in_start_order(tmp_path: Path) -> None:
    schedule = paris_and_tokyo()
    save_schedule(schedule, tmp_path)
    publish_directory(tmp_path, now=NOW)
    with (tmp_path / "programme.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["uid"] for r in rows) == sorted(p.uid for p in schedule.placements)
    starts = [datetime.fromisoformat(r["start"]) for r in rows]
    assert starts == sorted(starts)
    assert top_level_files()["programme.csv"].startswith("text/csv")
