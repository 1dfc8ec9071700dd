"""`make fuzz`: a coverage-guided run of the loaders (atheris), not part of `make test`.

Each input's first byte picks the format (YAML, frab JSON, frab XML), the rest is the
file. The property is the test suite's (tests/fuzzing.py): a valid spec or a located
SpecError, nothing else. A crash is written to tests/fixtures/crashers/ (name it
`<what>.<yaml|json|xml>` there, and the suite replays it as a regression test).
Without atheris (`pip install -e '.[fuzz]'`), hypothesis' own longer run stands in.

    python scripts/fuzz.py [SECONDS]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".yaml", ".json", ".xml")


def _seeds(folder: Path) -> None:
    """The seed documents as the fuzzer's starting corpus."""
    import yaml

    from tests.fuzzing import SEED_FRAB_JSON, SEED_FRAB_XML, SEED_SPEC, json_bytes

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec").write_bytes(b"\x00" + yaml.safe_dump(SEED_SPEC).encode())
    (folder / "json").write_bytes(b"\x01" + json_bytes(SEED_FRAB_JSON))
    (folder / "xml").write_bytes(b"\x02" + SEED_FRAB_XML.encode())


def _atheris(seconds: int) -> int:
    import atheris

    with atheris.instrument_imports():
        from tests.fuzzing import check_bytes

    def one_input(data: bytes) -> None:
        if not data:
            return
        check_bytes(data[1:], SUFFIXES[data[0] % len(SUFFIXES)])

    corpus = ROOT / ".fuzz-corpus"
    _seeds(corpus)
    crashers = ROOT / "tests" / "fixtures" / "crashers"
    crashers.mkdir(parents=True, exist_ok=True)
    args = [sys.argv[0], f"-max_total_time={seconds}", "-max_len=20000", "-timeout=20",
            f"-artifact_prefix={crashers}/", str(corpus)]
    atheris.Setup(args, one_input)
    atheris.Fuzz()
    return 0


def _hypothesis(seconds: int) -> int:
    print("atheris is not installed: hypothesis' longer run instead", file=sys.stderr)
    env = {**os.environ, "AFFICHE_FUZZ_EXAMPLES": str(max(200, seconds * 10))}
    command = [sys.executable, "-m", "pytest", "-q", "tests/test_fuzz.py"]
    return subprocess.call(command, cwd=ROOT, env=env)


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    sys.path.insert(0, str(ROOT))
    try:
        import atheris  # noqa: F401
    except ImportError:
        return _hypothesis(seconds)
    return _atheris(seconds)


if __name__ == "__main__":
    sys.exit(main())
