"""`affiche serve` as a real process: granian workers, SIGTERM, slow clients, files."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import gzip
import signal
import socket
import time
from pathlib import Path

import httpx

from tests.live_server import alive, descendants, live_server
from tests.test_web_support import SPEC_YAML, published_dir, site_dir  # noqa: F401


def test_sigterm_stops_the_server_and_its_solve_processes(site_dir: Path) -> None:
    with live_server(site_dir, workers=2) as live:
        auth = live.auth()
        spec = {"name": "webfest", "content": SPEC_YAML}
        assert httpx.post(live.base + "/api/producer/specs", json=spec, headers=auth,
                          timeout=30).status_code in (200, 201)
        run = httpx.post(live.base + "/api/producer/solves", json={"time_limit": 5},
                         headers=auth, timeout=30).json()
        done = httpx.get(f"{live.base}/api/producer/solves/{run['id']}?wait=60", headers=auth,
                         timeout=90).json()
        assert done["status"] == "done", done
        httpx.post(live.base + "/api/producer/solves", json={"time_limit": 20}, headers=auth,
                   timeout=30)  # a second one, running or about to, when the signal comes
        below = descendants(live.process.pid)
        assert len(below) >= 3, below  # two server workers and at least one solve process
        live.process.send_signal(signal.SIGTERM)
        live.process.wait(40)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in below):
            time.sleep(0.2)
        assert not [pid for pid in below if alive(pid)]


def test_a_connection_holding_half_sent_headers_is_closed(site_dir: Path) -> None:
    with live_server(site_dir, workers=1, header_timeout=1.5) as live:
        slow = socket.create_connection(("127.0.0.1", live.port), timeout=15)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        # meanwhile the server answers others
        assert httpx.get(live.base + "/?lang=en", timeout=10).status_code == 200
        received = b""
        try:
            while chunk := slow.recv(4096):
                received += chunk
        except (ConnectionResetError, TimeoutError):
            pass
        waited = time.monotonic() - started
        slow.close()
        assert waited < 6, f"the half-sent request was held {waited:.1f} s"
        assert b"200 OK" not in received


def test_a_real_server_sends_files_whole_with_head_and_gzip(site_dir: Path) -> None:
    feed = "/ical/festival-webfest.ics"
    expected = (site_dir / "ical" / "festival-webfest.ics").read_bytes()
    with live_server(site_dir, workers=1) as live:
        plain = httpx.get(live.base + feed, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and plain.content == expected
        with httpx.stream("GET", live.base + feed, headers={"Accept-Encoding": "gzip"}) as packed:
            body = b"".join(packed.iter_raw())
            assert packed.headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == expected
        head = httpx.head(live.base + "/?lang=en", headers={"Accept-Encoding": "gzip"})
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-encoding"] == "gzip"
