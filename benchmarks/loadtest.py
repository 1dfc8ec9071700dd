"""`make loadtest`: an open-loop load generator against a served FOSDEM-size programme.

    python -m benchmarks.loadtest [--smoke] [--rates 100,500] [--seconds 20]
                                  [--dir DIR] [--url http://127.0.0.1:PORT] [--workers N]

Open loop: request i is sent at t0 + i/rate whether or not earlier ones have answered, and
its latency counts from that planned instant (a slow server cannot slow the generator down
and hide its own queue). Each step drives one path (the front page, an item page, a feed)
at one rate for a fixed time, against a server started for it. Bounded: at most
rate x seconds requests per step, each cut at `--timeout`, only to 127.0.0.1.

Bodies are asked gzipped, as browsers do, and counted as received, not inflated (inflating
a 1.3 MB feed costs the generator 20 ms, which would make it the bottleneck rather than
the server). Without `--url` it publishes FOSDEM 2026 from /work/shared/data (or `--spec`)
into DIR once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
FOSDEM = Path(
    os.environ.get("AFFICHE_LOADTEST_SPEC", "/work/shared/data/schedules/fosdem-2026.xml")
)
DEFAULT_DIR = Path("/tmp/affiche-loadtest")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass
class Step:
    path: str
    rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)  # ms, answered 2xx/3xx
    errors: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    wall: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def row(self) -> dict[str, object]:
        return {
            "path": self.path, "rate": self.rate, "seconds": self.seconds, "sent": self.sent,
            "ok": len(self.latencies), "errors": sum(self.errors.values()),
            "error_kinds": self.errors,
            "p50_ms": round(self.percentile(50), 1), "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "max_ms": round(max(self.latencies), 1) if self.latencies else None,
            "mean_kb": round(self.bytes / 1024 / max(1, len(self.latencies)), 1),
            "answered_per_s": round(len(self.latencies) / self.wall, 1) if self.wall else 0,
        }


async def _one(session: aiohttp.ClientSession, url: str, planned: float, step: Step,
               timeout: float) -> None:
    try:
        async with asyncio.timeout(timeout):
            async with session.get(url) as response:
                body = await response.read()
                status = response.status
    except TimeoutError:
        step.errors["timeout"] = step.errors.get("timeout", 0) + 1
        return
    except aiohttp.ClientError as error:
        kind = type(error).__name__
        step.errors[kind] = step.errors.get(kind, 0) + 1
        return
    if status >= 400:
        step.errors[str(status)] = step.errors.get(str(status), 0) + 1
        return
    step.latencies.append((time.perf_counter() - planned) * 1000)
    step.bytes += len(body)


async def run_step(base: str, step: Step, timeout: float, connections: int) -> Step:
    """Send rate x seconds requests on schedule, then wait for the last (bounded)."""
    total = int(step.rate * step.seconds)
    connector = aiohttp.TCPConnector(limit=connections)
    headers = {"Accept-Encoding": "gzip", "Accept-Language": "en"}
    async with aiohttp.ClientSession(base, connector=connector, headers=headers,
                                     auto_decompress=False) as session:
        tasks = []
        start = time.perf_counter()
        for i in range(total):
            planned = start + i / step.rate
            delay = planned - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_one(session, step.path, planned, step, timeout)))
        await asyncio.gather(*tasks)
        step.wall = time.perf_counter() - start
    return step


def _local(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise SystemExit(f"loadtest: only http://127.0.0.1 targets, not {url!r}")
    return f"http://{parts.hostname}:{parts.port or 80}"


def published(directory: Path, spec: Path) -> Path:
    """A published FOSDEM-size folder, made once (solving with the times kept)."""
    if (directory / "versions").is_dir() and (directory / "schedule.json").is_file():
        return directory
    if not spec.is_file():
        raise SystemExit(f"loadtest: {spec} not found (set AFFICHE_LOADTEST_SPEC)")
    shutil.rmtree(directory, ignore_errors=True)
    command = [sys.executable, "-m", "affiche.cli", "solve", str(spec), "--keep-times",
               "--out", str(directory), "--publish", "--time-limit", "30",
               "--base-url", "https://programme.example.org"]
    print("loadtest: publishing", spec.name, "into", directory, flush=True)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return directory


def targets(directory: Path) -> list[str]:
    """The front page, the item page of the first placement and the festival feed."""
    schedule = json.loads((directory / "schedule.json").read_text())
    item = schedule["placements"][0]["item"]
    feeds = sorted(p.name for p in (directory / "ical").glob("festival-*.ics"))
    feed = next((f for f in feeds if not f.endswith(".fr.ics")), feeds[0])
    return ["/", f"/item/{item}", f"/ical/{feed}"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(directory: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "affiche.cli", "serve", str(directory), "--host",
               "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("loadtest: the server did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def table(steps: list[Step]) -> str:
    lines = ["| path | rate/s | sent | errors | p50 ms | p95 ms | p99 ms | max ms | answered/s "
             "| KB received |", "|---|---|---|---|---|---|---|---|---|---|"]
    for step in steps:
        r = step.row()
        lines.append(f"| {r['path']} | {r['rate']:g} | {r['sent']} | {r['errors']} "
                     f"| {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} "
                     f"| {r['answered_per_s']} | {r['mean_kb']} |")
    return "\n".join(lines)


async def _warm(base: str, paths: list[str], connections: int = 16) -> None:
    """A few requests on fresh connections, so that every server process has rendered the
    page once (the first render per version is not what the steps measure)."""

    async def one(path: str) -> None:
        async with aiohttp.ClientSession(base) as session, session.get(path) as response:
            await response.read()

    await asyncio.gather(*(one(path) for path in paths for _ in range(connections)))


def _step(args: argparse.Namespace, directory: Path, step: Step) -> Step:
    """One step; against a server of its own unless `--url` (a backlog left by an overloaded
    step must not be measured as the next step's latency)."""
    server = None
    if args.url:
        base = _local(args.url)
    else:
        server, base = start_server(directory, args.workers)
    try:
        asyncio.run(_warm(base, [step.path]))
        return asyncio.run(run_step(base, step, args.timeout, args.connections))
    finally:
        if server is not None:
            stop_server(server)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.loadtest",
                                description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="50 and 100 requests/s for 3 s")
    p.add_argument("--rates", default=None, help="comma-separated requests/s (100,500)")
    p.add_argument("--seconds", type=float, default=None, help="per step (20)")
    p.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    p.add_argument("--connections", type=int, default=512)
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    p.add_argument("--spec", type=Path, default=FOSDEM)
    p.add_argument("--url", default=None, help="a server already running on 127.0.0.1")
    p.add_argument("--workers", type=int, default=0, help="affiche serve --workers N")
    p.add_argument("--only", default=None, help="only paths containing this")
    p.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out
    rates = [float(r) for r in (args.rates or ("50,100" if args.smoke else "100,500")).split(",")]
    seconds = args.seconds or (3.0 if args.smoke else 20.0)
    directory = published(args.dir, args.spec)
    paths = [t for t in targets(directory) if not args.only or args.only in t]
    steps = []
    for path in paths:
        for rate in rates:
            steps.append(_step(args, directory, Step(path, rate, seconds)))
            print(table(steps[-1:]).splitlines()[-1], flush=True)
    print(table(steps))
    if args.json:
        args.json.write_text(json.dumps([s.row() for s in steps], indent=1))
    median_p99 = statistics.median(s.percentile(99) for s in steps)
    print(f"median p99 over the steps: {median_p99:.1f} ms; "
          f"errors: {sum(sum(s.errors.values()) for s in steps)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
