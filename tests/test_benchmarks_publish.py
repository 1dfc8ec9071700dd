"""The publish rows of `make bench`: medians against the targets, and the real run."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks/` is beside the package, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.publish import HEAD, PublishCase, PublishRow, measure, section  # noqa: E402


def test_row_reports_the_median_against_its_target() -> None:
    fast = PublishRow("publish/x", 10, [1.0, 5.0, 2.0], 3.0)
    slow = PublishRow("publish/y", 10, [4.0, 3.5, 9.0], 3.0)
    assert fast.median == 2.0 and fast.line().endswith("| 2.00 | 1.00–5.00 | 3 | yes |")
    assert slow.line().endswith("| **no** |")
    text = section([fast, slow])
    assert text.startswith("## Publish") and HEAD in text


def test_measure_publishes_a_solved_folder(tmp_path: Path) -> None:
    spec = ROOT / "programmes" / "examples" / "pids-2018.yaml"
    row = measure(PublishCase("publish/pids", [spec], ["--time-limit", "10"], 60.0), runs=1)
    assert row.error == "" and row.placements > 0 and len(row.runs) == 1 and row.runs[0] > 0
    broken = measure(PublishCase("publish/none", [tmp_path / "missing.yaml"], [], 1.0), runs=1)
    assert broken.error.startswith("solve:") and broken.line().endswith(broken.error + " |")
