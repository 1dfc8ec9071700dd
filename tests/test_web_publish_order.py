"""A web publish writes the chosen schedule into DIR only once its version is served: a
publish that fails leaves the public pages on the programme that was published."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from affiche.programmes.publish import PublishError, publish_directory
from affiche.programmes.schedule import load_schedule, save_schedule
from affiche.web.worker import publish_job
from tests.publish_builders import moved, paris_and_tokyo


def test_a_failed_publish_leaves_the_served_schedule(tmp_path: Path) -> None:
    published = paris_and_tokyo()
    save_schedule(published, tmp_path)
    publish_directory(tmp_path)
    before = (tmp_path / "schedule.json").read_bytes()
    other = moved(published, published.placements[0].uid, timedelta(hours=1))
    with pytest.raises(PublishError):
        publish_job(str(tmp_path), other.model_dump_json(), "javascript:alert(1)")
    assert (tmp_path / "schedule.json").read_bytes() == before


def test_a_successful_publish_serves_the_chosen_schedule(tmp_path: Path) -> None:
    published = paris_and_tokyo()
    save_schedule(published, tmp_path)
    publish_directory(tmp_path)
    other = moved(published, published.placements[0].uid, timedelta(hours=1))
    result = publish_job(str(tmp_path), other.model_dump_json(), None)
    assert result["version"] == 2 and result["changed"] == 1
    assert load_schedule(tmp_path).placements[0].start == other.placements[0].start
