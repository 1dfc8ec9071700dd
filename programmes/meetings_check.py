"""An independent check of placed meetings, from the spec and the placements alone.

It shares nothing with the solver or its slot grid: it reads the festival's `meetings`
section, the participants' availability, the meeting venue's hours, closures and lunch,
and the participants' other items in every festival (with the programme's own travel rule,
`rules.travel_minutes`), and looks at each placed meeting as times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from affiche.programmes import rules
from affiche.programmes.meetings import meeting_item_id
from affiche.programmes.model import Festival, Spec
from affiche.programmes.rules import travel_minutes
from affiche.programmes.schedule import Placement, Unplaced
from affiche.venues.timeutil import local_at


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hours_problems(festival: Festival, placement: Placement) -> list[str]:
    section = festival.meetings
    assert section is not None
    venue = next(v for v in festival.venues if v.id == section.venue)
    span = (placement.start, placement.end)
    zone_name = festival.timezone
    day = rules.day_of(festival, placement.start)
    problems = []
    if venue.open:
        inside = any(w.localized(zone_name).start <= span[0] and span[1] <= w.localized(
            zone_name).end for w in venue.open)
    else:
        hours = venue.hours or festival.hours_by_day.get(day, festival.hours)
        opens = local_at(day, hours.opens, zone_name)
        closes = local_at(day, hours.closes, zone_name)
        if closes <= opens:
            closes = local_at(day + timedelta(days=1), hours.closes, zone_name)
        inside = opens <= span[0] and span[1] <= closes
    if not inside:
        problems.append("outside the meeting venue's hours")
    if not festival.start <= day <= festival.end:
        problems.append(f"on {day}, not a day of the festival")
    for window in venue.closures:
        here = window.localized(zone_name)
        if _overlap(span, (here.start, here.end)):
            problems.append("during a closure of the meeting venue")
    if section.lunch is not None:
        lunch = (local_at(day, section.lunch.start, zone_name),
                 local_at(day, section.lunch.end, zone_name))
        if _overlap(span, lunch):
            problems.append("during lunch")
    return problems


def _in_a_row(meetings: list[Placement], minutes: int, most: int) -> bool:
    """Back-to-back meetings (less than a meeting length between them) stay within `most`
    meeting lengths."""
    run_start: datetime | None = None
    previous_end: datetime | None = None
    for meeting in sorted(meetings, key=lambda p: p.start):
        if previous_end is None or meeting.start - previous_end >= timedelta(minutes=minutes):
            run_start = meeting.start
        previous_end = meeting.end
        assert run_start is not None
        if meeting.end - run_start > timedelta(minutes=minutes * most):
            return False
    return True


def check_meetings(
    spec: Spec,
    festival: Festival,
    meetings: list[Placement],
    unplaced: list[Unplaced],
    others: Iterable[Placement] = (),
) -> list[str]:
    """Every broken rule, one line each; empty when the agenda is sound."""
    section = festival.meetings
    assert section is not None
    venue = next(v for v in festival.venues if v.id == section.venue)
    artists = {a.id: a for a in spec.artists}
    requests = {frozenset(r.between): r for r in section.requests}
    banned = {frozenset(pair) for pair in section.do_not_meet}
    problems: list[str] = []
    seen: set[frozenset[str]] = set()
    by_person: dict[str, list[Placement]] = defaultdict(list)
    by_table: dict[int, list[Placement]] = defaultdict(list)
    for meeting in meetings:
        name = f"{meeting.item} at {meeting.start:%Y-%m-%d %H:%M}"
        people = frozenset(meeting.artists)
        request = requests.get(people)
        for pair in banned:
            if pair <= people:
                problems.append(f"{name}: {' and '.join(sorted(pair))} are on do_not_meet")
        if request is None:
            problems.append(f"{name}: nobody asked for a meeting between {sorted(people)}")
            continue
        if people in seen:
            problems.append(f"{name}: this meeting is placed twice")
        seen.add(people)
        minutes = request.minutes or section.minutes
        if meeting.end - meeting.start != timedelta(minutes=minutes):
            problems.append(f"{name}: lasts {meeting.end - meeting.start}, not {minutes} min")
        if meeting.venue != venue.id:
            problems.append(f"{name}: at {meeting.venue}, not the meeting venue {venue.id}")
        if not meeting.private:
            problems.append(f"{name}: not marked private")
        if meeting.table is None or not 1 <= meeting.table <= venue.parallel:
            problems.append(f"{name}: table {meeting.table} is not one of 1..{venue.parallel}")
        else:
            by_table[meeting.table].append(meeting)
        problems += [f"{name}: {p}" for p in _hours_problems(festival, meeting)]
        for who in sorted(people):
            by_person[who].append(meeting)
            artist = artists.get(who)
            if artist is None or not artist.availability:
                continue
            zone_name = artist.timezone or festival.timezone
            if not any(w.localized(zone_name).start <= meeting.start
                       and meeting.end <= w.localized(zone_name).end
                       for w in artist.availability):
                problems.append(f"{name}: outside {who}'s availability")
    problems += _double_bookings(spec, festival, venue.id, by_person, others)
    problems += _crowding(festival, venue.id, venue.parallel, meetings, others)
    for table, placed in sorted(by_table.items()):
        placed.sort(key=lambda p: p.start)
        for a, b in zip(placed, placed[1:], strict=False):
            if b.start < a.end:
                problems.append(f"table {table}: {a.item} and {b.item} overlap")
    for who, placed in sorted(by_person.items()):
        if not _in_a_row(placed, section.minutes, section.max_in_a_row):
            problems.append(f"{who}: more than {section.max_in_a_row} meetings in a row")
    reported = {u.item for u in unplaced if u.reason.strip()}
    for index, request in enumerate(section.requests):
        if request.priority.value == "must" and frozenset(request.between) not in seen \
                and meeting_item_id(request.between) not in reported:
            problems.append(f"request {index} ({' / '.join(request.between)}): a must "
                            "meeting neither placed nor reported with a reason")
    return problems


def _crowding(festival: Festival, venue: str, tables: int, meetings: list[Placement],
              others: Iterable[Placement]) -> list[str]:
    """Meetings and the programme's own items at the meeting area never outnumber tables."""
    held = [(p.start, p.end) for p in meetings if p.venue == venue]
    held += [(p.start, p.end) for p in others
             if p.festival == festival.id and p.venue == venue and not p.private]
    problems = []
    for moment in sorted({start for start, _ in held}):
        count = sum(start <= moment < end for start, end in held)
        if count > tables:
            problems.append(f"{venue} at {moment:%Y-%m-%d %H:%M}: {count} meetings and items "
                            f"for {tables} tables")
    return problems


