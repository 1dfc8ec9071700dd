"""The public programme: HTML pages rendered on the server, no JavaScript needed."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import pytz
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from affiche.programmes.notices import VersionDiff, read_versions, version_diff
from affiche.programmes.publish.ical import Feed, build_calendar, safe_id, serialize_calendar
from affiche.programmes.publish.pdf import sort_key
from affiche.programmes.publish.versions import (
    PublishedOccurrence,
    PublishedVersion,
    public_occurrences,
    version_numbers,
    version_path,
)
from affiche.programmes.schedule import FestivalInfo, ItemInfo
from affiche.web.deps import (
    DirectoryDep,
    LangDep,
    NowDep,
    ProgrammeDep,
    SettingsDep,
    TemplatesDep,
    absolute,
)
from affiche.web.files import feeds_for, festival_booklets, list_feeds, present_exports
from affiche.web.programme import (
    Filters,
    Occurrence,
    UnknownEntity,
    build_grid,
    folded,
    group_by_day,
    now_and_next,
)
from affiche.web.rendering import render_page

router = APIRouter(tags=["public pages"], default_response_class=HTMLResponse)


def _blank(value: str | None) -> str | None:
    return value or None


Day = Annotated[str | None, Query(description="programme day, YYYY-MM-DD")]
Venue = Annotated[str | None, Query(max_length=200)]
Kind = Annotated[str | None, Query(max_length=200)]
Tag = Annotated[str | None, Query(max_length=200, description="audience tag")]
Track = Annotated[str | None, Query(max_length=200)]
FestivalId = Annotated[str | None, Query(max_length=200)]
Search = Annotated[str | None, Query(max_length=200, description="words to look for")]


def parse_filters(
    day: Day = None,
    venue: Venue = None,
    kind: Kind = None,
    tag: Tag = None,
    track: Track = None,
    festival: FestivalId = None,
    q: Search = None,
) -> Filters:
    """Filters from a plain GET form (the pages' dependency, `FiltersDep`); empty values
    mean no filter, a bad day is ignored."""
    parsed_day = None
    if day:
        try:
            parsed_day = date.fromisoformat(day)
        except ValueError:
            parsed_day = None
    words = " ".join((q or "").split()) or None
    return Filters(parsed_day, _blank(venue), _blank(kind), _blank(tag), _blank(track),
                   _blank(festival), words)


FiltersDep = Annotated[Filters, Depends(parse_filters)]


def filter_context(programme: Any, filters: Filters) -> dict[str, Any]:
    return {
        "filters": filters,
        "all_days": programme.days(),
        "all_venues": programme.schedule.venues,
        "all_kinds": programme.kinds(),
        "all_tags": programme.tags(),
        "all_tracks": programme.tracks(),
        "all_festivals": programme.schedule.festivals,
    }


def kept_filters(filters: Filters) -> str:
    """`&kind=...&tag=...` of the filters a day or venue link of the overview keeps."""
    kept = {k: getattr(filters, k) for k in ("kind", "tag", "track", "festival", "q")}
    query = urlencode({k: v for k, v in kept.items() if v})
    return f"&{query}" if query else ""


@dataclass(frozen=True)
class Quiet:
    """Why "now and next" is empty: every festival over, or the one coming next."""

    over: bool
    upcoming: FestivalInfo | None


def quiet_status(festivals: list[FestivalInfo], now: datetime) -> Quiet:
    def today(festival: FestivalInfo) -> date:
        return now.astimezone(pytz.timezone(festival.timezone)).date()

    coming = sorted((f for f in festivals if f.start > today(f)), key=lambda f: f.start)
    over = bool(festivals) and all(f.end < today(f) for f in festivals)
    return Quiet(over, coming[0] if coming else None)


OVERVIEW_AT = 250  # more occurrences than this: the front page lists days and venues


def venue_counts(group: Any, programme: Any) -> list[tuple[Any, int]]:
    """How many occurrences each venue holds on the group's day, in the producer's order."""
    counts: dict[str, int] = {}
    for occ in group.occurrences + group.installations:
        counts[occ.venue.id] = counts.get(occ.venue.id, 0) + 1
    return [(v, counts[v.id]) for v in programme.schedule.venues if v.id in counts]


@router.get("/", summary="Programme by day")
def front_page(
    request: Request,
    programme: ProgrammeDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    lang: LangDep,
    now: NowDep,
    directory: DirectoryDep,
    filters: FiltersDep,
) -> Response:
    selected = programme.select(filters)
    installations = [o for o in selected if o.is_installation]
    now_next = [] if filters.active else now_and_next(programme, now)
    quiet = None
    if not filters.active and not now_next:
        quiet = quiet_status(list(programme.schedule.festivals), now)
    groups = group_by_day(selected, installations=True, day=filters.day)
    overview = []
    if len(selected) > OVERVIEW_AT and not filters.narrow:
        overview, groups = [(g, venue_counts(g, programme)) for g in groups], []
    latest = latest_changes(directory)
    context = {
        "latest_changes": latest,
        "moved": {m.after.uid for m in latest.moved} if latest else set(),
        "groups": groups,
        "overview": overview,
        "installations": installations,
        "now_next": now_next,
        "quiet": quiet,
        "festivals": programme.schedule.festivals,
        "kept": kept_filters(filters),
        **filter_context(programme, filters),
    }
    return render_page(
        request, templates, "index.html", lang, context, max_age=settings.page_max_age
    )


@router.get("/grid", summary="Venues by time for one day")
def grid_page(
    request: Request,
    programme: ProgrammeDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    lang: LangDep,
    filters: FiltersDep,
) -> Response:
    days = programme.days()
    if not days:
        raise UnknownEntity("day", str(filters.day or ""))
    if filters.day is None:
        filters = replace(filters, day=days[0])
    elif filters.day not in days:
        raise UnknownEntity("day", str(filters.day))
    selected = programme.select(filters)
    shown = filters.day or days[0]
    venues = programme.schedule.venues
    grids = [build_grid(f, shown, selected, venues) for f in programme.schedule.festivals]
    context = {"grids": [g for g in grids if g], **filter_context(programme, filters)}
    return render_page(
        request, templates, "grid.html", lang, context, max_age=settings.page_max_age
    )


def event_json_ld(
    occ: Occurrence, lang: str, url: str, previous_start: datetime | None = None
) -> dict[str, Any]:
    """schema.org Event for one occurrence (EventRescheduled when it moved)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": f"{url}#{occ.uid}",
        "name": occ.item.title.in_language(lang),
        "startDate": occ.start.isoformat(),
        "endDate": occ.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled"
        if previous_start is None
        else "https://schema.org/EventRescheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": f"{url}#{occ.uid}",
        "location": {
            "@type": "Place",
            "name": occ.venue.name_in(lang),
            "address": occ.venue.address or occ.festival.city,
        },
        "performer": [{"@type": "Person", "name": a.name} for a in occ.artists],
        "superEvent": {"@type": "Festival", "name": occ.festival.name},
        "inLanguage": occ.item.language or lang,
    }
    description = occ.item.description.in_language(lang)
    if description:
        data["description"] = description
    if previous_start is not None:
        data["previousStartDate"] = previous_start.isoformat()
    return data


