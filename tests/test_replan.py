"""Re-planning in a folder that holds a published version keeps what artists were told."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from affiche.cli import main
from affiche.programmes.changes import compare_with_published
from affiche.programmes.check import check_schedule
from affiche.programmes.examples import bundled_specs
from affiche.programmes.loader import load_specs
from affiche.programmes.publish import publish_directory
from affiche.programmes.schedule import load_schedule

BAINS = next(p for p in bundled_specs() if p.name.startswith("bains"))
SAPPORO = next(p for p in bundled_specs() if p.name.startswith("sapporo"))


def _late_changes(data: dict) -> dict:
    """Three timed items cancelled, two talks added the week before opening."""
    festival = data["festivals"][0]
    timed = [i for i in festival["items"] if i["kind"] in ("talk", "performance", "concert")]
    referenced = {
        other
        for item in festival["items"]
        for key in ("after", "same_day_as", "not_same_day_as")
        for other in item.get(key, [])
    }
    dropped = [i["id"] for i in timed if i["id"] not in referenced][:3]
    festival["items"] = [i for i in festival["items"] if i["id"] not in dropped]
    for n in (1, 2):
        festival["items"].append(
            {"id": f"sponsor-talk-{n}", "kind": "talk", "title": f"Sponsor talk {n}",
             "duration": 30}
        )
    return data


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replan") / "out"
    assert main(["solve", str(BAINS), str(SAPPORO), "--out", str(out), "--time-limit", "8",
                 "--workers", "2"]) == 0
    publish_directory(out)
    return out


def test_replan_keeps_at_least_ninety_percent_of_surviving_placements(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.uid: (p.venue, p.start) for p in load_schedule(published).placements}
    changed = tmp_path / "bains-late.yaml"
    changed.write_text(yaml.safe_dump(_late_changes(yaml.safe_load(BAINS.read_text()))))
    capsys.readouterr()
    code = main(["solve", str(changed), str(SAPPORO), "--out", str(published),
                 "--time-limit", "8", "--workers", "2"])
    output = capsys.readouterr().out
    assert code == 0
    assert "re-planning against the published version" in output
    after = load_schedule(published)
    surviving = [p for p in after.placements if p.uid in before]
    kept = [p for p in surviving if (p.venue, p.start) == before[p.uid]]
    assert len(kept) >= 0.9 * len(surviving)
    changes = compare_with_published(published, after)
    assert len(changes.cancelled) == 3 and len(changes.new) == 2
    assert "3 cancelled, 2 new" in output
    spec = load_specs([changed, SAPPORO]).spec
    assert check_schedule(spec, after) == []


def test_from_scratch_ignores_the_published_version(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["solve", str(BAINS), str(SAPPORO), "--out", str(published), "--from-scratch",
                 "--time-limit", "5", "--workers", "2"])
    assert code == 0
    assert "re-planning" not in capsys.readouterr().out
