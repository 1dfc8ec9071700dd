"""The `affiche` command line: `commands` holds the commands, `meetings` its own."""

from __future__ import annotations

from collections.abc import Sequence

from affiche.cli import commands, meetings, notify


def main(argv: Sequence[str] | None = None) -> int:
    """`affiche ARGS`: every command, the meetings' included."""
    return commands.main(argv, extra=[meetings.add_parser, notify.add_parser])


__all__ = ["main"]