def json_ld_script(payload: list[dict[str, Any]]) -> str:
    """JSON safe inside <script>: `<`, `>` and `&` escaped so `</script>` cannot close it."""
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class CalendarRow:
    """One festival, venue or artist with its feed in each language."""

    name: str
    feeds: list[Any]


def _calendar_rows(feeds: list[Any], kind: str, names: dict[str, str]) -> list[CalendarRow]:
    by_id: dict[str, list[Any]] = {}
    for feed in feeds:
        if feed.kind == kind:
            by_id.setdefault(feed.identifier, []).append(feed)
    rows = [
        CalendarRow(names.get(ident, ident), sorted(group, key=lambda f: f.language != "en"))
        for ident, group in by_id.items()
    ]
    return sorted(rows, key=lambda r: sort_key(r.name))


def _feeds(directory: Any, kind: str, identifier: str) -> list[Any]:
    return feeds_for(list_feeds(directory), kind, safe_id(identifier))


@dataclass(frozen=True)
class PublishedChanges:
    """What the two latest published versions say about one item's occurrences."""

    cancelled: list[PublishedOccurrence]
    previous_start: dict[str, datetime]  # uid -> the start it had before it moved


@lru_cache(maxsize=32)  # the changes page reads up to CHANGES_SHOWN + 1 versions
def _read_version(path: Path, mtime: float) -> PublishedVersion:
    """A published version as the public pages may use it: without its private occurrences
    (a soundcheck's uid in /my.ics or /item/ID/calendar.ics must not answer)."""
    version = PublishedVersion.model_validate_json(path.read_bytes())
    return version.model_copy(update={"occurrences": public_occurrences(version.occurrences)})


