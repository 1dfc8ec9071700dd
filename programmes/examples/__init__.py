"""The example festivals shipped inside the package, so the demo runs on a fresh install."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_specs() -> list[Path]:
    """The bundled festival specs, in name order."""
    folder = resources.files(__name__)
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))
