"""Files written atomically keep the mode an ordinary write would give them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from affiche.programmes.schedule import write_text_atomically


def test_atomic_write_gives_the_umask_mode_not_mkstemp_0600(tmp_path: Path) -> None:
    target = tmp_path / "schedule.json"
    write_text_atomically(target, "{}\n")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["schedule.json"]
