"""Specs kept as text in the store: checking an upload; stored pins as pin requests.

Loading texts and applying pins are `scheduler.plan`'s and `programmes.pins`' (one path for
the command line and the web); this module turns their errors into the web's."""

from __future__ import annotations

from datetime import datetime

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.loader import LoadedSpec
from affiche.programmes.pins import PinRequest
from affiche.scheduler.plan import SUFFIX, SpecText
from affiche.scheduler.plan import load_texts as load_spec_texts
from affiche.web.errors import BadSpec

__all__ = ["SUFFIX", "SpecText", "check_upload", "guess_format", "load_texts", "stored_pin"]


def guess_format(content: str) -> str:
    head = content.lstrip("\ufeff \t\r\n")[:1]
    return {"<": "frab-xml", "{": "frab-json"}.get(head, "yaml")


def issue_payload(issue: SpecIssue) -> dict[str, object]:
    return {
        "file": issue.file,
        "line": issue.line,
        "field": issue.field,
        "message": issue.message,
        "text": str(issue),
    }


def load_texts(specs: list[SpecText], keep_times: bool = False) -> LoadedSpec:
    """Load stored specs; a SpecError becomes BadSpec with the loader's messages."""
    try:
        return load_spec_texts(specs, keep_times=keep_times)
    except SpecError as error:
        raise BadSpec([issue_payload(i) for i in error.issues]) from None


def check_upload(name: str, content: str, fmt: str | None) -> tuple[str, list[str]]:
    """The format and the festival ids of a valid upload; BadSpec otherwise."""
    fmt = fmt or guess_format(content)
    loaded = load_texts([SpecText(name, fmt, content)])
    return fmt, [festival.id for festival in loaded.spec.festivals]


def stored_pin(
    uid: str, festival: str, item: str, occurrence: int, venue: str | None, start: str | None
) -> PinRequest:
    """A pin row of the store as the applier's request (start: local wall clock, ISO)."""
    when = datetime.fromisoformat(start) if start else None
    return PinRequest(item, occurrence, venue, when, festival=festival, label=uid)
