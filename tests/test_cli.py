"""The `affiche` command run in-process: exit codes, what it prints, what it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from affiche.cli import main
from tests.builders import item, spec_data, venue, write_yaml

FAST = ["--workers", "1", "--time-limit", "10"]
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def small_spec(folder: Path, items: list[dict] | None = None, **overrides: object) -> Path:
    items = items or [item("talk"), item("film", kind="screening", duration=90, occurrences=2)]
    return write_yaml(folder / "spec.yaml", spec_data(items=items, **overrides))


def solve(spec: Path, out: Path, *extra: str) -> int:
    return main(["solve", str(spec), "--out", str(out), *FAST, *extra])


@pytest.fixture
def solved(tmp_path: Path) -> tuple[Path, Path]:
    spec, out = small_spec(tmp_path), tmp_path / "out"
    assert solve(spec, out) == 0
    return spec, out


def test_solve_writes_a_schedule_with_offsets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = small_spec(tmp_path), tmp_path / "out"
    assert solve(spec, out) == 0
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert "status: optimal" in lines
    for name in ("objective", "bound", "gap"):
        assert any(line.startswith(f"{name}: ") for line in lines), name
    assert "placed: 3 of 3 occurrences" in lines
    assert "Traceback" not in printed.err
    data = json.loads((out / "schedule.json").read_text())
    assert data["solve"]["status"] == "optimal"
    assert len(data["placements"]) == 3
    for placement in data["placements"]:
        assert OFFSET.match(placement["start"]), placement["start"]
        assert placement["start"].endswith("+02:00")  # Paris in June
        assert OFFSET.match(placement["end"]), placement["end"]


def test_broken_spec_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = small_spec(tmp_path)
    spec.write_text(spec.read_text().replace("duration: 60", "duraton: 60"))
    out = tmp_path / "out"
    assert solve(spec, out) == 2
    printed = capsys.readouterr()
    assert f"{spec}:{line_of(spec, 'duraton')}: festivals[0].items[0].duraton" in printed.err
    assert "Traceback" not in printed.err + printed.out
    assert not out.exists()


def test_invalid_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("festivals:\n  - id: x\n    name: a: b\n")
    assert solve(spec, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert f"{spec}:3:" in err and "not valid YAML" in err
    assert "Traceback" not in err


def test_item_that_fits_nowhere_exits_1_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A well-formed spec no programme can hold: exit 1 (no programme), not 2 (bad spec)."""
    spec = small_spec(tmp_path, items=[item("talk"), item("crowd", audience=10_000)])
    out = tmp_path / "out"
    assert solve(spec, out) == 1
    err = capsys.readouterr().err
    assert f"{spec}:{line_of(spec, 'id: crowd')}: festivals[0].items[1]" in err
    assert "capacity" in err and "--allow-unplaced" in err
    assert not (out / "schedule.json").exists()


def test_item_that_fits_nowhere_is_listed_with_allow_unplaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = small_spec(tmp_path, items=[item("talk"), item("crowd", audience=10_000)])
    out = tmp_path / "out"
    assert solve(spec, out, "--allow-unplaced") == 0
    assert "unplaced: fest.crowd.1" in capsys.readouterr().err
    data = json.loads((out / "schedule.json").read_text())
    assert [u["uid"] for u in data["unplaced"]] == ["fest.crowd.1"]


def test_infeasible_combination_exits_1_without_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    room = venue("room", open=[{"start": "2026-06-12T10:00", "end": "2026-06-12T11:00"}])
    spec = small_spec(tmp_path, items=[item("a"), item("b")], venues=[room])
    out = tmp_path / "out"
    assert solve(spec, out) == 1
    printed = capsys.readouterr()
    assert "status: infeasible" in printed.out
    assert "no programme satisfies every hard constraint" in printed.err
    assert "Room is open 10:00-11:00 on 12 June; A and B need 120 minutes" in printed.err
    assert "Traceback" not in printed.err
    assert not (out / "schedule.json").exists()


def test_out_pointing_at_a_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = small_spec(tmp_path)
    target = tmp_path / "taken.txt"
    target.write_text("keep me")
    assert solve(spec, target) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_check_accepts_a_good_schedule(
    solved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = solved
    capsys.readouterr()
    assert main(["check", str(spec), str(out)]) == 0
    assert capsys.readouterr().out.startswith("ok: 3 placements")


def test_check_rejects_a_tampered_schedule(
    solved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = solved
    path = out / "schedule.json"
    data = json.loads(path.read_text())
    data["placements"][0]["start"] = "2026-06-12T06:00:00+02:00"
    data["placements"][0]["end"] = "2026-06-12T07:00:00+02:00"
    path.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["check", str(spec), str(out)]) == 1
    printed = capsys.readouterr().out
    assert "problems:" in printed
    assert "outside the opening hours" in printed


def test_check_without_a_schedule_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = small_spec(tmp_path)
    assert main(["check", str(spec), str(tmp_path)]) == 2
    assert "holds no schedule.json" in capsys.readouterr().err


def test_check_given_the_schedule_file_for_its_folder_exits_2(
    solved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = solved
    assert main(["check", str(spec), str(out / "schedule.json")]) == 2
    err = capsys.readouterr().err
    assert "is a file: give the folder that holds schedule.json" in err
    assert "internal error" not in err and "Traceback" not in err


def test_check_with_an_invalid_schedule_exits_2(
    solved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = solved
    (out / "schedule.json").write_text('{"format": "nonsense"}')
    assert main(["check", str(spec), str(out)]) == 2
    err = capsys.readouterr().err
    assert "is not a valid schedule" in err and "Traceback" not in err


def test_check_with_a_broken_spec_exits_2(
    solved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec, out = solved
    spec.write_text(spec.read_text().replace("timezone: Europe/Paris", "timezone: Nowhere"))
    assert main(["check", str(spec), str(out)]) == 2
    assert f"{spec}:{line_of(spec, 'Nowhere')}" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["juggle"])
    assert caught.value.code == 2


def test_solve_prints_how_close_to_the_best_possible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three hour-long family talks in one open hour: 120 minutes of overlap that every
    programme pays, proven, printed and written as the bound's parts."""
    from tests.builders import festival

    talks = [item(f"kids-{n}", tags=["families"]) for n in range(3)]
    data = spec_data(festivals=[festival(items=talks, end="2026-06-12",
                                         hours={"opens": "10:00", "closes": "11:00"})])
    spec, out = write_yaml(tmp_path / "spec.yaml", data), tmp_path / "out"
    assert solve(spec, out) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "within 0.0 % of the best possible" in lines
    assert "every programme pays at least: audience clash 120" in lines
    solved = json.loads((out / "schedule.json").read_text())["solve"]
    assert solved["bounds"] == {"audience clash": 120.0}
    assert solved["objective"] == solved["bound"] == 120.0