def _cached_version(path: Path) -> PublishedVersion | None:
    try:
        return _read_version(path, path.stat().st_mtime)
    except (OSError, ValueError):
        return None


def _versions(directory: Path, count: int = 2) -> list[PublishedVersion]:
    """The latest `count` published versions, newest first (none before a first publish)."""
    folder = Path(directory) / "versions"
    paths = [version_path(folder, n) for n in reversed(version_numbers(folder))][:count]
    found = []
    for path in paths:
        try:
            found.append(_read_version(path, path.stat().st_mtime))
        except (OSError, ValueError):
            continue
    return found


def published_changes(directory: Path, item_id: str) -> PublishedChanges:
    versions = _versions(directory)
    if not versions:
        return PublishedChanges([], {})
    latest = [o for o in versions[0].occurrences if o.item == item_id]
    before = {o.uid: o for o in versions[1].occurrences} if len(versions) > 1 else {}
    moved = {
        o.uid: before[o.uid].start
        for o in latest
        if not o.cancelled and o.uid in before and before[o.uid].start != o.start
    }
    return PublishedChanges([o for o in latest if o.cancelled], moved)


def _item_from_published(occ: PublishedOccurrence) -> ItemInfo:
    minutes = int((occ.end - occ.start).total_seconds() // 60)
    return ItemInfo(
        id=occ.item, festival=occ.festival, kind=occ.kind, title=occ.title,
        description=occ.description, artists=list(occ.artists), duration_minutes=minutes,
    )


def latest_changes(directory: Path) -> VersionDiff | None:
    """What the latest version changed against the one before; None for a first version
    or one that changed nothing public."""
    versions = _versions(directory)
    if len(versions) < 2:
        return None
    diff = version_diff(versions[1], versions[0])
    return None if diff.empty else diff


CHANGES_SHOWN = 20  # versions listed on the changes page, newest first


def _local(occ: PublishedOccurrence) -> tuple[datetime, datetime]:
    zone = pytz.timezone(occ.timezone)
    return occ.start.astimezone(zone), occ.end.astimezone(zone)


@router.get("/changes", summary="What each published version changed")
def changes_page(
    request: Request,
    templates: TemplatesDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    lang: LangDep,
    version: Annotated[int | None, Query(ge=1, description="one version only")] = None,
) -> Response:
    """Per version, newest first: what moved (with the previous time), was cancelled or is
    new; the first version only says how much it held."""
    numbers = version_numbers(Path(directory) / "versions")
    if version is None:
        numbers = numbers[-(CHANGES_SHOWN + 1):]
    elif version in numbers:
        numbers = numbers[max(0, numbers.index(version) - 1): numbers.index(version) + 1]
    versions = read_versions(directory, numbers, _cached_version)
    diffs = [(v, version_diff(versions[n - 1] if n else None, v)) for n, v in enumerate(versions)]
    if versions and versions[0].version != 1:  # its predecessor was only read to compare
        diffs = diffs[1:]
    if version is not None:
        diffs = [(v, d) for v, d in diffs if v.version == version]
        if not diffs:
            raise UnknownEntity("version", str(version))
    shown = list(reversed(diffs))[:CHANGES_SHOWN]
    context = {
        "diffs": [(v, d, v.version == 1) for v, d in shown],
        "public_count": lambda v: sum(not (o.private or o.cancelled) for o in v.occurrences),
        "local": _local,
        "single": version is not None,
    }
    return render_page(
        request, templates, "changes.html", lang, context, max_age=settings.page_max_age
    )


@router.get("/my", summary="My programme: the items starred in this browser")
def my_page(
    request: Request, templates: TemplatesDep, settings: SettingsDep, lang: LangDep
) -> Response:
    return render_page(request, templates, "my.html", lang, {}, max_age=settings.page_max_age)


@router.get("/my.ics", summary="A feed of exactly the occurrences given as uid=")
def my_calendar(
    directory: DirectoryDep,
    lang: LangDep,
    uid: Annotated[list[str] | None, Query(max_length=200)] = None,
) -> Response:
    """Subscribed to with the starred uids, it follows the programme as it changes (moved,
    cancelled), since every request reads the latest published version."""
    versions = _versions(directory, 1)
    wanted = set(uid or [])
    occurrences = [o for o in versions[0].occurrences
                   if o.uid in wanted or o.spell_of in wanted] if versions else []
    if not occurrences:  # a starred installation: each of its open days (`spell_of`)
        raise UnknownEntity("starred item", ", ".join(sorted(wanted))[:80] or "-")
    name = {"en": "My programme", "fr": "Mon programme"}.get(lang, "My programme")
    return _calendar_response(versions[0], Feed("festival", "my", name, tuple(occurrences)),
                              lang, "my-programme")


def _calendar_response(version: PublishedVersion, feed: Feed, lang: str, stem: str) -> Response:
    cal = build_calendar(feed, lang, version.published, version.base_url)
    return Response(
        serialize_calendar(cal),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe_id(stem)}.ics"'},
    )


