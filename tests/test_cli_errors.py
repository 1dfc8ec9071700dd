"""Bad folders and files on the command line: a clear message, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from affiche.cli import main


@pytest.mark.parametrize("command", ["publish"])
def test_a_folder_without_a_schedule_is_refused(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(tmp_path / "nowhere")]) == 2
    assert "holds no schedule.json" in capsys.readouterr().err


def test_serve_refuses_a_file_for_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty folder is served (the producer page takes the first upload); a file is not."""
    afile = tmp_path / "a-file"
    afile.write_text("x")
    assert main(["serve", str(afile)]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_publishing_a_broken_schedule_says_so_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schedule.json").write_text('{"x": 1}')
    assert main(["publish", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a valid schedule" in err and "Traceback" not in err
    assert "errors.pydantic.dev" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedule.json"]
