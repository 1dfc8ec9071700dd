"""Publishing under faults: kill -9 at any moment, two publishes at once, a read-only folder.

The kill test forks a real publish process, kills it with SIGKILL at a random moment of
its run, then reads every documented output path and compares it, byte for byte, with a
reference: the folder must hold the previous version or the new one, complete.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from affiche.programmes.publish import PublishError, publish_directory
from affiche.programmes.publish.release import RELEASES, STAGING_PREFIX
from affiche.programmes.schedule import save_schedule
from tests.publish_builders import dropped, moved, paris_and_tokyo

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
TRIALS = 20
FORK = multiprocessing.get_context("fork")


def served(directory: Path) -> dict[str, bytes]:
    """Every file a reader finds through the documented paths (symlinks followed)."""
    found: dict[str, bytes] = {}
    for name in sorted(os.listdir(directory)):
        if name.startswith(".") or name == "schedule.json":
            continue
        path = directory / name
        if path.is_dir():
            for inner in sorted(path.iterdir()):
                found[f"{name}/{inner.name}"] = inner.read_bytes()
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def second_schedule() -> object:
    return dropped(moved(paris_and_tokyo(), "nuits.talk.1", timedelta(hours=1)), "nuits.nuit.2")


def _publish_later(directory: str) -> None:
    publish_directory(Path(directory), now=LATER)


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict, float]:
    """A folder at version 1 with version 2's schedule waiting, and both versions' files."""
    base = tmp_path_factory.mktemp("kill")
    first = base / "first"
    save_schedule(paris_and_tokyo(), first)
    publish_directory(first, now=NOW)
    save_schedule(second_schedule(), first)  # type: ignore[arg-type]
    old = served(first)
    done = base / "done"
    shutil.copytree(first, done, symlinks=True)
    started = time.monotonic()
    publish_directory(done, now=LATER)
    duration = time.monotonic() - started
    return first, old, served(done), duration


def test_kill_at_any_moment_leaves_one_complete_version(
    references: tuple[Path, dict, dict, float], tmp_path: Path
) -> None:
    first, old, new, duration = references
    assert old != new
    rng = random.Random(17)
    outcomes = {"old": 0, "new": 0}
    for trial in range(TRIALS):
        folder = tmp_path / f"trial-{trial}"
        shutil.copytree(first, folder, symlinks=True)
        process = FORK.Process(target=_publish_later, args=(str(folder),))
        process.start()
        time.sleep(rng.uniform(0, duration * 1.1))
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        now_served = served(folder)
        assert now_served in (old, new), f"trial {trial}: a mix of two versions"
        outcomes["old" if now_served == old else "new"] += 1
        if trial % 5 == 4:  # the next publish works and removes what the killed one left
            result = publish_directory(folder, now=LATER)
            assert result.version == (2 if now_served == old else 3)
            assert not list(folder.glob(STAGING_PREFIX + "*"))
            releases = [p for p in (folder / RELEASES).iterdir() if p.is_dir()]
            assert len([p for p in releases if not p.is_symlink()]) <= 2
        shutil.rmtree(folder)
    assert outcomes["old"] > 0  # the kills did land inside publishes


def test_next_publish_cleans_staging_left_by_a_kill(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    publish_directory(tmp_path, now=NOW)
    (tmp_path / f"{STAGING_PREFIX}dead").mkdir()
    (tmp_path / f"{STAGING_PREFIX}dead" / "programme.pdf").write_bytes(b"half")
    orphan = tmp_path / RELEASES / "0002-deadbeef"
    orphan.mkdir()
    publish_directory(tmp_path, now=LATER)
    assert not (tmp_path / f"{STAGING_PREFIX}dead").exists()
    assert not orphan.exists()
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["0001.json", "0002.json"]


def test_two_publishes_at_once_take_turns(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    script = (
        "import sys; from pathlib import Path; "
        "from affiche.programmes.publish import publish_directory; "
        "print(publish_directory(Path(sys.argv[1])).version)"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                         stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert sorted(outputs) == ["1", "2"]
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["0001.json", "0002.json"]


def test_old_layout_is_taken_over_with_its_records(tmp_path: Path) -> None:
    """A folder published before release folders (real files, real versions/)."""
    save_schedule(paris_and_tokyo(), tmp_path)
    (tmp_path / "ical").mkdir()
    (tmp_path / "ical" / "festival-gone.ics").write_text("old")
    (tmp_path / "programme.pdf").write_bytes(b"old")
    reference = tmp_path / "ref"
    save_schedule(paris_and_tokyo(), reference)
    publish_directory(reference, now=NOW)
    (tmp_path / "versions").mkdir()
    shutil.copy(reference / "versions" / "0001.json", tmp_path / "versions" / "0001.json")
    shutil.rmtree(reference)
    result = publish_directory(tmp_path, now=LATER)
    assert result.version == 2 and result.new == 0
    assert (tmp_path / "ical").is_symlink() and (tmp_path / "programme.pdf").is_symlink()
    assert not (tmp_path / "ical" / "festival-gone.ics").exists()
    assert (tmp_path / "programme.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["0001.json", "0002.json"]


def _immutable(path: Path, on: bool) -> bool:
    flag = "+i" if on else "-i"
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_read_only_folder_is_a_clear_error_and_keeps_the_last_version(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    save_schedule(paris_and_tokyo(), folder)
    publish_directory(folder, now=NOW)
    good = served(folder)
    save_schedule(second_schedule(), folder)  # type: ignore[arg-type]
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or not _immutable(folder, True):
            pytest.skip("root, and no chattr +i here: cannot make a read-only folder")
    else:
        folder.chmod(0o555)
    try:
        with pytest.raises(PublishError, match="cannot write the new version"):
            publish_directory(folder, now=LATER)
    finally:
        if os.geteuid() == 0:
            _immutable(folder, False)
        folder.chmod(0o755)
    assert served(folder) == good
    assert publish_directory(folder, now=LATER).version == 2


def test_non_http_base_url_is_refused(tmp_path: Path) -> None:
    save_schedule(paris_and_tokyo(), tmp_path)
    for url in ("javascript:alert(1)//", "data:text/html,x", "https://x.example/\r\nX: y"):
        with pytest.raises(PublishError, match="not an http"):
            publish_directory(tmp_path, base_url=url, now=NOW)
    assert not (tmp_path / "versions").exists()


def test_feed_text_cannot_break_out_of_its_line() -> None:
    """Names and titles that slipped past the spec (an old version record, say): every
    property stays on its line, no injected component or property."""
    from affiche.programmes.publish import ical
    from affiche.programmes.publish.versions import PublishedOccurrence
    from affiche.programmes.text import Text

    evil = "Bar\r\nBEGIN:VEVENT\rSUMMARY:Free beer\nX-INJECTED:1\f\x1b"
    occ = PublishedOccurrence(
        uid="f.a.1", festival="f", item="a", occurrence=1, kind="talk",
        title=Text.model_construct(en=evil, fr=evil),
        description=Text.model_construct(en=evil, fr=evil), venue="v",
        venue_name=evil, timezone="Europe/Paris", start=NOW, end=NOW + timedelta(hours=1),
        day=NOW.date(), artists=("x",), artist_names=(evil,),
    )
    for feed in ical.collect_feeds([occ], {"f": evil}):
        text = ical.serialize_calendar(ical.build_calendar(feed, "en", NOW, "https://x.example"))
        lines = text.decode().split("\r\n")
        assert not any("\r" in line or "\n" in line or "\f" in line for line in lines)
        assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
        assert not any(line.startswith(("X-INJECTED", "SUMMARY:Free")) for line in lines)
        names = [line for line in lines if line.startswith(("NAME:", "X-WR-CALNAME:"))]
        assert len(names) == 2 and all("BEGIN:VEVENT" in line for line in names)  # as text