@router.get("/item/{item_id}/calendar.ics", summary="One item's occurrences as iCal")
def item_calendar(item_id: str, programme: ProgrammeDep, directory: DirectoryDep,
                  lang: LangDep) -> Response:
    """The item's published occurrences (cancelled ones too, as CANCELLED) to download."""
    versions = _versions(directory, 1)
    occurrences = [o for o in versions[0].occurrences if o.item == item_id] if versions else []
    if not occurrences:
        raise UnknownEntity("item", item_id)
    feed = Feed("festival", item_id, occurrences[0].title.in_language(lang), tuple(occurrences))
    return _calendar_response(versions[0], feed, lang, item_id)


def google_calendar_url(occ: Occurrence, lang: str, page: str) -> str:
    """An "add to Google Calendar" link for one occurrence (times in UTC)."""

    def stamp(moment: datetime) -> str:
        return moment.astimezone(pytz.utc).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": occ.item.title.in_language(lang),
        "dates": f"{stamp(occ.start)}/{stamp(occ.end)}",
        "location": ", ".join(p for p in (occ.venue.name_in(lang), occ.venue.address) if p),
        "details": f"{page}#{occ.uid}",
        "ctz": occ.festival.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


@router.get("/item/{item_id}", summary="One item and its occurrences")
def item_page(
    request: Request,
    item_id: str,
    programme: ProgrammeDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    lang: LangDep,
) -> Response:
    """The item's page; one whose every occurrence was cancelled keeps its page, marked
    cancelled, while the feeds still link it."""
    changes = published_changes(directory, item_id)
    try:
        item = programme.item(item_id)
    except UnknownEntity:
        if not changes.cancelled:
            raise
        item = _item_from_published(changes.cancelled[0])
    occurrences = programme.of_item(item_id)
    url = absolute(request, f"/item/{quote(item_id)}")
    ld = [event_json_ld(o, lang, url, changes.previous_start.get(o.uid)) for o in occurrences]
    ld += [cancelled_json_ld(o, lang, url) for o in changes.cancelled]
    context = {
        "item": item,
        "festival": programme.festival(item.festival),
        "occurrences": occurrences,
        "cancelled": [_local_times(o) for o in changes.cancelled],
        "previous_start": {
            uid: start.astimezone(pytz.timezone(programme.festival(item.festival).timezone))
            for uid, start in changes.previous_start.items()
        },
        "google_url": lambda o: google_calendar_url(o, lang, url),
        "ics_url": absolute(request, f"/item/{quote(item_id)}/calendar.ics"),
        "artists": [programme.artist(a) for a in item.artists if _known(programme.artist, a)],
        "json_ld": json_ld_script(ld),
        "feeds": _feeds(directory, "festival", item.festival),
    }
    return render_page(
        request, templates, "item.html", lang, context, max_age=settings.page_max_age
    )


