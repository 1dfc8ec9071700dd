"""What changed between two published versions, for the public and for each artist.

`version_diff` compares two `PublishedVersion`s (public occurrences only): what moved
(with where and when from), what was cancelled, what is new. `artist_notices` turns it
into one notice per artist concerned, by name, with the lines of what changed for them;
`notice_message` makes each a mail (plain text and an `.ics` of the occurrences
concerned, cancelled ones as CANCELLED) and `send_notices` hands them to an SMTP server.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from affiche.programmes.calendar_words import MONTHS, WEEKDAYS
from affiche.programmes.publish.ical import Feed, build_calendar, serialize_calendar
from affiche.programmes.publish.versions import (
    PublishedOccurrence,
    PublishedVersion,
    version_numbers,
    version_path,
)
from affiche.programmes.schedule import load_schedule
from affiche.venues.timeutil import zone


@dataclass(frozen=True)
class Move:
    before: PublishedOccurrence
    after: PublishedOccurrence


@dataclass(frozen=True)
class VersionDiff:
    """The public changes of version `number` against the version before it."""

    number: int
    published: datetime
    moved: list[Move] = field(default_factory=list)
    cancelled: list[PublishedOccurrence] = field(default_factory=list)
    new: list[PublishedOccurrence] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.moved or self.cancelled or self.new)


def _where_when(occ: PublishedOccurrence) -> tuple[object, ...]:
    return (occ.venue, occ.start, occ.end)


def _order(occ: PublishedOccurrence) -> tuple[datetime, str]:
    return (occ.start, occ.uid)


def version_diff(before: PublishedVersion | None, after: PublishedVersion) -> VersionDiff:
    """Occurrences of `after` that moved, were cancelled or are new since `before` (the
    first version: everything is new). Private occurrences never appear."""
    old = {o.uid: o for o in before.occurrences if not o.private} if before else {}
    diff = VersionDiff(after.version, after.published)
    for occ in sorted((o for o in after.occurrences if not o.private), key=_order):
        previous = old.get(occ.uid)
        if occ.cancelled:
            if previous is not None and not previous.cancelled:
                diff.cancelled.append(occ)
        elif previous is None or previous.cancelled:
            diff.new.append(occ)
        elif _where_when(previous) != _where_when(occ):
            diff.moved.append(Move(previous, occ))
    return diff


LABELS = {
    "en": {"moved": "Moved", "cancelled": "Cancelled", "new": "New", "from": "was",
           "hello": "Hello {name},", "intro": "the programme of {festival} changed "
           "(version {number}). What concerns you:", "ics": "The attached calendar "
           "holds these occurrences; a calendar app updates them in place.",
           "subject": "{festival}: your programme changed (version {number})"},
    "fr": {"moved": "Déplacé", "cancelled": "Annulé", "new": "Nouveau", "from": "avant",
           "hello": "Bonjour {name},", "intro": "le programme de {festival} a changé "
           "(version {number}). Ce qui vous concerne :", "ics": "Le calendrier joint "
           "contient ces représentations ; une application d'agenda les met à jour.",
           "subject": "{festival} : votre programme a changé (version {number})"},
}


def when_where(occ: PublishedOccurrence, lang: str = "en") -> str:
    """`Sat 31 Jan 10:00-10:50, Janson` (`sam. 31 janv. 10:00-10:50, ...` in French) in
    the festival's own zone."""
    tz = zone(occ.timezone)
    start, end = occ.start.astimezone(tz), occ.end.astimezone(tz)
    day = f"{start:%a %d %b}" if lang == "en" else " ".join((
        WEEKDAYS[lang][start.weekday()][:3] + ".", str(start.day),
        MONTHS[lang][start.month - 1]))
    return f"{day} {start:%H:%M}-{end:%H:%M}, {occ.venue_in(lang)}"


@dataclass
class Notice:
    """What to tell one artist: the lines of what changed for them and the occurrences."""

    artist: str
    name: str
    lines: list[str] = field(default_factory=list)
    occurrences: list[PublishedOccurrence] = field(default_factory=list)
    email: str | None = None


def _line(kind: str, occ: PublishedOccurrence, lang: str, was: PublishedOccurrence | None
          ) -> str:
    words = LABELS[lang]
    colon = "\u00a0: " if lang == "fr" else ": "
    text = f"{words[kind]}{colon}{occ.title.in_language(lang)}, {when_where(occ, lang)}"
    return text + (f" ({words['from']} {when_where(was, lang)})" if was else "")


