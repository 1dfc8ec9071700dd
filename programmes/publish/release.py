"""Switching a published folder from one complete version to the next in one atomic step.

Each version's outputs live in a release folder of their own, `DIR/.published/<NNNN>-<x>/`
(its `ical/`, `programme.pdf`, `schedule.xml`, ... and a `versions/` holding every record
up to it). `DIR/.published/current` is a symlink to the release being served, and every
documented output path is a fixed symlink through it: `DIR/ical -> .published/current/ical`,
`DIR/schedule.xml -> .published/current/schedule.xml`, and so on. Publishing builds the
next release beside the current one, then replaces `current` with `os.replace` (rename(2),
atomic): a reader, or a publish killed at any moment, sees the previous version or the new
one, complete, never a mix. Whatever a killed publish left (staging folders, a release
never switched to) is removed by the next publish, under the same lock.

One publish at a time: `publish_lock(DIR)` holds `fcntl.flock` on `DIR/.published/lock`
for the whole publish; a second publish waits for it, so two never interleave and never
take the same version number.

A folder published before this layout (real files and folders at the output paths) is
taken over at its next publish: its version records are carried into the first release
and each real output is replaced by its symlink once the new release is current.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RELEASES = ".published"
CURRENT = "current"
LOCK = "lock"
STAGING_PREFIX = ".publish-"
KEEP = 2  # the current release and the one before (a reader may still be inside it)


def releases_dir(directory: Path) -> Path:
    return Path(directory) / RELEASES


@contextmanager
def publish_lock(directory: Path) -> Iterator[None]:
    """Hold the folder's publish lock (waiting for another publish to finish first)."""
    folder = releases_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def staging(directory: Path) -> Iterator[Path]:
    """A hidden folder beside the outputs for the next release, removed if not released."""
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def current_release(directory: Path) -> Path | None:
    """The release folder being served, or None (never published, or the old layout)."""
    link = releases_dir(directory) / CURRENT
    if not link.is_symlink():
        return None
    target = releases_dir(directory) / os.readlink(link)
    return target if target.is_dir() else None


def clean_stale(directory: Path) -> None:
    """Remove what killed publishes left: staging folders, releases never switched to and
    releases older than the previous one. Call it holding the lock."""
    directory = Path(directory)
    for path in directory.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True)
    folder = releases_dir(directory)
    current = current_release(directory)
    kept = {current.name} if current else set()
    older = sorted(
        (p.name for p in folder.iterdir() if p.is_dir() and not p.is_symlink()
         and current is not None and p.name < current.name),
        reverse=True,
    ) if folder.is_dir() else []
    kept.update(older[: KEEP - 1])
    for path in folder.iterdir() if folder.is_dir() else []:
        if path.is_dir() and not path.is_symlink() and path.name not in kept:
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".link-"):
            path.unlink(missing_ok=True)


def carry_records(source: Path | None, target: Path) -> None:
    """The version records of `source` (a `versions/` folder) into `target`, hard-linked
    when the file system allows it (records are never rewritten), else copied."""
    target.mkdir(parents=True, exist_ok=True)
    if source is None or not source.is_dir():
        return
    for record in sorted(source.glob("*.json")):
        try:
            os.link(record, target / record.name)
        except OSError:
            shutil.copy2(record, target / record.name)


def release(directory: Path, staged: Path, number: int) -> list[Path]:
    """Make `staged` the served version of `directory`; the documented paths it serves."""
    directory = Path(directory)
    folder = releases_dir(directory)
    final = folder / f"{number:04d}-{secrets.token_hex(4)}"
    staged.chmod(0o755)  # mkdtemp's 0700 would hide the release from a separate web server
    os.rename(staged, final)
    names = sorted(p.name for p in final.iterdir())
    for name in names:  # links for names new in this version: absent until the switch
        _link_if_absent(directory / name, f"{RELEASES}/{CURRENT}/{name}")
    _replace_link(folder / CURRENT, final.name)  # the commit point
    for name in names:  # take over the old layout's real files (once per folder)
        _take_over(directory / name, f"{RELEASES}/{CURRENT}/{name}", folder)
    _drop_dangling(directory)
    return [directory / name for name in names]


def _link_if_absent(path: Path, target: str) -> None:
    if not path.exists() and not path.is_symlink():
        _replace_link(path, target)


def _replace_link(path: Path, target: str) -> None:
    """`path` becomes a symlink to `target` in one rename (never missing in between)."""
    temporary = path.parent / f".link-{secrets.token_hex(6)}"
    os.symlink(target, temporary)
    os.replace(temporary, path)


def _take_over(path: Path, target: str, folder: Path) -> None:
    """A real file or folder at an output path (the old layout) becomes the symlink."""
    if path.is_symlink():
        if os.readlink(path) != target:
            _replace_link(path, target)
        return
    if path.is_dir():
        os.rename(path, folder / f"old-{secrets.token_hex(4)}")
    _replace_link(path, target)


def _drop_dangling(directory: Path) -> None:
    """Output links whose file the new version no longer has (a festival removed)."""
    prefix = f"{RELEASES}/{CURRENT}/"
    for path in directory.iterdir():
        if path.is_symlink() and os.readlink(path).startswith(prefix) and not path.exists():
            path.unlink(missing_ok=True)
