"""The `affiche` command line (see `commands`)."""

from affiche.cli.commands import main

__all__ = ["main"]