def artist_notices(
    diff: VersionDiff, lang: str = "en", emails: dict[str, str] | None = None
) -> list[Notice]:
    """One notice per artist whose programme changed in `diff`, sorted by name; an artist
    who left a moved occurrence is told too (from the old record)."""
    notices: dict[str, Notice] = {}

    def tell(occ: PublishedOccurrence, line: str, people: Iterable[tuple[str, str]]) -> None:
        for artist, name in people:
            notice = notices.setdefault(artist, Notice(artist, name))
            if line not in notice.lines:
                notice.lines.append(line)
                notice.occurrences.append(occ)

    def people(occ: PublishedOccurrence) -> list[tuple[str, str]]:
        names = occ.artist_names or occ.artists
        return list(zip(occ.artists, names, strict=False))

    for move in diff.moved:
        line = _line("moved", move.after, lang, move.before)
        tell(move.after, line, people(move.after) + people(move.before))
    for occ in diff.cancelled:
        tell(occ, _line("cancelled", occ, lang, None), people(occ))
    for occ in diff.new:
        tell(occ, _line("new", occ, lang, None), people(occ))
    for notice in notices.values():
        notice.email = (emails or {}).get(notice.artist)
    return sorted(notices.values(), key=lambda n: (n.name.casefold(), n.artist))


def notice_text(notice: Notice, festival: str, number: int, lang: str = "en") -> str:
    words = LABELS[lang]
    body = [words["hello"].format(name=notice.name), "",
            words["intro"].format(festival=festival, number=number), ""]
    body += [f"- {line}" for line in notice.lines]
    return "\n".join([*body, "", words["ics"], ""])


def notice_calendar(notice: Notice, version: PublishedVersion, lang: str = "en") -> bytes:
    feed = Feed("artist", notice.artist, notice.name, tuple(notice.occurrences))
    return serialize_calendar(build_calendar(feed, lang, version.published, version.base_url))


def notice_message(
    notice: Notice, version: PublishedVersion, festival: str, sender: str, lang: str = "en"
) -> EmailMessage:
    """The mail for one notice: text, and the `.ics` attached (METHOD is left to the
    calendar's own STATUS and SEQUENCE, so importing it updates the events in place)."""
    message = EmailMessage()
    message["Subject"] = LABELS[lang]["subject"].format(festival=festival,
                                                        number=version.version)
    message["From"] = sender
    if notice.email:
        message["To"] = f"{notice.name} <{notice.email}>"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="affiche.invalid")
    message.set_content(notice_text(notice, festival, version.version, lang))
    message.add_attachment(notice_calendar(notice, version, lang), maintype="text",
                           subtype="calendar", filename=f"{notice.artist}.ics")
    return message


@dataclass(frozen=True)
class Smtp:
    """Where to send: an SMTP server (STARTTLS and login when asked)."""

    host: str
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def send_notices(messages: Sequence[EmailMessage], server: Smtp) -> int:
    """Send every message that has a recipient over one connection; how many were sent."""
    addressed = [m for m in messages if m["To"]]
    if not addressed:
        return 0
    with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.user:
            smtp.login(server.user, server.password or "")
        for message in addressed:
            smtp.send_message(message)
    return len(addressed)


def read_version(path: Path) -> PublishedVersion | None:
    try:
        return PublishedVersion.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None


def read_versions(
    directory: Path, numbers: Iterable[int] | None = None,
    reader: Callable[[Path], PublishedVersion | None] = read_version,
) -> list[PublishedVersion]:
    """The readable published versions of `directory` (all, or those `numbers`), oldest
    first; `reader` may be a cached one."""
    folder = Path(directory) / "versions"
    wanted = version_numbers(folder) if numbers is None else sorted(numbers)
    found = (reader(version_path(folder, number)) for number in wanted)
    return [v for v in found if v is not None]


@dataclass(frozen=True)
class FolderNotices:
    """The notices of one published version of a folder, with what the mails need."""

    version: PublishedVersion
    festival: str
    notices: list[Notice]

    def messages(self, sender: str, lang: str = "en") -> list[EmailMessage]:
        return [notice_message(n, self.version, self.festival, sender, lang)
                for n in self.notices]


def folder_notices(
    directory: Path, lang: str = "en", number: int | None = None
) -> FolderNotices | None:
    """What to tell whom about version `number` (default: the latest) of a published
    folder; addresses come from the artists' `email` in DIR/schedule.json (never
    published). None before the first publish or for an unknown version."""
    numbers = version_numbers(Path(directory) / "versions")
    if number is None and numbers:
        number = numbers[-1]
    if number not in numbers:
        return None
    at = numbers.index(number)
    versions = read_versions(directory, numbers[max(0, at - 1): at + 1])
    if not versions or versions[-1].version != number:
        return None
    before = versions[0] if len(versions) == 2 else None
    diff = version_diff(before, versions[-1])
    emails, festivals = {}, ""
    try:
        schedule = load_schedule(directory)
        emails = {a.id: a.email for a in schedule.artists if a.email}
        festivals = " · ".join(f.name for f in schedule.festivals)
    except (OSError, ValueError):
        pass
    return FolderNotices(versions[-1], festivals or "affiche",
                         artist_notices(diff, lang, emails))
