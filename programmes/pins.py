"""Pins added to a spec: the command line's `--pin` texts and the producer page's stored pins.

One applier for both (`apply_pins`). A pin holds one occurrence at a venue, a start or a
programme day. An installation has no start: its pin is its venue (slot) alone.

- `strict=True` (the command line): every bad pin is refused, with its text, as a SpecError.
- `strict=False` (stored pins on the web): a pin the spec no longer fits (its festival,
  item, occurrence or venue is gone, or it gives an installation a start) is skipped, or
  its stale part dropped, with a warning, so a changed spec never fails on an old pin.

Command-line form: `ITEM[#N]=[VENUE][@START|@DAY]`, e.g. `reflets#2=scene-du-lac@2018-06-15T22:00`
(venue and start), `reflets=scene-du-lac` (occurrence 1, venue only), `reflets#3=@2018-06-16`
(a day only). A pin replaces the spec's pin for that occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from pydantic import ValidationError

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.model import Festival, Item, Pin, Spec
from affiche.programmes.validate import check_references

PIN = re.compile(
    r"^(?P<item>[A-Za-z0-9][\w-]*)(?:#(?P<n>\d+))?=(?P<venue>[\w-]*)(?:@(?P<when>.+))?$"
)
USAGE = "expected ITEM[#N]=[VENUE][@START|@DAY], e.g. reflets#2=lac@2018-06-15T22:00"
CLI = "--pin"


@dataclass(frozen=True)
class PinRequest:
    """One occurrence to hold: at a venue and/or a start (local wall clock) or a day.

    `festival` None means every festival holding an item of that id (the command line);
    `label` is how the producer named the pin (its text, or the stored occurrence uid)."""

    item: str
    occurrence: int = 1
    venue: str | None = None
    start: datetime | None = None
    day: date | None = None
    festival: str | None = None
    label: str = ""

    def pin(self) -> Pin:
        return Pin(occurrence=self.occurrence, venue=self.venue, start=self.start, day=self.day)


def parse_pin(text: str) -> tuple[str, Pin]:
    """The item id and the pin a `--pin` argument describes."""
    request = pin_request(text)
    return request.item, request.pin()


def pin_request(text: str) -> PinRequest:
    match = PIN.match(text.strip())
    if not match or not (match["venue"] or match["when"]):
        raise ValueError(USAGE)
    when = match["when"]
    start: datetime | None = None
    day: date | None = None
    if when and len(when) == 10:
        day = date.fromisoformat(when)
    elif when:
        start = datetime.fromisoformat(when.replace(" ", "T"))
    return PinRequest(match["item"], int(match["n"] or 1), match["venue"] or None, start, day,
                      label=text)


class _Pinner:
    """Collects the issues (strict) or warnings (lenient) of one application."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.issues: list[SpecIssue] = []
        self.warnings: list[str] = []

    def refuse(self, request: PinRequest, field: str, message: str, skipped: str) -> None:
        """A pin that does not fit: an issue when strict, else a warning saying what was done."""
        if self.strict:
            self.issues.append(SpecIssue(CLI, field, message))
        else:
            self.warnings.append(f"pin {request.label or request.item}: {message}, {skipped}")

    def fitted(self, festival: Festival, item: Item, request: PinRequest) -> PinRequest | None:
        """The request as it applies to `item`, or None when nothing of it fits."""
        name = request.label or item.id
        if request.occurrence > item.occurrences:
            self.refuse(request, name, f"{item.id} has {item.occurrences} occurrence(s)",
                        "pin ignored")
            return None
        venues = {v.id for v in festival.venues}
        if request.venue is not None and request.venue not in venues:
            self.refuse(request, "venue", f"unknown venue {request.venue!r}", "venue not pinned")
            request = replace(request, venue=None)
        elif request.venue is not None and item.venues and request.venue not in item.venues:
            self.refuse(request, "venue", f"{request.venue!r} is not among {item.id}'s venues",
                        "venue not pinned")
            request = replace(request, venue=None)
        if item.is_installation and (request.start is not None or request.day is not None):
            self.refuse(request, name, f"{item.id} is an installation: it has no start, "
                        "pin its venue only", "start not pinned")
            request = replace(request, start=None, day=None)
        if request.venue is None and request.start is None and request.day is None:
            return None
        return request

    def pinned_item(self, festival: Festival, item: Item, requests: list[PinRequest]) -> Item:
        fitted = [r for r in (self.fitted(festival, item, r) for r in requests) if r is not None]
        if not fitted:
            return item
        numbers = {r.occurrence for r in fitted}
        pins = [p for p in item.pins if p.occurrence not in numbers] + [r.pin() for r in fitted]
        data = item.model_dump()
        data["pins"] = [pin.model_dump(exclude_none=True) for pin in pins]
        try:
            return Item.model_validate(data)
        except ValidationError as error:
            message = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            self.refuse(fitted[0], item.id, message, "pins ignored")
            return item


def _wanted(requests: Sequence[PinRequest], festival: Festival, item: Item) -> list[PinRequest]:
    return [r for r in requests if r.item == item.id and r.festival in (None, festival.id)]


def apply_pins(
    spec: Spec, pins: Sequence[str | PinRequest], *, strict: bool = True
) -> tuple[Spec, list[str]]:
    """The spec with `pins` applied, and the warnings (only when not strict).

    Strict: raises SpecError listing every pin that is malformed, names an unknown item or
    venue, or does not fit its item. Not strict: skips what no longer fits, with warnings."""
    pinner = _Pinner(strict)
    requests: list[PinRequest] = []
    for pin in pins:
        try:
            requests.append(pin_request(pin) if isinstance(pin, str) else pin)
        except ValueError as error:
            pinner.issues.append(SpecIssue(CLI, str(pin), str(error)))
    known = {(f.id, i.id) for f in spec.festivals for i in f.items}
    for request in requests:
        if not any(i == request.item and request.festival in (None, f) for f, i in known):
            where = f" in {request.festival!r}" if request.festival else ""
            pinner.refuse(request, request.item, f"unknown item{where}", "pin ignored")
    if pinner.issues:
        raise SpecError(pinner.issues)
    festivals = []
    for festival in spec.festivals:
        items = [pinner.pinned_item(festival, item, _wanted(requests, festival, item))
                 for item in festival.items]
        festivals.append(festival.model_copy(update={"items": items}))
    pinned = spec.model_copy(update={"festivals": festivals})
    if strict:
        pinner.issues += [
            SpecIssue(CLI, ".".join(str(part) for part in loc[-4:]), message)
            for loc, message in check_references(pinned)
        ]
    if pinner.issues:
        raise SpecError(pinner.issues)
    return pinned, pinner.warnings
