"""Pins given on the command line: `ITEM[#N]=[VENUE][@START|@DAY]`.

Examples: `reflets#2=scene-du-lac@2018-06-15T22:00` (venue and start),
`reflets=scene-du-lac` (occurrence 1, venue only), `reflets#3=@2018-06-16` (a day only).
A command-line pin replaces the spec's pin for that occurrence.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import ValidationError

from affiche.programmes.errors import SpecError, SpecIssue
from affiche.programmes.model import Item, Pin, Spec
from affiche.programmes.validate import check_references

PIN = re.compile(
    r"^(?P<item>[A-Za-z0-9][\w-]*)(?:#(?P<n>\d+))?=(?P<venue>[\w-]*)(?:@(?P<when>.+))?$"
)
USAGE = "expected ITEM[#N]=[VENUE][@START|@DAY], e.g. reflets#2=lac@2018-06-15T22:00"


def parse_pin(text: str) -> tuple[str, Pin]:
    """The item id and the pin a `--pin` argument describes."""
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
    pin = Pin(occurrence=int(match["n"] or 1), venue=match["venue"] or None, start=start, day=day)
    return match["item"], pin


def _with_pins(item: Item, pins: list[Pin]) -> Item:
    data = item.model_dump()
    data["pins"] = [pin.model_dump(exclude_none=True) for pin in pins]
    return Item.model_validate(data)


def apply_pins(spec: Spec, texts: list[str]) -> Spec:
    """The spec with the command-line pins applied; every bad pin reported."""
    issues: list[SpecIssue] = []
    pins: dict[str, list[Pin]] = {}
    for text in texts:
        try:
            item, pin = parse_pin(text)
        except ValueError as error:
            issues.append(SpecIssue("--pin", text, str(error)))
            continue
        pins.setdefault(item, []).append(pin)
    known = {item.id for festival in spec.festivals for item in festival.items}
    issues += [SpecIssue("--pin", item, "unknown item") for item in pins if item not in known]
    if issues:
        raise SpecError(issues)
    festivals = []
    for festival in spec.festivals:
        items = []
        for item in festival.items:
            extra = pins.get(item.id, [])
            if extra:
                numbers = {pin.occurrence for pin in extra}
                kept = [pin for pin in item.pins if pin.occurrence not in numbers]
                try:
                    item = _with_pins(item, kept + extra)
                except ValidationError as error:
                    message = "; ".join(e["msg"].removeprefix("Value error, ")
                                        for e in error.errors())
                    issues.append(SpecIssue("--pin", item.id, message))
            items.append(item)
        festivals.append(festival.model_copy(update={"items": items}))
    if issues:
        raise SpecError(issues)
    pinned = spec.model_copy(update={"festivals": festivals})
    problems = [
        SpecIssue("--pin", ".".join(str(part) for part in loc[-4:]), message)
        for loc, message in check_references(pinned)
    ]
    if problems:
        raise SpecError(problems)
    return pinned


