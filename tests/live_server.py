"""A real `affiche serve` process for tests that need one (signals, sockets, concurrency).

Imported by test modules; it holds no tests itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

TOKEN = "test-token-0123456789abcdef"


@dataclass
class Live:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    log: Path

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (read from /proc; zombies do not count)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def live_server(directory: Path, *, workers: int = 2, db: str | None = None,
                header_timeout: float | None = None, log: Path | None = None) -> Iterator[Live]:
    port = free_port()
    command = [sys.executable, "-m", "affiche.cli", "serve", str(directory), "--host",
               "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if db:
        command += ["--db", db]
    if header_timeout:
        command += ["--header-timeout", str(header_timeout)]
    log = log or Path(directory).parent / f"server-{port}.log"
    env = {**os.environ, "AFFICHE_TOKEN": TOKEN, "AFFICHE_SOLVE_TIME_LIMIT": "20"}
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base, log)
        yield Live(process, base, port, log)
    finally:
        stop(process)


def _wait_ready(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/producer/login", timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer within 90 s: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
