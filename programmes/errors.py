"""Problems with what a producer wrote, each pointing at its place in the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


@dataclass(frozen=True)
class SpecIssue:
    """One problem: the file, the line (when known), the field path and what is wrong."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class SpecError(Exception):
    """A spec that cannot be used; carries every problem found, not just the first."""

    def __init__(self, issues: list[SpecIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def field_path(loc: tuple[int | str, ...]) -> str:
    """`("festivals", 0, "items", 3, "artists")` as `festivals[0].items[3].artists`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe_error(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (check its spelling in docs/spec-format.md)"
    if kind == "missing":
        return "required field is missing"
    message = str(error["msg"])
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    given = error.get("input")
    if kind not in ("value_error", "assertion_error") and not isinstance(given, dict | list):
        message += f" (got {given!r})"
    return message


def clean_loc(loc: tuple[Any, ...]) -> tuple[int | str, ...]:
    """Drop pydantic's union/function markers, keep the user's field path."""
    return tuple(part for part in loc if isinstance(part, int) or "[" not in str(part))


MAX_FILE_BYTES = 32 * 1024 * 1024  # a spec file larger than this is refused before parsing


def check_size(path: Path) -> None:
    """Refuse a file over MAX_FILE_BYTES before anything reads it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the file: {error}")]) from None
    if size > MAX_FILE_BYTES:
        message = f"the file is {size:,} bytes; a spec file is at most {MAX_FILE_BYTES:,}"
        raise SpecError([SpecIssue(str(path), "", message)])