def _local_times(occ: PublishedOccurrence) -> dict[str, Any]:
    zone = pytz.timezone(occ.timezone)
    return {"uid": occ.uid, "start": occ.start.astimezone(zone), "end": occ.end.astimezone(zone),
            "venue": occ.venue_in, "venue_id": occ.venue}


def cancelled_json_ld(occ: PublishedOccurrence, lang: str, url: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": f"{url}#{occ.uid}",
        "name": occ.title.in_language(lang),
        "startDate": occ.start.isoformat(),
        "endDate": occ.end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled",
        "url": f"{url}#{occ.uid}",
        "location": {"@type": "Place", "name": occ.venue_in(lang),
                     "address": occ.venue_address or occ.venue_in(lang)},
    }


def _known(lookup: Any, identifier: str) -> bool:
    try:
        lookup(identifier)
    except UnknownEntity:
        return False
    return True


@router.get("/venue/{venue_id}", summary="One venue's programme")
def venue_page(
    request: Request,
    venue_id: str,
    programme: ProgrammeDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    lang: LangDep,
) -> Response:
    venue = programme.venue(venue_id)
    occurrences = programme.of_venue(venue_id)
    context = {
        "venue": venue,
        "festival": programme.festival(venue.festival),
        "groups": group_by_day(occurrences, installations=True),
        "installations": [o for o in occurrences if o.is_installation],
        "feeds": _feeds(directory, "venue", venue_id),
    }
    return render_page(
        request, templates, "venue.html", lang, context, max_age=settings.page_max_age
    )


@router.get("/artist/{artist_id}", summary="One artist's programme")
def artist_page(
    request: Request,
    artist_id: str,
    programme: ProgrammeDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    lang: LangDep,
) -> Response:
    artist = programme.artist(artist_id)
    occurrences = programme.of_artist(artist_id)
    context = {
        "artist": artist,
        "groups": group_by_day(occurrences, installations=True),
        "installations": [o for o in occurrences if o.is_installation],
        "feeds": _feeds(directory, "artist", artist_id),
    }
    return render_page(
        request, templates, "artist.html", lang, context, max_age=settings.page_max_age
    )


LETTERS_AT = 150  # more artist feeds than this: listed one initial at a time


def initial(name: str) -> str:
    """The letter a name is filed under: its first letter, accents dropped; else '#'."""
    first = next((c for c in folded(name) if c.isalnum()), "#")
    return first.upper() if first.isalpha() else "#"


def by_initial(rows: list[CalendarRow], letter: str | None) -> tuple[list[str], list[CalendarRow]]:
    """The initials of a long list and the rows under `letter` (none without one)."""
    letters = sorted({initial(r.name) for r in rows}, key=lambda x: (x == "#", x))
    return letters, [r for r in rows if letter and initial(r.name) == letter]


@router.get("/calendars", summary="Every iCal feed and export")
def calendars_page(
    request: Request,
    programme: ProgrammeDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    lang: LangDep,
    letter: Annotated[str | None, Query(max_length=1, description="artists' initial")] = None,
) -> Response:
    feeds = list_feeds(directory)
    exports = present_exports(directory)
    names = {
        "festival": {safe_id(f.id): f.name for f in programme.schedule.festivals},
        "venue": {safe_id(v.id): v.name_in(lang) for v in programme.schedule.venues},
        "artist": {safe_id(a.id): a.name for a in programme.schedule.artists},
    }
    sections = [(kind, _calendar_rows(feeds, kind, names[kind])) for kind in names]
    letters: list[str] = []
    if len(sections[-1][1]) > LETTERS_AT:
        letters, artist_rows = by_initial(sections[-1][1], (letter or "").upper() or None)
        sections[-1] = ("artist", artist_rows)
    context = {
        "sections": sections,
        "letters": letters,
        "letter": (letter or "").upper(),
        "names": names,
        "exports": exports,
        "pdfs": [n for n in exports if n.endswith(".pdf")],
        "other_exports": [n for n in exports if not n.endswith(".pdf")],
        "has_feeds": bool(feeds),
        "booklets": festival_booklets(directory),
        "festivals": [f.model_copy(update={"id": safe_id(f.id)})
                      for f in programme.schedule.festivals],
    }
    return render_page(
        request, templates, "calendars.html", lang, context, max_age=settings.page_max_age
    )
