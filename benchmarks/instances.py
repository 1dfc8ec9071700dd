"""The benchmark instances, by name; each builds a validated `Spec` on demand.

Names: `bundled`, `real/<schedule>/track`, `real/<schedule>/any-room`, `gen/<items>`
(two cities), `gen3/<items>` (three cities and time zones, the shape issue 16 is judged on),
either with `-s<seed>` for another seed than 1 and `@<seconds>s` for a time limit of its
own (`gen3/1000-s2`, `gen3/200@20s`), `grid/<events>`,
`grid/<events>@<file>`, `grid@<file>` (grid-shaped instances also run by
conference_scheduler, see `grid.py`; the file is any programme the loader reads).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from affiche.programmes.model import Spec

GENERATED_SIZES = (250, 500, 1000, 2000, 4000)
QUICK_GENERATED_SIZES = (250, 500)
THREE_CITY_SIZES = (200, 500, 1000, 2000, 4000)
QUICK_THREE_CITY_SIZES = (200,)
SHORT_RUNS = ("gen/200@20s", "gen3/200@20s")  # issue 16: 200 items optimal or < 1 % in 20 s
GRID_SIZES = (40, 80, 160, 200, 400)
QUICK_GRID_SIZES = (40, 80)
GENERATOR_SEED = 1
SCHEDULE_SUFFIXES = (".xml", ".json")


@dataclass(frozen=True)
class Instance:
    name: str
    group: str  # bundled, real-track, real-any-room, generated, grid
    build: Callable[[], Spec]
    size_hint: int = 0  # items, for ordering and plotting before anything is built
    prepare: Callable[[], object] | None = None  # run once in the harness, before timing
    time_limit: float | None = None  # its own solver limit, instead of the run's


def data_dir() -> Path:
    """`../shared/data` beside the repository, or $AFFICHE_BENCH_DATA."""
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("AFFICHE_BENCH_DATA", default))


def schedule_files() -> list[Path]:
    folder = data_dir() / "schedules"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SCHEDULE_SUFFIXES)


def bundled_spec() -> Spec:
    from affiche.programmes.examples import bundled_specs
    from affiche.programmes.loader import load_specs

    return load_specs(bundled_specs()).spec


def frab_spec(path: Path, any_room: bool) -> Spec:
    """A real schedule as the importer reads it; `any_room` lets each event use any room
    open on its day (the importer's track rule is dropped here, not in the importer)."""
    from affiche.programmes.frab_import import load_frab

    spec, _warnings = load_frab(path)
    if any_room:
        for festival in spec.festivals:
            for item in festival.items:
                item.venues = []
    return spec


def generated_spec(items: int, seed: int = GENERATOR_SEED, cities: int = 2) -> Spec:
    from affiche.programmes.generate import generate_spec

    return Spec.model_validate(generate_spec(items, seed, cities))


def _real(path: Path) -> list[Instance]:
    stem = path.stem
    return [
        Instance(f"real/{stem}/track", "real-track", lambda: frab_spec(path, False)),
        Instance(f"real/{stem}/any-room", "real-any-room", lambda: frab_spec(path, True)),
    ]


class GeneratedName(NamedTuple):
    cities: int
    items: int
    limit: float | None  # its own time limit, seconds
    seed: int


GENERATED_NAME = re.compile(r"(gen|gen3)/(\d+)(?:-s(\d+))?(?:@(\d+(?:\.\d+)?)s)?")


def generated_name(name: str) -> GeneratedName | None:
    """`gen/250` -> 2 cities, 250 items, no limit of its own, seed 1; `gen3/200@20s` -> 3
    cities, 200 items, 20 s; `gen3/1000-s2` -> seed 2. None for any other name."""
    found = GENERATED_NAME.fullmatch(name)
    if found is None:
        return None
    kind, size, seed, limit = found.groups()
    return GeneratedName(3 if kind == "gen3" else 2, int(size),
                         None if limit is None else float(limit),
                         GENERATOR_SEED if seed is None else int(seed))


def _named_generated(name: str) -> Instance:
    parsed = generated_name(name)
    if parsed is None:
        raise KeyError(f"not a generated instance: {name!r}")
    return _generated(parsed.items, parsed.cities, parsed.limit, parsed.seed)


def _generated(size: int, cities: int = 2, limit: float | None = None,
               seed: int = GENERATOR_SEED) -> Instance:
    name = ("gen" if cities == 2 else f"gen{cities}") + f"/{size}"
    name += f"-s{seed}" if seed != GENERATOR_SEED else ""
    name += f"@{limit:g}s" if limit is not None else ""
    group = "generated" if cities == 2 else "generated-3"
    return Instance(name, group, lambda: generated_spec(size, seed, cities), size,
                    time_limit=limit)


def grid_name(name: str) -> tuple[int | None, Path | None] | None:
    """`grid/160` -> (160, None); `grid/160@a.xml` -> (160, a.xml); `grid@a.xml` ->
    (None, a.xml); None for a name that is not a grid."""
    head, _, source = name.partition("@")
    kind, _, size = head.partition("/")
    if kind != "grid" or (size and not size.isdigit()) or (not size and not source):
        return None
    return (int(size) if size else None), (Path(source) if source else None)


def _grid(name: str) -> Instance:
    from benchmarks.grid import grid_spec, make_grid

    count, source = grid_name(name) or (None, None)
    return Instance(name, "grid", lambda: grid_spec(make_grid(count, source)), count or 0,
                    prepare=lambda: make_grid(count, source))


def all_instances(quick: bool = False) -> list[Instance]:
    """Every instance, in the order they run (`quick`: a fast subset)."""
    instances = [Instance("bundled", "bundled", bundled_spec)]
    for path in schedule_files():
        instances += _real(path)
    sizes = QUICK_GENERATED_SIZES if quick else GENERATED_SIZES
    instances += [_generated(size) for size in sizes]
    three = QUICK_THREE_CITY_SIZES if quick else THREE_CITY_SIZES
    instances += [_named_generated(name) for name in SHORT_RUNS]
    instances += [_generated(size, 3) for size in three]
    instances += [_grid(f"grid/{size}") for size in (QUICK_GRID_SIZES if quick else GRID_SIZES)]
    return instances


def find_instance(name: str) -> Instance:
    """Any known instance by name (also outside the default series: gen/N, grid/N[@FILE])."""
    for instance in all_instances():
        if instance.name == name:
            return instance
    if generated_name(name) is not None:
        return _named_generated(name)
    if grid_name(name) is not None:
        return _grid(name)
    raise KeyError(f"no benchmark instance named {name!r}")


def matches(name: str, pattern: str | None) -> bool:
    """`--only`: a glob (`real/*/any-room`) or, without glob characters, a substring."""
    if not pattern:
        return True
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatch(name, pattern)
    return pattern in name