def _double_bookings(
    spec: Spec, festival: Festival, venue: str, by_person: dict[str, list[Placement]],
    others: Iterable[Placement],
) -> list[str]:
    """Two meetings at once, or a meeting within the way (`rules.travel_minutes`) of one
    of the participant's other items, in any festival of the spec, private ones included."""
    travel = travel_minutes(spec)
    problems = []
    own: dict[str, list[Placement]] = defaultdict(list)
    mine = {meeting_item_id(r.between) for r in festival.meetings.requests} \
        if festival.meetings else set()
    for placement in others:
        if not (placement.festival == festival.id and placement.item in mine):
            for who in placement.artists:
                own[who].append(placement)
    for who, placed in sorted(by_person.items()):
        placed = sorted(placed, key=lambda p: p.start)
        for a, b in zip(placed, placed[1:], strict=False):
            if b.start < a.end:
                problems.append(f"{who}: in {a.item} and {b.item} at once")
        for meeting in placed:
            for item in own.get(who, []):
                walk = timedelta(minutes=travel.get((venue, item.venue), 0))
                if _overlap((meeting.start, meeting.end), (item.start - walk, item.end + walk)):
                    problems.append(f"{who}: {meeting.item} at {meeting.start:%H:%M} clashes "
                                    f"with their {item.item} at {item.venue} "
                                    f"(walk {walk.seconds // 60} min)")
    return problems
