"""`make loadtest`'s generator: its arithmetic, its bounds, and one tiny step for real."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks/` is beside the package, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.loadtest import Step, _local, run_step, table, targets  # noqa: E402
from tests.live_server import live_server  # noqa: E402
from tests.test_web_support import published_dir, site_dir  # noqa: E402, F401


def test_percentiles_and_the_table() -> None:
    step = Step("/", 100, 1, latencies=[float(n) for n in range(1, 101)], errors={"500": 2})
    assert step.sent == 102 and step.percentile(50) == 51 and step.percentile(99) == 100
    row = step.row()
    assert row["errors"] == 2 and row["p95_ms"] == 96.0
    assert table([step]).splitlines()[-1].startswith("| / | 100 | 102 | 2 | 51.0 |")


@pytest.mark.parametrize("url", ["http://example.org:80", "https://127.0.0.1:8000",
                                 "http://10.0.0.1:8000"])
def test_only_loopback_targets(url: str) -> None:
    with pytest.raises(SystemExit):
        _local(url)
    assert _local("http://127.0.0.1:8123/x") == "http://127.0.0.1:8123"


def test_a_small_open_loop_step_against_a_real_server(site_dir: Path) -> None:
    paths = targets(site_dir)
    assert paths[0] == "/" and paths[1].startswith("/item/") and paths[2].startswith("/ical/")
    with live_server(site_dir, workers=1) as live:
        step = asyncio.run(run_step(live.base, Step(paths[1], 20, 1), timeout=10, connections=8))
    assert step.sent == 20 and step.errors == {} and len(step.latencies) == 20
    assert step.bytes > 0
