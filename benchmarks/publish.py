"""Publish rows of `make bench`: `affiche publish DIR` timed as a producer runs it.

Each case is solved once (not timed), then published `runs` times, each run in a fresh
process on a fresh copy of the solved folder (a first publish: every feed, both booklets,
the frab files, the version record). The row is the median wall time of those runs
against the target of issue 15: FOSDEM size under 15 s, the bundled festivals under 3 s.

    python -m benchmarks.publish [--runs N] [--out DIR]   # alone, prints the section
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.instances import data_dir, matches


@dataclass(frozen=True)
class PublishCase:
    name: str
    specs: list[Path]
    solve_flags: list[str]
    target_s: float


@dataclass(frozen=True)
class PublishRow:
    name: str
    placements: int
    runs: list[float]
    target_s: float
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    def line(self) -> str:
        if self.error:
            return f"| {self.name} | – | – | – | – | {self.target_s:g} | error: {self.error} |"
        met = "yes" if self.median < self.target_s else "**no**"
        return (
            f"| {self.name} | {self.placements} | {len(self.runs)} | {self.median:.2f} | "
            f"{min(self.runs):.2f}–{max(self.runs):.2f} | {self.target_s:g} | {met} |"
        )


HEAD = (
    "| publish | placements | runs | median s | range s | target s | met |\n"
    "|---|---|---|---|---|---|---|"
)


def cases() -> list[PublishCase]:
    from affiche.programmes.examples import bundled_specs

    found = [PublishCase("publish/bundled", bundled_specs(), ["--time-limit", "20"], 3.0)]
    fosdem = data_dir() / "schedules" / "fosdem-2026.xml"
    if fosdem.is_file():
        found.append(PublishCase("publish/fosdem-2026", [fosdem], ["--keep-times"], 15.0))
    return found


def _affiche(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "affiche.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def measure(case: PublishCase, runs: int) -> PublishRow:
    with tempfile.TemporaryDirectory(prefix="affiche-bench-publish-") as tmp:
        solved = Path(tmp) / "solved"
        done = _affiche("solve", *map(str, case.specs), "--out", str(solved), *case.solve_flags)
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return PublishRow(case.name, 0, [], case.target_s, f"solve: {tail[:160]}")
        placements = (solved / "schedule.json").read_text(encoding="utf-8").count('"uid"')
        times = []
        for n in range(runs):
            folder = Path(tmp) / f"run-{n}"
            shutil.copytree(solved, folder)
            began = time.perf_counter()
            done = _affiche("publish", str(folder))
            times.append(time.perf_counter() - began)
            if done.returncode != 0:
                tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
                return PublishRow(case.name, placements, [], case.target_s, tail[:160])
            shutil.rmtree(folder)
    return PublishRow(case.name, placements, times, case.target_s)


def section(rows: list[PublishRow]) -> str:
    return "\n".join(
        ["## Publish", "", "`affiche publish DIR`, whole process, first publish of a solved "
         "folder: every iCal feed in both languages, both booklets, frab files.", "", HEAD]
        + [row.line() for row in rows]
    ) + "\n"


def publish_rows(args: argparse.Namespace, report: Path | None = None) -> list[PublishRow]:
    """The harness's hook: measure the publish cases `--only` selects (none with
    `--instance`) and append their section to `report`."""
    if getattr(args, "instance", None):
        return []
    chosen = [c for c in cases() if matches(c.name, getattr(args, "only", None))]
    rows = []
    for case in chosen:
        print(case.name, flush=True)
        row = measure(case, max(1, getattr(args, "runs", 3)))
        print(f"  {row.line()}", flush=True)
        rows.append(row)
    if rows and report is not None:
        with report.open("a", encoding="utf-8") as handle:
            handle.write("\n" + section(rows))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.publish")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", metavar="PATTERN")
    args = parser.parse_args(argv)
    args.instance = []
    rows = publish_rows(args)
    print()
    print(section(rows))
    return 0 if all(not row.error for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
