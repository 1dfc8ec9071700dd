"""Shared builders for the web tests: a real spec, solved and published by the real pipeline.

Imported by the `test_web_*` modules; it holds no tests itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import pytz
from fastapi.testclient import TestClient

from affiche.programmes.check import check_schedule
from affiche.programmes.loader import load_specs
from affiche.programmes.publish import publish_directory
from affiche.programmes.schedule import load_schedule, save_schedule
from affiche.scheduler.assemble import assemble_schedule
from affiche.scheduler.problem import build_problem
from affiche.scheduler.solve import SolveOptions, solve
from affiche.web.app import create_app
from affiche.web.deps import get_now
from affiche.web.settings import Settings

TOKEN = "test-token-0123456789abcdef"
EVIL_TITLE = '<script>alert("x")</script> & "quotes"'
TZ = pytz.timezone("Europe/Paris")

SPEC_YAML = """\
festivals:
  - id: webfest
    name: Web Fest
    city: Enghien-les-Bains
    timezone: Europe/Paris
    start: 2018-06-14
    end: 2018-06-15
    latitude: 48.97
    longitude: 2.307
    hours: {opens: "10:00", closes: "23:00"}
    venues:
      - id: lac
        name: Stage on the lake
        name_fr: Scène du lac
        outdoor: true
        capacity: 500
        features: [sound, stage]
        hours: {opens: "18:00", closes: "23:59"}
        changeover_minutes: 20
      - id: salle
        name: Salle des arts
        capacity: 200
        features: [sound, projection]
        installation_slots: 2
    items:
      - id: evil
        kind: concert
        title: {en: '<script>alert("x")</script> & "quotes"', fr: 'Reflets <b>gras</b>'}
        description: {en: 'A concert by the lake.', fr: 'Un concert au bord du lac.'}
        duration: 60
        occurrences: 2
        artists: [oikawa]
        requires: [sound]
        venues: [lac]
        tags: [adults]
      - id: talk
        kind: talk
        title: {en: Meeting point, fr: Rendez-vous}
        duration: 45
        artists: [oikawa]
        venues: [salle]
        days: [2018-06-15]
        tags: [family]
      - id: atelier
        kind: workshop
        title: {en: Sound workshop, fr: Atelier son}
        duration: 90
        artists: [claire]
        venues: [salle]
        days: [2018-06-14]
        tags: [family]
      - id: voice
        kind: installation
        title: Voice Landscape
        artists: [claire]
artists:
  - id: oikawa
    name: Junya Oikawa
    home_city: Sapporo
  - id: claire
    name: Claire Dumont
    home_city: Paris
"""


def solve_spec_into(spec_path: Path, out: Path) -> None:
    """The real pipeline, as `affiche solve` runs it."""
    loaded = load_specs([spec_path])
    problem = build_problem(loaded.spec)
    assert not problem.unplaceable, problem.unplaceable
    result = solve(problem, SolveOptions(time_limit=20, workers=2))
    assert result.has_solution, result.status
    schedule = assemble_schedule(loaded.spec, result, {}, loaded.warnings)
    assert check_schedule(loaded.spec, schedule) == []
    save_schedule(schedule, out)


@pytest.fixture(scope="session")
def published_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder solved and published once per session (reused by every module)."""
    base = tmp_path_factory.getbasetemp() / "web-published"
    if (base / "versions").is_dir():
        return base
    base.mkdir(parents=True, exist_ok=True)
    spec = base.parent / "webfest.yaml"
    spec.write_text(SPEC_YAML, encoding="utf-8")
    solve_spec_into(spec, base)
    publish_directory(base, base_url="http://testserver")
    return base


@pytest.fixture
def site_dir(published_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the published folder, which a test may change."""
    target = tmp_path / "site"
    shutil.copytree(published_dir, target)
    return target


def first_timed(directory: Path):  # type: ignore[no-untyped-def]
    schedule = load_schedule(directory)
    kinds = {i.id: i.kind for i in schedule.items}
    return min(
        (p for p in schedule.placements if kinds[p.item] != "installation"), key=lambda p: p.start
    )


def fixed_now(directory: Path) -> datetime:
    """Ten minutes into the first timed occurrence: something is on, something is next."""
    return first_timed(directory).start + timedelta(minutes=10)


def make_settings(tmp_path: Path, **extra: object) -> Settings:
    extra.setdefault("base_url", "http://testserver")  # the site's configured address
    return Settings(token=TOKEN, db=f"sqlite:///{tmp_path / 'store.db'}", **extra)  # type: ignore[arg-type]


@pytest.fixture
def app(site_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    application = create_app(site_dir, make_settings(tmp_path))
    moment = fixed_now(site_dir)
    application.dependency_overrides[get_now] = lambda: moment
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}
